//! Administration: the organisation's users and its audit trail.
use super::{FieldMessages, Shell, htmx_error, render, render_with_status};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::audit::AuditEntry;
use app::users::NewUserInput;
use askama::Template;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::user::User;
use domain::{Locale, UserId};
use serde::Deserialize;

/// One row of the users table, also sent alone after an htmx change.
pub struct UserLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub language: &'static str,
    pub active: bool,
    pub version: i64,
    pub is_self: bool,
}

impl UserLine {
    fn new(user: &User, t: &Tr, me: UserId) -> Self {
        UserLine {
            id: user.id.to_string(),
            name: user.display_name.clone(),
            email: user.email.to_string(),
            role: t.role(user.role),
            language: user.locale.native_name(),
            active: user.active,
            version: user.version,
            is_self: user.id == me,
        }
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: Tr,
    shell: Shell,
    users: Vec<UserLine>,
    form: NewUserForm,
    errors: FieldMessages,
    created: Option<String>,
    locales: [Locale; 3],
}

#[derive(Template)]
#[template(path = "user_row.html")]
struct UserRowPartial {
    t: Tr,
    u: UserLine,
}

#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub locale: String,
}

#[derive(Deserialize)]
pub struct UsersQuery {
    created: Option<String>,
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: NewUserForm,
    errors: FieldMessages,
    created: Option<String>,
    status: StatusCode,
) -> Response {
    let t = tr_for(&user.actor);
    match state.app.list_users(&user.actor).await {
        Ok(users) => render_with_status(
            status,
            &UsersPage {
                t,
                shell: Shell::for_user(csrf, user, "users", "/admin/users"),
                users: users.iter().map(|u| UserLine::new(u, &t, user.actor.user_id)).collect(),
                form,
                errors,
                created,
                locales: Locale::ALL,
            },
        ),
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

pub async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(query): Query<UsersQuery>,
) -> Response {
    let form =
        NewUserForm { role: "member".into(), locale: user.actor.locale.tag().into(), ..Default::default() };
    users_page(&state, &user, &csrf, form, FieldMessages::default(), query.created, StatusCode::OK).await
}

pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let input = NewUserInput {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        role: form.role.clone(),
        locale: Some(form.locale.clone()),
    };
    match state.app.create_user(&user.actor, input).await {
        Ok(created) => {
            let target = format!("/admin/users?created={}", urlencode(&created.display_name));
            Redirect::to(&target).into_response()
        }
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            let form = NewUserForm { password: String::new(), ..form };
            users_page(&state, &user, &csrf, form, messages, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    version: i64,
    active: bool,
}

pub async fn set_active(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Response {
    let locale = user.actor.locale;
    let Ok(id) = id.parse::<UserId>() else {
        return htmx_error(AppError::NotFound, locale, &headers);
    };
    match state.app.set_user_active(&user.actor, id, form.version, form.active).await {
        Ok(changed) => {
            let t = tr(locale);
            render(&UserRowPartial { t, u: UserLine::new(&changed, &t, user.actor.user_id) })
        }
        Err(error) => htmx_error(error, locale, &headers),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Tr,
    shell: Shell,
    entries: Vec<AuditLine>,
    next_cursor: Option<String>,
}

/// An audit entry as the table shows it.
pub struct AuditLine {
    pub when: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub ip: String,
    pub details: String,
}

impl AuditLine {
    pub fn new(entry: &AuditEntry, t: &Tr) -> Self {
        let mut details = Vec::new();
        if let Some(before) = &entry.before {
            details.push(format!("− {before}"));
        }
        if let Some(after) = &entry.after {
            details.push(format!("+ {after}"));
        }
        AuditLine {
            when: t.datetime(&entry.at),
            who: entry.actor.clone(),
            action: t.get(&format!("audit-action-{}", entry.action)),
            entity: match &entry.entity_id {
                Some(id) => format!("{} {}", entry.entity_type, id),
                None => entry.entity_type.clone(),
            },
            ip: entry.ip.clone().unwrap_or_default(),
            details: details.join("  "),
        }
    }
}

#[derive(Deserialize)]
pub struct AuditQuery {
    cursor: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(query): Query<AuditQuery>,
) -> Response {
    match state.app.audit_log(&user.actor, query.cursor.as_deref(), None).await {
        Ok(page) => render(&AuditPage {
            t: tr_for(&user.actor),
            shell: Shell::for_user(&csrf, &user, "audit", "/admin/audit"),
            entries: page.items.iter().map(|e| AuditLine::new(e, &tr_for(&user.actor))).collect(),
            next_cursor: page.next_cursor,
        }),
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

//! Administration: the organisation's users and its audit trail.
use super::components::{AuditLine, AuditNames, FieldMessages};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query, see_other};
use crate::i18n::Tr;
use crate::labels::role_name;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::users::NewUserInput;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing;
use domain::user::User;
use domain::{Locale, UserId};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", routing::get(users).post(create_user))
        .route("/admin/users/{id}/active", routing::post(set_active))
        .route("/admin/audit", routing::get(audit))
}

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

/// Each user's roles as Acesso names them, so Usuários shows the same.
async fn roles_by_user(page: &Page) -> Result<HashMap<uuid::Uuid, String>, AppError> {
    let overview = page.app().access().access_overview(&page.actor).await?;
    let name_of = |id: &uuid::Uuid| {
        overview.roles.iter().find(|r| r.id == *id).map(|r| role_name(&page.t, &r.name)).unwrap_or_default()
    };
    Ok(overview
        .users
        .iter()
        .map(|u| (u.user_id, u.role_ids.iter().map(name_of).collect::<Vec<_>>().join(", ")))
        .collect())
}

impl UserLine {
    fn new(user: &User, t: &Tr, me: UserId, roles: &HashMap<uuid::Uuid, String>) -> Self {
        UserLine {
            id: user.id.to_string(),
            name: user.display_name.clone(),
            email: user.email.to_string(),
            role: roles
                .get(&user.id.0)
                .filter(|r| !r.is_empty())
                .cloned()
                .unwrap_or_else(|| t.role(user.role)),
            language: user.locale.native_name(),
            active: user.active,
            version: user.version,
            is_self: user.id == me,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
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
#[template(path = "admin/user_row.html")]
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
    page: &Page,
    form: NewUserForm,
    errors: FieldMessages,
    created: Option<String>,
    status: StatusCode,
) -> PageResult {
    let t = page.t;
    let users = page.app().users().list_users(&page.actor).await?;
    let roles = roles_by_user(page).await?;
    let body = UsersPage {
        t,
        shell: page.shell("users"),
        users: users.iter().map(|u| UserLine::new(u, &t, page.actor.user_id, &roles)).collect(),
        form,
        errors,
        created,
        locales: Locale::ALL,
    };
    Ok(render_with_status(status, &body))
}

pub async fn users(page: Page, Query(query): Query<UsersQuery>) -> PageResult {
    let form =
        NewUserForm { role: "member".into(), locale: page.actor.locale.tag().into(), ..Default::default() };
    users_page(&page, form, FieldMessages::default(), query.created, StatusCode::OK).await
}

pub async fn create_user(page: Page, Form(form): Form<NewUserForm>) -> PageResult {
    let input = NewUserInput {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        role: form.role.clone(),
        locale: Some(form.locale.clone()),
    };
    match page.app().users().create_user(&page.actor, input).await {
        Ok(created) => Ok(see_other(&format!("/admin/users?created={}", urlencode(&created.display_name)))),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            let form = NewUserForm { password: String::new(), ..form };
            users_page(&page, form, messages, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    version: i64,
    active: bool,
}

pub async fn set_active(page: Page, Id(id): Id<UserId>, Form(form): Form<ActiveForm>) -> PageResult {
    let changed = page.app().users().set_user_active(&page.actor, id, form.version, form.active).await?;
    let roles = roles_by_user(&page).await?;
    page.render(&UserRowPartial {
        t: page.t,
        u: UserLine::new(&changed, &page.t, page.actor.user_id, &roles),
    })
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    t: Tr,
    shell: Shell,
    entries: Vec<AuditLine>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    cursor: Option<String>,
}

pub async fn audit(page: Page, Query(query): Query<AuditQuery>) -> PageResult {
    let found = page.app().audit().audit_log(&page.actor, query.cursor.as_deref(), None).await?;
    let names = AuditNames::load(page.app(), &page.actor).await?;
    page.render(&AuditPage {
        t: page.t,
        shell: page.shell("audit"),
        entries: found.items.iter().map(|e| AuditLine::new(e, &page.t, &names)).collect(),
        next_cursor: found.next_cursor,
    })
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

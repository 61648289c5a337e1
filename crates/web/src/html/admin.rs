//! Administration: the organisation's users and its audit trail.
use super::components::{AuditLine, AuditNames, FieldMessages, Pairs, form_id, url_encode, value, values};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query, see_other};
use crate::i18n::Tr;
use crate::labels::role_name;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::access::AccessOverview;
use app::users::NewUserInput;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing;
use domain::user::User;
use domain::{Locale, UserId, ValidationErrors};
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
fn roles_by_user(t: &Tr, overview: &AccessOverview) -> HashMap<uuid::Uuid, String> {
    let name_of = |id: &uuid::Uuid| {
        overview.roles.iter().find(|r| r.id == *id).map(|r| role_name(t, &r.name)).unwrap_or_default()
    };
    overview
        .users
        .iter()
        .map(|u| (u.user_id, u.role_ids.iter().map(name_of).collect::<Vec<_>>().join(", ")))
        .collect()
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
    /// The organisation's roles and branches to start the user with: (id, name).
    roles: Vec<(String, String)>,
    branches: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/user_row.html")]
struct UserRowPartial {
    t: Tr,
    u: UserLine,
}

/// What the new-user form holds: who, his language, his roles and branch.
#[derive(Default)]
pub struct NewUserForm {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub locale: String,
    pub role_ids: Vec<String>,
    pub branch_id: String,
}

impl NewUserForm {
    fn from_pairs(pairs: &Pairs) -> NewUserForm {
        NewUserForm {
            email: value(pairs, "email").to_string(),
            display_name: value(pairs, "display_name").to_string(),
            password: value(pairs, "password").to_string(),
            locale: value(pairs, "locale").to_string(),
            role_ids: values(pairs, "role_ids").map(str::to_string).collect(),
            branch_id: value(pairs, "branch_id").to_string(),
        }
    }

    pub fn has_role(&self, id: &str) -> bool {
        self.role_ids.iter().any(|r| r == id)
    }
}

#[derive(Deserialize)]
pub struct UsersQuery {
    created: Option<String>,
}

/// The page with its new-user form: as typed, or fresh (`None`: the
/// reader's language and the account manager's role, as most users start).
async fn users_page(
    page: &Page,
    form: Option<NewUserForm>,
    errors: FieldMessages,
    created: Option<String>,
    status: StatusCode,
) -> PageResult {
    let t = page.t;
    let users = page.app().users().list_users(&page.actor).await?;
    let overview = page.app().access().access_overview(&page.actor).await?;
    let roles = roles_by_user(&t, &overview);
    let form = form.unwrap_or_else(|| NewUserForm {
        locale: page.actor.locale.tag().into(),
        role_ids: overview
            .roles
            .iter()
            .filter(|r| r.key == "account_manager")
            .map(|r| r.id.to_string())
            .collect(),
        ..Default::default()
    });
    let body = UsersPage {
        roles: overview.roles.iter().map(|r| (r.id.to_string(), role_name(&t, &r.name))).collect(),
        branches: overview.branches.iter().map(|b| (b.id.to_string(), b.name.clone())).collect(),
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
    users_page(&page, None, FieldMessages::default(), query.created, StatusCode::OK).await
}

pub async fn create_user(page: Page, Form(pairs): Form<Pairs>) -> PageResult {
    let form = NewUserForm::from_pairs(&pairs);
    let mut errors = ValidationErrors::new();
    let role_ids: Vec<uuid::Uuid> = form
        .role_ids
        .iter()
        .filter_map(|id| id.parse().map_err(|_| errors.add("role_ids", "error-role-invalid")).ok())
        .collect();
    if role_ids.is_empty() {
        errors.add("role_ids", "error-roles-required");
    }
    let branch_id = form_id(&pairs, "branch_id", &mut errors);
    if !errors.is_empty() {
        let messages = FieldMessages::from_errors(&errors, &page.t);
        let form = NewUserForm { password: String::new(), ..form };
        return users_page(&page, Some(form), messages, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let input = NewUserInput {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        role: String::new(),
        role_ids,
        branch_id,
        locale: Some(form.locale.clone()),
    };
    match page.app().users().create_user(&page.actor, input).await {
        Ok(created) => Ok(see_other(&format!("/admin/users?created={}", url_encode(&created.display_name)))),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            let form = NewUserForm { password: String::new(), ..form };
            users_page(&page, Some(form), messages, None, StatusCode::UNPROCESSABLE_ENTITY).await
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
    let overview = page.app().access().access_overview(&page.actor).await?;
    let roles = roles_by_user(&page.t, &overview);
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

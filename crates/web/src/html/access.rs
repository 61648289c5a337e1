//! Access administration: branches, roles and their rights, each user's
//! branch and roles, portfolio transfers, and "view as".
use super::{FieldMessages, Shell, render_with_status};
use super::{Pairs, value, values};
use crate::AppState;
use crate::auth::{CurrentUser, VIEW_AS_COOKIE, clear_cookie, set_cookie};
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::access::AccessOverview;
use askama::Template;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{AccessLevel, Permission};
use domain::{BranchId, RoleId, UserId};
use serde::Deserialize;

pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct RoleLine {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub permissions: Vec<Choice>,
    pub read_levels: Vec<Choice>,
    pub write_levels: Vec<Choice>,
}

pub struct UserLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub is_self: bool,
    pub branches: Vec<Choice>,
    pub roles: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "access.html")]
struct AccessPage {
    t: Tr,
    shell: Shell,
    branches: Vec<(String, String)>,
    roles: Vec<RoleLine>,
    users: Vec<UserLine>,
    managers: Vec<(String, String)>,
    branch_form: BranchForm,
    errors: FieldMessages,
    notice: Option<String>,
}

/// A default role's translated name; a role an organisation added keeps its own.
pub(crate) fn role_name(t: &Tr, name: &str) -> String {
    let key = format!("role-name-{name}");
    if t.has(&key) { t.get(&key) } else { name.to_string() }
}

fn levels(t: &Tr, current: &str) -> Vec<Choice> {
    AccessLevel::ALL
        .iter()
        .map(|level| Choice {
            value: level.as_str().into(),
            label: t.get(&format!("access-level-{}", level.as_str())),
            checked: level.as_str() == current,
        })
        .collect()
}

fn page_of(t: Tr, shell: Shell, overview: AccessOverview, me: UserId) -> AccessPage {
    let roles = overview
        .roles
        .iter()
        .map(|role| RoleLine {
            id: role.id.to_string(),
            name: role_name(&t, &role.name),
            version: role.version,
            permissions: Permission::ALL
                .iter()
                .map(|p| Choice {
                    value: p.as_str().into(),
                    label: t.get(&format!("permission-{}", p.as_str().replace(['.', '_'], "-"))),
                    checked: role.permissions.iter().any(|held| held == p.as_str()),
                })
                .collect(),
            read_levels: levels(&t, &role.read_level),
            write_levels: levels(&t, &role.write_level),
        })
        .collect();
    let users = overview
        .users
        .iter()
        .map(|user| UserLine {
            id: user.user_id.to_string(),
            name: user.display_name.clone(),
            email: user.email.clone(),
            active: user.active,
            is_self: user.user_id == me.0,
            branches: overview
                .branches
                .iter()
                .map(|b| Choice {
                    value: b.id.to_string(),
                    label: b.name.clone(),
                    checked: user.branch_id == Some(b.id),
                })
                .collect(),
            roles: overview
                .roles
                .iter()
                .map(|r| Choice {
                    value: r.id.to_string(),
                    label: role_name(&t, &r.name),
                    checked: user.role_ids.contains(&r.id),
                })
                .collect(),
        })
        .collect();
    AccessPage {
        branches: overview.branches.iter().map(|b| (b.name.clone(), b.company.clone())).collect(),
        managers: overview
            .users
            .iter()
            .filter(|u| u.active)
            .map(|u| (u.user_id.to_string(), u.display_name.clone()))
            .collect(),
        roles,
        users,
        shell,
        t,
        branch_form: BranchForm::default(),
        errors: FieldMessages::default(),
        notice: None,
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    status: StatusCode,
    adjust: impl FnOnce(&mut AccessPage),
) -> Response {
    let actor = &user.actor;
    match state.app.access_overview(actor).await {
        Ok(overview) => {
            let shell = Shell::for_user(csrf, user, "access", "/admin/access");
            let mut page = page_of(tr_for(actor), shell, overview, actor.user_id);
            adjust(&mut page);
            render_with_status(status, &page)
        }
        Err(error) => super::app_error_page(error, actor.locale),
    }
}

#[derive(Deserialize)]
pub struct Notice {
    saved: Option<String>,
    moved: Option<u64>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(notice): Query<Notice>,
) -> Response {
    let t = tr_for(&user.actor);
    let message = match (notice.saved, notice.moved) {
        (_, Some(moved)) => Some(t.count("access-transfer-done", moved as i64)),
        (Some(_), None) => Some(t.get("access-saved")),
        (None, None) => None,
    };
    page(&state, &user, &csrf, StatusCode::OK, |page| page.notice = message).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BranchForm {
    pub name: String,
    pub company: String,
}

/// Shows a form's validation messages on the page; any other error as its own page.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    error: AppError,
    form: BranchForm,
) -> Response {
    match error {
        AppError::Validation(errors) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            page(state, user, csrf, StatusCode::UNPROCESSABLE_ENTITY, |page| {
                page.errors = messages;
                page.branch_form = form;
            })
            .await
        }
        other => super::app_error_page(other, user.actor.locale),
    }
}

const SAVED: &str = "/admin/access?saved=1";

/// A form post's answer: back to the page with a notice, or the refusal.
async fn saved_or_refused<T>(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    result: Result<T, AppError>,
) -> Response {
    match result {
        Ok(_) => Redirect::to(SAVED).into_response(),
        Err(error) => refused(state, user, csrf, error, BranchForm::default()).await,
    }
}

pub async fn add_branch(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<BranchForm>,
) -> Response {
    match state.app.create_branch(&user.actor, &form.name, &form.company).await {
        Ok(_) => Redirect::to(SAVED).into_response(),
        Err(error) => refused(&state, &user, &csrf, error, form).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    name: String,
}

pub async fn add_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<RoleForm>,
) -> Response {
    let result = state.app.create_role(&user.actor, &form.name).await;
    saved_or_refused(&state, &user, &csrf, result).await
}

pub async fn save_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Response {
    let Ok(id) = id.parse::<RoleId>() else {
        return super::app_error_page(AppError::NotFound, user.actor.locale);
    };
    let permissions: Vec<String> = values(&form, "permission").map(str::to_string).collect();
    let version = value(&form, "version").parse().unwrap_or(-1);
    let result = state
        .app
        .update_role(
            &user.actor,
            id,
            version,
            &permissions,
            value(&form, "read_level"),
            value(&form, "write_level"),
        )
        .await;
    saved_or_refused(&state, &user, &csrf, result).await
}

pub async fn assign_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Response {
    let Ok(target) = id.parse::<UserId>() else {
        return super::app_error_page(AppError::NotFound, user.actor.locale);
    };
    let branch = match value(&form, "branch_id") {
        "" => Ok(None),
        text => text.parse::<BranchId>().map(Some),
    };
    let roles: Result<Vec<RoleId>, _> = values(&form, "role").map(str::parse::<RoleId>).collect();
    let (Ok(branch), Ok(roles)) = (branch, roles) else {
        let errors = domain::ValidationErrors::single("role_ids", "error-role-invalid");
        return refused(&state, &user, &csrf, errors.into(), BranchForm::default()).await;
    };
    let result = state.app.assign_user(&user.actor, target, branch, &roles).await;
    saved_or_refused(&state, &user, &csrf, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TransferForm {
    from: String,
    to: String,
}

pub async fn transfer(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<TransferForm>,
) -> Response {
    let (Ok(from), Ok(to)) = (form.from.parse::<UserId>(), form.to.parse::<UserId>()) else {
        let errors = domain::ValidationErrors::single("to", "error-seller-invalid");
        return refused(&state, &user, &csrf, errors.into(), BranchForm::default()).await;
    };
    match state.app.transfer_portfolio(&user.actor, from, to).await {
        Ok(moved) => Redirect::to(&format!("/admin/access?moved={moved}")).into_response(),
        Err(error) => refused(&state, &user, &csrf, error, BranchForm::default()).await,
    }
}

/// Starts viewing the app as another user: checked and audited by the
/// use case; the cookie only says whom, every request checks again.
pub async fn start_view_as(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let Ok(target) = id.parse::<UserId>() else {
        return super::app_error_page(AppError::NotFound, user.actor.locale);
    };
    match state.app.view_as(&user.actor, target).await {
        Ok(_) => {
            let mut response = Redirect::to("/customers").into_response();
            set_cookie(&mut response, VIEW_AS_COOKIE, &target.to_string(), state.secure_cookies, None);
            response
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

pub async fn stop_view_as(State(state): State<AppState>) -> Response {
    let mut response = Redirect::to("/admin/access").into_response();
    clear_cookie(&mut response, VIEW_AS_COOKIE, state.secure_cookies);
    response
}

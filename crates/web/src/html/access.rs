//! Access administration: branches, roles and their rights, each user's
//! branch and roles, portfolio transfers, and "view as".
use super::components::{FieldMessages, Pairs, value, values};
use crate::AppState;
use crate::auth::{VIEW_AS_COOKIE, clear_cookie, set_cookie};
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query, see_other};
use crate::html::components::{TabLink, tab_strip};
use crate::i18n::Tr;
use crate::labels::role_name;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::access::AccessOverview;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing;
use domain::access::{AccessLevel, Permission};
use domain::{BranchId, RoleId, UserId};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/access", routing::get(show))
        .route("/admin/access/branches", routing::post(add_branch))
        .route("/admin/access/roles", routing::post(add_role))
        .route("/admin/access/roles/{id}", routing::post(save_role))
        .route("/admin/access/users/{id}", routing::post(assign_user))
        .route("/admin/access/users/{id}/view-as", routing::post(start_view_as))
        .route("/admin/access/transfer", routing::post(transfer))
        .route("/view-as/stop", routing::post(stop_view_as))
}

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
#[template(path = "access/overview.html")]
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
    /// The open tab's code, and the strip to all of them.
    tab: &'static str,
    tabs: Vec<TabLink>,
}

/// Acesso's tabs, one form per part: users, roles, branches, portfolios.
const TABS: [&str; 4] = ["users", "roles", "branches", "portfolios"];

/// The tab asked for; an unknown one opens the users.
fn tab_of(asked: Option<&str>) -> &'static str {
    TABS.into_iter().find(|tab| Some(*tab) == asked).unwrap_or("users")
}

/// Where a saved form returns: its tab, with a word on what was done.
fn back_to(tab: &str, notice: &str) -> String {
    match tab {
        "users" => format!("/admin/access?{notice}"),
        _ => format!("/admin/access?tab={tab}&{notice}"),
    }
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
        branch_form: BranchForm::default(),
        errors: FieldMessages::default(),
        notice: None,
        tab: "users",
        tabs: Vec::new(),
        t,
    }
}

async fn page(
    page: &Page,
    status: StatusCode,
    tab: &'static str,
    adjust: impl FnOnce(&mut AccessPage),
) -> PageResult {
    let overview = page.app().access().access_overview(&page.actor).await?;
    let mut body = page_of(page.t, page.shell("access"), overview, page.actor.user_id);
    body.tab = tab;
    body.tabs = tab_strip(&page.t, "/admin/access", &TABS, tab, "access-tab-");
    adjust(&mut body);
    Ok(render_with_status(status, &body))
}

#[derive(Deserialize)]
pub struct Notice {
    tab: Option<String>,
    saved: Option<String>,
    moved: Option<u64>,
}

pub async fn show(page: Page, Query(notice): Query<Notice>) -> PageResult {
    let t = page.t;
    let message = match (notice.saved, notice.moved) {
        (_, Some(moved)) => Some(t.count("access-transfer-done", moved as i64)),
        (Some(_), None) => Some(t.get("access-saved")),
        (None, None) => None,
    };
    self::page(&page, StatusCode::OK, tab_of(notice.tab.as_deref()), |body| body.notice = message).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BranchForm {
    pub name: String,
    pub company: String,
}

/// A form post's answer: back to the page with a notice; a refusal's
/// field messages on the page; any other failure as its own page.
async fn saved_or_refused<T>(
    page: &Page,
    tab: &'static str,
    result: Result<T, AppError>,
    form: BranchForm,
) -> PageResult {
    match result {
        Ok(_) => Ok(see_other(&back_to(tab, "saved=1"))),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            self::page(page, StatusCode::UNPROCESSABLE_ENTITY, tab, |body| {
                body.errors = messages;
                body.branch_form = form;
            })
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn add_branch(page: Page, Form(form): Form<BranchForm>) -> PageResult {
    let result = page.app().access().create_branch(&page.actor, &form.name, &form.company).await;
    saved_or_refused(&page, "branches", result, form).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    name: String,
}

pub async fn add_role(page: Page, Form(form): Form<RoleForm>) -> PageResult {
    let result = page.app().access().create_role(&page.actor, &form.name).await;
    saved_or_refused(&page, "roles", result, BranchForm::default()).await
}

pub async fn save_role(page: Page, Id(id): Id<RoleId>, Form(form): Form<Pairs>) -> PageResult {
    let permissions: Vec<String> = values(&form, "permission").map(str::to_string).collect();
    let version = value(&form, "version").parse().unwrap_or(-1);
    let result = page
        .app()
        .access()
        .update_role(
            &page.actor,
            id,
            version,
            &permissions,
            value(&form, "read_level"),
            value(&form, "write_level"),
        )
        .await;
    saved_or_refused(&page, "roles", result, BranchForm::default()).await
}

pub async fn assign_user(page: Page, Id(target): Id<UserId>, Form(form): Form<Pairs>) -> PageResult {
    let branch = match value(&form, "branch_id") {
        "" => Ok(None),
        text => text.parse::<BranchId>().map(Some),
    };
    let roles: Result<Vec<RoleId>, _> = values(&form, "role").map(str::parse::<RoleId>).collect();
    let result = match (branch, roles) {
        (Ok(branch), Ok(roles)) => page.app().access().assign_user(&page.actor, target, branch, &roles).await,
        _ => Err(domain::ValidationErrors::single("role_ids", "error-role-invalid").into()),
    };
    saved_or_refused(&page, "users", result, BranchForm::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TransferForm {
    from: String,
    to: String,
}

pub async fn transfer(page: Page, Form(form): Form<TransferForm>) -> PageResult {
    let (Ok(from), Ok(to)) = (form.from.parse::<UserId>(), form.to.parse::<UserId>()) else {
        let errors = domain::ValidationErrors::single("to", "error-seller-invalid");
        return saved_or_refused::<()>(&page, "portfolios", Err(errors.into()), BranchForm::default()).await;
    };
    match page.app().access().transfer_portfolio(&page.actor, from, to).await {
        Ok(moved) => Ok(see_other(&back_to("portfolios", &format!("moved={moved}")))),
        Err(error) => saved_or_refused::<()>(&page, "portfolios", Err(error), BranchForm::default()).await,
    }
}

/// Starts viewing the app as another user: checked and audited by the
/// use case; the cookie only says whom, every request checks again.
pub async fn start_view_as(page: Page, Id(target): Id<UserId>) -> PageResult {
    page.app().access().view_as(&page.actor, target).await?;
    let mut response = see_other("/customers");
    set_cookie(&mut response, VIEW_AS_COOKIE, &target.to_string(), page.state.secure_cookies, None);
    Ok(response)
}

pub async fn stop_view_as(State(state): State<AppState>) -> Response {
    let mut response = see_other("/admin/access");
    clear_cookie(&mut response, VIEW_AS_COOKIE, state.secure_cookies);
    response
}

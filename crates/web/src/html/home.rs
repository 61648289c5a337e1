//! Início: the page a user lands on.
use super::components::AuditLine;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::Page;
use crate::i18n::Tr;
use crate::labels::role_name;
use crate::layout::Shell;
use askama::Template;
use axum::Router;
use axum::routing;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", routing::get(show))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Tr,
    shell: Shell,
    name: String,
    email: String,
    role: String,
    language: &'static str,
    users_count: Option<usize>,
    recent: Vec<AuditLine>,
    /// Today's appointments in the user's agenda: (time, title, party, address).
    today: Vec<(String, String, String, String)>,
}

pub async fn show(page: Page) -> PageResult {
    let actor = &page.actor;
    let t = page.t;
    let day = t.local_day(&page.app().now());
    let found = page.app().agenda().period(actor, &[], day, day + chrono::Duration::days(1), false).await?;
    let today = found
        .into_iter()
        .map(|o| {
            let time = format!("{}–{}", t.time(&o.starts_at), t.time(&o.ends_at));
            (time, o.title, o.party_name.unwrap_or_default(), format!("/appointments/{}", o.appointment_id))
        })
        .collect();
    // Only administrators see the organisation's activity and users.
    let (users_count, recent) = if actor.is_admin() {
        let users = page.app().users().list_users(actor).await?;
        let recent = page.app().audit().audit_log(actor, None, Some(8)).await?;
        (Some(users.len()), recent.items.iter().map(|e| AuditLine::new(e, &t)).collect())
    } else {
        (None, Vec::new())
    };
    page.render(&HomePage {
        t,
        shell: page.shell("home"),
        name: actor.display_name.clone(),
        email: actor.email.to_string(),
        role: actor.role_names.iter().map(|name| role_name(&t, name)).collect::<Vec<_>>().join(", "),
        language: actor.locale.native_name(),
        users_count,
        recent,
        today,
    })
}

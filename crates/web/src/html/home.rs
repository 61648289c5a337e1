//! Início: the page a user lands on.
use super::admin::AuditLine;
use super::{Shell, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use askama::Template;
use axum::extract::{Extension, State};
use axum::response::Response;

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

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
) -> Response {
    let actor = &user.actor;
    let t = tr_for(actor);
    let day = t.local_day(&chrono::Utc::now());
    let today = match state.app.agenda(actor, &[], day, day + chrono::Duration::days(1), false).await {
        Ok(found) => found
            .into_iter()
            .map(|o| {
                let time = format!("{}–{}", t.time(&o.starts_at), t.time(&o.ends_at));
                (
                    time,
                    o.title,
                    o.party_name.unwrap_or_default(),
                    format!("/appointments/{}", o.appointment_id),
                )
            })
            .collect(),
        Err(error) => return super::app_error_page(error, actor.locale),
    };
    // Only administrators see the organisation's activity and users.
    let (users_count, recent) = if actor.is_admin() {
        let users = state.app.list_users(actor).await;
        let recent = state.app.audit_log(actor, None, Some(8)).await;
        match (users, recent) {
            (Ok(users), Ok(page)) => {
                (Some(users.len()), page.items.iter().map(|e| AuditLine::new(e, &t)).collect())
            }
            (Err(error), _) | (_, Err(error)) => return super::app_error_page(error, actor.locale),
        }
    } else {
        (None, Vec::new())
    };
    render(&HomePage {
        t,
        shell: Shell::for_user(&csrf, &user, "home", "/"),
        name: actor.display_name.clone(),
        email: actor.email.to_string(),
        role: actor
            .role_names
            .iter()
            .map(|name| super::access::role_name(&t, name))
            .collect::<Vec<_>>()
            .join(", "),
        language: actor.locale.native_name(),
        users_count,
        recent,
        today,
    })
}

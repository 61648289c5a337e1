//! Webhooks: the organisation's subscriptions, the secret shown once, the
//! log of deliveries with the receiver's answer, and sending one again.
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, value, values};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use askama::Template;
use axum::Router;
use axum::routing;
use domain::timeline::EventKind;
use domain::webhook::SubscriptionDraft;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", routing::get(show).post(subscribe))
        .route("/admin/webhooks/private", routing::post(allow_private))
        .route("/admin/webhooks/{id}/delete", routing::post(unsubscribe))
        .route("/admin/webhook-deliveries/{id}/redeliver", routing::post(redeliver))
}

#[derive(Template)]
#[template(path = "settings/webhooks.html")]
struct WebhooksPage {
    t: Tr,
    shell: Shell,
    allow_private: bool,
    kinds: Vec<(&'static str, String)>,
    /// id, url, the kinds' names.
    subscriptions: Vec<(String, String, String)>,
    deliveries: Vec<DeliveryLine>,
    form: FormValues,
    errors: FieldMessages,
}

struct DeliveryLine {
    id: String,
    when: String,
    url: String,
    event_type: String,
    state: String,
    state_label: String,
    status: String,
    excerpt: String,
    attempts: i64,
}

async fn page(page: &Page, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let webhooks = page.app().webhooks();
    let ((subscriptions, allow_private), deliveries) =
        tokio::try_join!(webhooks.subscriptions(&page.actor), webhooks.deliveries(&page.actor, None))?;
    let t = page.t;
    let kind_label = |code: &str| t.get(&format!("event-kind-{code}"));
    let body = WebhooksPage {
        allow_private,
        kinds: EventKind::ALL.iter().map(|k| (k.as_str(), kind_label(k.as_str()))).collect(),
        subscriptions: subscriptions
            .into_iter()
            .map(|s| {
                let names: Vec<String> = s.events.iter().map(|e| kind_label(e)).collect();
                (s.id.to_string(), s.url, names.join(", "))
            })
            .collect(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryLine {
                id: d.id.to_string(),
                when: t.datetime(&d.delivered_at.unwrap_or(d.created_at)),
                url: d.url,
                event_type: kind_label(d.event_type.trim_start_matches("party.")),
                state_label: t.get(&format!("delivery-state-{}", d.state)),
                state: d.state,
                status: d.response_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
                excerpt: d.response_excerpt,
                attempts: i64::from(d.attempts),
            })
            .collect(),
        form: FormValues(typed.unwrap_or_default()),
        errors: outcome.errors,
        shell: page.shell("settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn show(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, None, outcome).await
}

pub async fn subscribe(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let subscribed = match SubscriptionDraft::parse(value(&form, "url"), values(&form, "events")) {
        Ok(draft) => page.app().webhooks().subscribe(&page.actor, draft).await,
        Err(errors) => Err(errors.into()),
    };
    match subscribed {
        Ok((_, secret)) => {
            page.redirect_with("/admin/webhooks", Flash::secret("webhook-created", secret, "webhook-secret"))
                .await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, Some(form), outcome).await
        }
    }
}

pub async fn allow_private(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let allowed = value(&form, "allow_private") == "on";
    page.app().webhooks().allow_private(&page.actor, allowed).await?;
    page.redirect_with("/admin/webhooks", Flash::notice("settings-saved")).await
}

pub async fn unsubscribe(page: Page, Id(id): Id<Uuid>) -> PageResult {
    page.app().webhooks().unsubscribe(&page.actor, id).await?;
    page.redirect_with("/admin/webhooks", Flash::notice("webhook-removed")).await
}

pub async fn redeliver(page: Page, Id(id): Id<Uuid>) -> PageResult {
    page.app().webhooks().redeliver(&page.actor, id).await?;
    page.redirect_with("/admin/webhooks", Flash::notice("webhook-redelivered")).await
}

//! Configurações de SMS e WhatsApp: where the organisation's text messages
//! are posted (its provider's gateway), the secret they are signed with,
//! and which of the two channels it carries.
use crate::error::PageResult;
use crate::extract::{Form, Page};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use askama::Template;
use domain::message::GatewaySettings;

#[derive(Template)]
#[template(path = "messages/gateway.html")]
struct GatewayPage {
    t: Tr,
    shell: Shell,
    form: FormValues,
    version: i64,
    configured: bool,
    errors: FieldMessages,
    alert: Option<String>,
}

/// The form as stored (or as typed, after a refusal).
async fn page(page: &Page, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let stored = page.app().messages().gateway_settings(&page.actor).await?;
    let form = match (typed, &stored) {
        (Some(typed), _) => FormValues(typed),
        (None, Some(s)) => FormValues(
            [("url", s.url.clone()), ("sms", on(s.sms)), ("whatsapp", on(s.whatsapp))]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ),
        (None, None) => FormValues(vec![("sms".into(), "on".into()), ("whatsapp".into(), "on".into())]),
    };
    let body = GatewayPage {
        form,
        version: stored.as_ref().map_or(0, |s| s.version),
        configured: stored.is_some(),
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

/// A checkbox's value as the browser sends it: `on` when ticked, absent when not.
fn on(ticked: bool) -> String {
    if ticked { "on".into() } else { String::new() }
}

pub async fn show(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, None, outcome).await
}

pub async fn save(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let version = value(&form, "version").trim().parse::<i64>().unwrap_or(0);
    let parsed = GatewaySettings::parse(
        value(&form, "url"),
        value(&form, "secret"),
        !value(&form, "sms").is_empty(),
        !value(&form, "whatsapp").is_empty(),
    );
    let result = match parsed {
        Ok(settings) => {
            page.app().messages().save_gateway_settings(&page.actor, version, settings).await.map(|_| ())
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(()) => page.redirect_with("/admin/gateway", Flash::notice("gateway-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            // The secret typed is not sent back into the page.
            let typed = form.into_iter().filter(|(k, _)| k != "secret").collect();
            self::page(&page, Some(typed), outcome).await
        }
    }
}

//! Enviar e-mail: a message to one of the customer's own addresses,
//! queued for the worker, which checks his consent again when it sends.
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::html::customers::ProfileTab;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use askama::Template;
use domain::PartyId;

#[derive(Template)]
#[template(path = "messages/compose.html")]
struct ComposePage {
    t: Tr,
    shell: Shell,
    party_id: String,
    party_name: String,
    back: String,
    emails: Vec<String>,
    /// Why nothing can be sent now (no consent, no address, no server), as words.
    blocked: Option<String>,
    form: FormValues,
    errors: FieldMessages,
}

async fn page(page: &Page, party: PartyId, form: FormValues, outcome: FormOutcome) -> PageResult {
    let reachable = page.app().messages().reachable(&page.actor, party).await?;
    let t = page.t;
    let blocked = if reachable.emails.is_empty() {
        Some(t.get("compose-no-address"))
    } else if !reachable.consent_email {
        Some(t.get("compose-no-consent"))
    } else if !reachable.server_ready {
        Some(t.get("compose-no-server"))
    } else {
        None
    };
    let body = ComposePage {
        party_id: party.0.to_string(),
        party_name: reachable.name,
        back: ProfileTab::History.url(party.0, None),
        emails: reachable.emails,
        blocked,
        form,
        errors: outcome.errors,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn form(page: Page, Id(party): Id<PartyId>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, party, FormValues::default(), outcome).await
}

pub async fn queue(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let queued = page
        .app()
        .messages()
        .queue_email(&page.actor, party, value(&form, "to"), value(&form, "subject"), value(&form, "body"))
        .await;
    match queued {
        Ok(_) => {
            page.redirect_with(&ProfileTab::History.url(party.0, None), Flash::notice("compose-queued")).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, party, FormValues(form), outcome).await
        }
    }
}

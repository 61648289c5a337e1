//! Enviar e-mail: a message to one of the customer's own addresses,
//! queued for the worker, which checks his consent again when it sends.
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::html::customers::ProfileTab;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::messaging::EmailContent;
use askama::Template;
use domain::{PartyId, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

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
    /// The organisation's templates (id, name), to start from one.
    templates: Vec<(String, String)>,
    /// The chosen template filled in for this customer: its id, subject
    /// and text, shown before sending.
    chosen: Option<(String, String, String)>,
    form: FormValues,
    errors: FieldMessages,
}

#[derive(Deserialize, Default)]
pub struct ComposeQuery {
    template: Option<Uuid>,
}

/// What the form sends: the chosen template, or the subject and text typed.
fn content(form: &Pairs) -> Result<EmailContent<'_>, AppError> {
    let template = value(form, "template_id").trim();
    if template.is_empty() {
        return Ok(EmailContent::Written { subject: value(form, "subject"), body: value(form, "body") });
    }
    let id = template.parse().map_err(|_| ValidationErrors::single("template_id", "error-not-found"))?;
    Ok(EmailContent::Template(id))
}

async fn page(
    page: &Page,
    party: PartyId,
    template: Option<Uuid>,
    form: FormValues,
    outcome: FormOutcome,
) -> PageResult {
    let messages = page.app().messages();
    let (reachable, templates) =
        tokio::try_join!(messages.reachable(&page.actor, party), messages.templates(&page.actor))?;
    let chosen = match template {
        Some(id) => {
            let filled = messages.preview(&page.actor, party, id).await?;
            Some((id.to_string(), filled.subject, filled.text))
        }
        None => None,
    };
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
        templates: templates
            .into_iter()
            .map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.locale.tag())))
            .collect(),
        chosen,
        form,
        errors: outcome.errors,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn form(page: Page, Id(party): Id<PartyId>, Query(query): Query<ComposeQuery>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, party, query.template, FormValues::default(), outcome).await
}

pub async fn queue(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let queued =
        page.app().messages().queue_email(&page.actor, party, value(&form, "to"), content(&form)?).await;
    let template = value(&form, "template_id").parse().ok();
    match queued {
        Ok(_) => {
            page.redirect_with(&ProfileTab::History.url(party.0, None), Flash::notice("compose-queued")).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, party, template, FormValues(form), outcome).await
        }
    }
}

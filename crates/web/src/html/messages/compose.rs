//! Enviar mensagem: an e-mail, an SMS, a WhatsApp message or a letter to
//! one of the customer's own addresses, queued for the worker (a letter
//! for the next printed batch), which checks his consent again when it
//! goes.
use crate::error::PageResult;
use crate::extract::{FormWithFiles, Id, Page, Query};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::html::customers::ProfileTab;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::messaging::EmailContent;
use askama::Template;
use domain::message::{Attachment, MessageChannel, TEXT_MAX};
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
    channel: &'static str,
    title: String,
    intro: String,
    /// The channels as tabs: code, label, whether it is this one.
    channels: Vec<(&'static str, String, bool)>,
    /// The party's addresses for this channel (value, as shown).
    addresses: Vec<(String, String)>,
    /// Whether the user may type an address that is not the party's.
    can_type: bool,
    /// Why nothing can be sent now (no consent, no address, no server), as words.
    blocked: Option<String>,
    /// The organisation's templates (id, name), to start from one (e-mail).
    templates: Vec<(String, String)>,
    /// The chosen template filled in for this customer: its id, subject
    /// and text, shown before sending.
    chosen: Option<(String, String, String)>,
    text_max: i64,
    form: FormValues,
    errors: FieldMessages,
}

#[derive(Deserialize, Default)]
pub struct ComposeQuery {
    channel: Option<MessageChannel>,
    template: Option<Uuid>,
}

/// What an e-mail form sends: the chosen template, or the subject and text typed.
fn email_content(form: &Pairs) -> Result<EmailContent<'_>, AppError> {
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
    channel: MessageChannel,
    template: Option<Uuid>,
    form: FormValues,
    outcome: FormOutcome,
) -> PageResult {
    let messages = page.app().messages();
    let (reachable, templates) = tokio::try_join!(
        messages.reachable(&page.actor, party),
        messages.templates_of(&page.actor, domain::message::TemplateKind::Email)
    )?;
    let chosen = match template.filter(|_| channel == MessageChannel::Email) {
        Some(id) => {
            let filled = messages.preview(&page.actor, party, id).await?;
            Some((id.to_string(), filled.subject, filled.text))
        }
        None => None,
    };
    let t = page.t;
    let can_type =
        channel != MessageChannel::Letter && page.actor.can(domain::access::Permission::MessagesAnyAddress);
    let addresses = match channel {
        MessageChannel::Email => reachable.emails.iter().map(|e| (e.clone(), e.clone())).collect(),
        MessageChannel::Sms | MessageChannel::WhatsApp => reachable
            .phones
            .iter()
            .map(|p| (p.clone(), domain::phone::Phone::from_stored(p.clone()).formatted()))
            .collect(),
        MessageChannel::Letter => {
            reachable.addresses.iter().map(|a| (a.clone(), a.replace('\n', " · "))).collect()
        }
    };
    let body = ComposePage {
        party_id: party.0.to_string(),
        party_name: reachable.name.clone(),
        back: ProfileTab::History.url(party.0, None),
        channel: channel.as_str(),
        title: t.get(&format!("compose-title-{}", channel.as_str())),
        intro: t.get(&format!("compose-intro-{}", channel.as_str())),
        channels: MessageChannel::ALL
            .iter()
            .map(|c| (c.as_str(), t.get(&format!("compose-channel-{}", c.as_str())), *c == channel))
            .collect(),
        addresses,
        blocked: reachable
            .blocked(channel)
            .filter(|key| !(can_type && matches!(*key, "compose-no-address" | "compose-no-phone")))
            .map(|key| t.get(key)),
        can_type,
        templates: templates
            .into_iter()
            .map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.locale.tag())))
            .collect(),
        chosen,
        text_max: TEXT_MAX as i64,
        form,
        errors: outcome.errors,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn form(page: Page, Id(party): Id<PartyId>, Query(query): Query<ComposeQuery>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    let channel = query.channel.unwrap_or(MessageChannel::Email);
    self::page(&page, party, channel, query.template, FormValues::default(), outcome).await
}

pub async fn queue(page: Page, Id(party): Id<PartyId>, upload: FormWithFiles) -> PageResult {
    let form: Pairs = upload.fields;
    // A form without the field is the e-mail form of before the channels.
    let channel = match value(&form, "channel").trim() {
        "" => MessageChannel::Email,
        typed => MessageChannel::parse(typed)
            .map_err(|m| AppError::from(ValidationErrors::single("channel", m)))?,
    };
    let messages = page.app().messages();
    // An address typed (by whoever may) goes instead of the one chosen.
    let typed = value(&form, "to_other").trim();
    let to = if typed.is_empty() { value(&form, "to") } else { typed };
    let (subject, body) = (value(&form, "subject"), value(&form, "body"));
    let queued = match channel {
        MessageChannel::Email => match (email_content(&form), Attachment::check_all(upload.files)) {
            (Ok(content), Ok(files)) => {
                messages.queue_email_with_files(&page.actor, party, to, content, files).await
            }
            (Err(error), _) => Err(error),
            (_, Err(errors)) => Err(errors.into()),
        },
        MessageChannel::Sms | MessageChannel::WhatsApp => {
            messages.queue_text(&page.actor, party, channel, to, body).await
        }
        MessageChannel::Letter => messages.queue_letter(&page.actor, party, to, subject, body).await,
    };
    let template = value(&form, "template_id").parse().ok();
    match queued {
        Ok(_) => {
            let notice =
                if channel == MessageChannel::Letter { "compose-letter-queued" } else { "compose-queued" };
            page.redirect_with(&ProfileTab::History.url(party.0, None), Flash::notice(notice)).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, party, channel, template, FormValues(form), outcome).await
        }
    }
}

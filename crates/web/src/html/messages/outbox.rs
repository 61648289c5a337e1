//! Caixa de saída: every message of the organisation, newest first, with
//! what became of it; a failed one is tried again, a waiting one cancelled.
use crate::error::PageResult;
use crate::extract::{Id, Page, Query, see_other};
use crate::flash::Flash;
use crate::html::components::url_encode;
use crate::i18n::Tr;
use crate::labels;
use crate::layout::{Shell, render_with_status};
use app::messaging::{MessageView, OUTBOX_PAGE, OutboxQuery};
use askama::Template;
use axum::http::StatusCode;
use domain::ids::MessageId;
use domain::message::{MessageChannel, MessageState};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "messages/outbox.html")]
struct OutboxPage {
    t: Tr,
    shell: Shell,
    states: Vec<(&'static str, String)>,
    state: String,
    channels: Vec<(&'static str, String)>,
    channel: String,
    lines: Vec<OutboxLine>,
    next: Option<String>,
}

struct OutboxLine {
    id: String,
    party_id: String,
    party_name: String,
    recipient: String,
    channel_label: String,
    attachments: i64,
    subject: String,
    body: String,
    state: &'static str,
    state_label: String,
    when: String,
    queued_by: String,
    answer: String,
    attempts: i64,
    can_retry: bool,
    can_cancel: bool,
}

impl OutboxLine {
    fn of(message: MessageView, t: &Tr) -> OutboxLine {
        OutboxLine {
            id: message.id.to_string(),
            party_id: message.party_id.to_string(),
            party_name: message.party_name,
            recipient: message.recipient.replace('\n', " · "),
            channel_label: t.get(&format!("compose-channel-{}", message.channel.as_str())),
            attachments: message.attachment_count,
            subject: message.subject,
            body: message.body,
            state: message.state.as_str(),
            state_label: t.get(&format!("message-state-{}", message.state.as_str())),
            when: t.datetime(&message.sent_at.unwrap_or(message.updated_at)),
            queued_by: message.queued_by,
            answer: labels::message_answer(t, &message.answer),
            attempts: i64::from(message.attempts),
            can_retry: message.state.can_retry(),
            can_cancel: message.state.can_cancel(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct OutboxFilter {
    state: Option<MessageState>,
    channel: Option<MessageChannel>,
    before: Option<MessageId>,
}

pub async fn list(page: Page, Query(filter): Query<OutboxFilter>) -> PageResult {
    let query =
        OutboxQuery { state: filter.state, channel: filter.channel, party: None, before: filter.before };
    let messages = page.app().messages().outbox(&page.actor, &query).await?;
    let t = page.t;
    let state = filter.state.map(|s| s.as_str().to_string()).unwrap_or_default();
    let channel = filter.channel.map(|c| c.as_str().to_string()).unwrap_or_default();
    let next = (messages.len() == OUTBOX_PAGE as usize).then(|| {
        let last = messages.last().map(|m| m.id.to_string()).unwrap_or_default();
        format!("/admin/outbox?state={}&channel={}&before={}", url_encode(&state), url_encode(&channel), last)
    });
    let body = OutboxPage {
        states: MessageState::ALL
            .iter()
            .map(|s| (s.as_str(), t.get(&format!("message-state-{}", s.as_str()))))
            .collect(),
        state,
        channels: MessageChannel::ALL
            .iter()
            .map(|c| (c.as_str(), t.get(&format!("compose-channel-{}", c.as_str()))))
            .collect(),
        channel,
        lines: messages.into_iter().map(|m| OutboxLine::of(m, &t)).collect(),
        next,
        shell: page.shell("outbox"),
        t,
    };
    Ok(render_with_status(StatusCode::OK, &body))
}

pub async fn retry(page: Page, Id(id): Id<MessageId>) -> PageResult {
    page.app().messages().retry(&page.actor, id).await?;
    page.redirect_with("/admin/outbox", Flash::notice("outbox-retried")).await
}

pub async fn cancel(page: Page, Id(id): Id<MessageId>) -> PageResult {
    page.app().messages().cancel(&page.actor, id).await?;
    if page.htmx {
        return Ok(see_other("/admin/outbox"));
    }
    page.redirect_with("/admin/outbox", Flash::notice("outbox-cancelled")).await
}

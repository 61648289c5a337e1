//! Cartas: the letters waiting for a batch, printing one (each party's
//! consent read again as it is printed), and the printed batch as pages
//! for the printer, one letter a sheet.
use crate::error::PageResult;
use crate::extract::{Id, Page};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::messaging::MessageView;
use askama::Template;
use axum::http::StatusCode;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "messages/letters.html")]
struct WaitingPage {
    t: Tr,
    shell: Shell,
    lines: Vec<LetterLine>,
    count: i64,
    /// Past batches: link, when printed, how many letters.
    batches: Vec<(String, String, i64)>,
}

#[derive(Template)]
#[template(path = "messages/letter_batch.html")]
struct BatchPage {
    t: Tr,
    shell: Shell,
    organisation: String,
    printed_on: String,
    letters: Vec<LetterLine>,
    count: i64,
}

struct LetterLine {
    id: String,
    party_id: String,
    party_name: String,
    /// The envelope's lines.
    address: Vec<String>,
    subject: String,
    paragraphs: Vec<String>,
    queued: String,
    queued_by: String,
}

impl LetterLine {
    fn of(letter: MessageView, t: &Tr) -> LetterLine {
        LetterLine {
            id: letter.id.to_string(),
            party_id: letter.party_id.to_string(),
            party_name: letter.party_name,
            address: letter.recipient.lines().map(str::to_string).collect(),
            subject: letter.subject,
            paragraphs: letter
                .body
                .split("\n\n")
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            queued: t.datetime(&letter.created_at),
            queued_by: letter.queued_by,
        }
    }
}

pub async fn waiting(page: Page) -> PageResult {
    let messages = page.app().messages();
    let (letters, batches) =
        tokio::try_join!(messages.letters_waiting(&page.actor), messages.letter_batches(&page.actor))?;
    let t = page.t;
    let body = WaitingPage {
        batches: batches
            .into_iter()
            .map(|b| (format!("/admin/letters/batches/{}", b.id), t.datetime(&b.printed_at), b.letters))
            .collect(),
        count: letters.len() as i64,
        lines: letters.into_iter().map(|l| LetterLine::of(l, &t)).collect(),
        shell: page.shell("outbox"),
        t,
    };
    Ok(render_with_status(StatusCode::OK, &body))
}

pub async fn print(page: Page) -> PageResult {
    match page.app().messages().print_letters(&page.actor).await? {
        None => page.redirect_with("/admin/letters", Flash::notice("letters-none")).await,
        Some(batch) => {
            let flash = if batch.refused > 0 {
                Flash::counted("letters-printed-refused", batch.refused as i64)
            } else {
                Flash::counted("letters-printed", batch.printed as i64)
            };
            page.redirect_with(&format!("/admin/letters/batches/{}", batch.id), flash).await
        }
    }
}

pub async fn batch(page: Page, Id(batch): Id<Uuid>) -> PageResult {
    let printed = page.app().messages().printed_batch(&page.actor, batch).await?;
    let t = page.t;
    let printed_on = printed
        .letters
        .first()
        .and_then(|l| l.sent_at)
        .map(|at| t.date(&t.local_day(&at)))
        .unwrap_or_default();
    let body = BatchPage {
        organisation: printed.organisation,
        printed_on,
        count: printed.letters.len() as i64,
        letters: printed.letters.into_iter().map(|l| LetterLine::of(l, &t)).collect(),
        shell: page.shell("outbox"),
        t,
    };
    Ok(render_with_status(StatusCode::OK, &body))
}

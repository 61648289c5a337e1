//! CSV as Brazilian and Portuguese spreadsheets open it: `;` between
//! fields (the comma is the decimal mark there), UTF-8 with a BOM so
//! accents survive, CRLF line ends.
use crate::i18n::{Tr, tr_for};
use app::parties::{PartyListItem, PartyQuery};
use app::{Actor, App, AppError};
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub const BOM: &str = "\u{feff}";

/// What a spreadsheet would run as a formula when a cell starts with it
/// (OWASP, CSV injection): `=HYPERLINK(…)` typed as a customer's name.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell: one that could start a formula gets a leading `'`, which
/// spreadsheets read as "this is text" and do not show. Every text column of
/// every export goes through here; a number column would not (a negative
/// amount is a number, not a formula).
fn field(value: &str) -> String {
    let value = if value.starts_with(FORMULA_STARTS) { format!("'{value}") } else { value.to_string() };
    if value.contains([';', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// One line of fields, each quoted and defused as [`field`] does.
pub fn line(out: &mut String, fields: &[String]) {
    let cells: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&cells.join(";"));
    out.push_str("\r\n");
}

const HEADERS: [&str; 15] = [
    "party-name",
    "party-trade-name",
    "party-kind",
    "party-lifecycle",
    "party-status",
    "party-document",
    "party-phone",
    "party-email",
    "address-city",
    "address-state",
    "channel-sms_whatsapp",
    "channel-email",
    "channel-phone",
    "channel-letter",
    "csv-id",
];

/// The byte-order mark and the header line, in the reader's language.
fn header(t: &Tr) -> String {
    let mut out = String::from(BOM);
    line(&mut out, &HEADERS.map(|h| t.get(h)));
    out
}

/// One page of rows.
fn rows(rows: &[PartyListItem], t: &Tr) -> String {
    let yes_no = |b: bool| if b { t.get("yes") } else { t.get("no") };
    let mut out = String::new();
    for row in rows {
        line(
            &mut out,
            &[
                row.full_name.clone(),
                row.trade_name.clone().unwrap_or_default(),
                t.get(&format!("kind-{}", row.kind)),
                t.get(&format!("lifecycle-{}", row.lifecycle)),
                crate::labels::Labels::status(t, &row.lifecycle, row.status.as_deref()),
                row.document.clone().unwrap_or_default(),
                row.phone.clone().unwrap_or_default(),
                row.email.clone().unwrap_or_default(),
                row.city.clone(),
                row.state.clone(),
                yes_no(row.consent.sms_whatsapp),
                yes_no(row.consent.email),
                yes_no(row.consent.phone),
                yes_no(row.consent.letter),
                row.id.to_string(),
            ],
        );
    }
    out
}

/// The filtered list as a CSV download, streamed a page at a time so a
/// million rows never sit in memory. A bad filter or a missing right is
/// refused before the first byte; a failure later cuts the download short (and is logged).
pub fn parties_download(app: Arc<App>, actor: Actor, query: PartyQuery) -> Result<Response, AppError> {
    query.check()?;
    app.parties().may_export(&actor)?;
    Ok(streamed("clientes.csv", move |sender| async move {
        let t = tr_for(&actor);
        if sender.send(Ok(Bytes::from(header(&t)))).await.is_err() {
            return Ok(());
        }
        app.parties()
            .export_parties(&actor, &query, |page| {
                let chunk = Bytes::from(rows(&page, &t));
                let sender = sender.clone();
                async move { sender.send(Ok(chunk)).await.is_ok() }
            })
            .await
            .map(|_| ())
    }))
}

/// Where a streamed download's chunks go.
pub type Chunks = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

/// A CSV download named `filename` whose chunks `produce` sends as it
/// reads them; a failure midway is logged and cuts the download short.
pub fn streamed<F, Fut>(filename: &'static str, produce: F) -> Response
where
    F: FnOnce(Chunks) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + Send,
{
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        if let Err(error) = produce(sender.clone()).await {
            tracing::error!(%error, "CSV export failed");
            let _ = sender.send(Err(std::io::Error::other("export failed"))).await;
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(field("São Paulo"), "São Paulo");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("diz \"oi\""), "\"diz \"\"oi\"\"\"");
    }

    #[test]
    fn a_cell_that_would_start_a_formula_is_text() {
        assert_eq!(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(field("+55 11 98765-4321"), "'+55 11 98765-4321");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("Ana-Maria"), "Ana-Maria");
    }
}

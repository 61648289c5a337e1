//! The customers a segment selects as a spreadsheet: CSV as Brazilian and
//! Portuguese Excel opens it, streamed; XLSX built whole (Excel's sheet
//! holds at most 1,048,575 rows). Both audited with their row count.
use super::form;
use crate::csv::{BOM, line, streamed};
use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::html::components::Pairs;
use crate::i18n::{Tr, tr_for};
use app::engine::EngineLine;
use app::{AppError, engine::EngineCount};
use axum::body::Bytes;
use domain::ValidationErrors;

/// The most rows an Excel sheet holds, less the header.
const XLSX_ROWS: i64 = 1_048_575;

const HEADERS: [&str; 13] = [
    "engine-column-name",
    "engine-export-phone-1",
    "engine-export-phone-2",
    "engine-column-last-contact",
    "engine-column-days-overdue",
    "engine-column-points",
    "engine-column-total-bought",
    "engine-column-last-purchase",
    "channel-sms_whatsapp",
    "channel-email",
    "channel-phone",
    "channel-letter",
    "csv-id",
];

/// A row's cells as text, in the reader's words.
fn cells(t: &Tr, line: &EngineLine) -> Vec<String> {
    let yes_no = |b: bool| if b { t.get("yes") } else { t.get("no") };
    let day = |at: &Option<chrono::DateTime<chrono::Utc>>| at.map(|at| t.day(&at)).unwrap_or_default();
    vec![
        line.name.clone(),
        line.phones.first().cloned().unwrap_or_default(),
        line.phones.get(1).cloned().unwrap_or_default(),
        day(&line.last_contact),
        line.days_overdue.to_string(),
        line.points.to_string(),
        line.total_bought.format_plain(),
        day(&line.last_purchase),
        yes_no(line.consent_sms_whatsapp),
        yes_no(line.consent_email),
        yes_no(line.consent_phone),
        yes_no(line.consent_letter),
        line.id.0.to_string(),
    ]
}

/// Checks the question and the right before the first byte: a refusal is
/// a page, not a cut download.
async fn checked(page: &Page, pairs: &Pairs) -> Result<(domain::engine::Segment, EngineCount), AppError> {
    let segment = form::segment_of(pairs)?;
    page.app().parties().may_export(&page.actor)?;
    let count = page.app().engine().count(&page.actor, &segment).await?;
    Ok((segment, count))
}

/// A refusal shows the screen with the form's messages, as "Pesquisar" would.
async fn refused(page: &Page, pairs: &Pairs, error: AppError) -> PageResult {
    match error {
        AppError::Validation(_) => super::show(page, pairs, Some(error)).await,
        other => Err(other.into()),
    }
}

pub async fn csv(page: Page, Query(pairs): Query<Pairs>) -> PageResult {
    let (segment, _) = match checked(&page, &pairs).await {
        Ok(checked) => checked,
        Err(error) => return refused(&page, &pairs, error).await,
    };
    let (app, actor) = (page.state.app.clone(), page.actor.clone());
    Ok(streamed("clientes-motor.csv", move |sender| async move {
        let t = tr_for(&actor);
        let mut head = String::from(BOM);
        line(&mut head, &HEADERS.map(|h| t.get(h)));
        if sender.send(Ok(Bytes::from(head))).await.is_err() {
            return Ok(());
        }
        app.engine()
            .export(&actor, &segment, |lines| {
                let mut chunk = String::new();
                for found in &lines {
                    line(&mut chunk, &cells(&t, found));
                }
                let sender = sender.clone();
                async move { sender.send(Ok(Bytes::from(chunk))).await.is_ok() }
            })
            .await
            .map(|_| ())
    }))
}

pub async fn xlsx(page: Page, Query(pairs): Query<Pairs>) -> PageResult {
    let (segment, count) = match checked(&page, &pairs).await {
        Ok(checked) => checked,
        Err(error) => return refused(&page, &pairs, error).await,
    };
    if count.total > XLSX_ROWS {
        let too_many = ValidationErrors::single("export", "error-export-xlsx-too-many");
        return refused(&page, &pairs, too_many.into()).await;
    }
    let mut lines: Vec<EngineLine> = Vec::new();
    page.app()
        .engine()
        .export(&page.actor, &segment, |chunk| {
            lines.extend(chunk);
            async { true }
        })
        .await?;
    let t = page.t;
    let bytes = tokio::task::spawn_blocking(move || workbook(&t, &lines))
        .await
        .map_err(|error| AppError::Internal(format!("the spreadsheet was not built: {error}")))?
        .map_err(|error| AppError::Internal(format!("the spreadsheet was not built: {error}")))?;
    Ok(crate::download::file(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "clientes-motor.xlsx",
        bytes,
    ))
}

/// The sheet: text as text, days as dates, amounts and counts as numbers.
fn workbook(t: &Tr, lines: &[EngineLine]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (column, key) in HEADERS.iter().enumerate() {
        sheet.write_with_format(0, column as u16, t.get(key), &bold)?;
    }
    let day = |at: &Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| t.local_day(&at)).and_then(|d| {
            use chrono::Datelike;
            ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok()
        })
    };
    for (at, found) in lines.iter().enumerate() {
        let row = at as u32 + 1;
        let text = cells(t, found);
        sheet.write(row, 0, &found.name)?;
        sheet.write(row, 1, &text[1])?;
        sheet.write(row, 2, &text[2])?;
        if let Some(contact) = day(&found.last_contact) {
            sheet.write_date_with_format(row, 3, &contact, &date)?;
        }
        sheet.write(row, 4, found.days_overdue as f64)?;
        sheet.write(row, 5, found.points as f64)?;
        sheet.write_with_format(row, 6, found.total_bought.0 as f64 / 100.0, &money)?;
        if let Some(purchase) = day(&found.last_purchase) {
            sheet.write_date_with_format(row, 7, &purchase, &date)?;
        }
        for column in 8..=12u16 {
            sheet.write(row, column, &text[column as usize])?;
        }
    }
    sheet.set_column_width(0, 32)?;
    sheet.autofilter(0, 0, lines.len() as u32, (HEADERS.len() - 1) as u16)?;
    book.save_to_buffer()
}

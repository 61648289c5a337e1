//! What is done from the customer page: consent, notes, relationships,
//! merging duplicates (and undoing it), archiving.
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, path_id, see_other};
use app::AppError;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::party::ConsentChange;
use domain::{PartyId, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct ConsentForm {
    channel: String,
    granted: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    wording: String,
}

pub async fn consent(page: Page, Id(id): Id<PartyId>, Form(form): Form<ConsentForm>) -> PageResult {
    let change = ConsentChange::parse(&form.channel, form.granted, &form.source, &form.wording)?;
    let party = page.app().parties().record_consent(&page.actor, id, change).await?;
    Ok(back_to_sheet(&page, party.id))
}

/// After a change on the sheet: back to the sheet (htmx refreshes it).
fn back_to_sheet(page: &Page, id: Uuid) -> Response {
    if page.htmx {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if let Ok(value) = HeaderValue::from_str(&format!("/customers/{id}")) {
            response.headers_mut().insert("hx-location", value);
        }
        return response;
    }
    see_other(&format!("/customers/{id}"))
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

pub async fn add_note(page: Page, Id(party): Id<PartyId>, Form(form): Form<NoteForm>) -> PageResult {
    page.app().parties().add_note(&page.actor, party, &form.body).await?;
    Ok(back_to_sheet(&page, party.0))
}

/// The party a picker chose, from its hidden form field.
fn other_party(text: &str, field: &'static str) -> Result<PartyId, AppError> {
    text.trim().parse().map_err(|_| ValidationErrors::single(field, "error-party-not-found").into())
}

#[derive(Deserialize)]
pub struct RelationshipForm {
    #[serde(default)]
    related_id: String,
    #[serde(default)]
    kind: String,
}

pub async fn add_relationship(
    page: Page,
    Id(party): Id<PartyId>,
    Form(form): Form<RelationshipForm>,
) -> PageResult {
    let related = other_party(&form.related_id, "related_id")?;
    page.app().parties().add_relationship(&page.actor, party, related, &form.kind).await?;
    Ok(back_to_sheet(&page, party.0))
}

pub async fn remove_relationship(page: Page, Path((id, rel)): Path<(String, String)>) -> PageResult {
    let party: PartyId = path_id(&id)?;
    page.app().parties().remove_relationship(&page.actor, party, path_id(&rel)?).await?;
    Ok(back_to_sheet(&page, party.0))
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    merged_id: String,
}

pub async fn merge(page: Page, Id(survivor): Id<PartyId>, Form(form): Form<MergeForm>) -> PageResult {
    let merged = other_party(&form.merged_id, "merged_id")?;
    page.app().parties().merge_parties(&page.actor, survivor, merged).await?;
    Ok(back_to_sheet(&page, survivor.0))
}

pub async fn undo_merge(page: Page, Id(merge): Id<Uuid>) -> PageResult {
    let restored = page.app().parties().undo_merge(&page.actor, merge).await?;
    Ok(back_to_sheet(&page, restored.id))
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    version: i64,
    archived: bool,
}

pub async fn archive(page: Page, Id(party): Id<PartyId>, Form(form): Form<ArchiveForm>) -> PageResult {
    let saved = page.app().parties().archive_party(&page.actor, party, form.version, form.archived).await?;
    if form.archived {
        return Ok(see_other("/customers"));
    }
    Ok(back_to_sheet(&page, saved.id))
}

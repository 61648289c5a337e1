//! What is done from the customer page: consent, notes, relationships,
//! merging duplicates (and undoing it), archiving.
use super::tabs::ProfileTab;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, path_id};
use crate::flash::Flash;
use app::AppError;
use axum::extract::Path;
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
    let said = if form.granted { "consent-granted-notice" } else { "consent-withdrawn-notice" };
    back_to_sheet(&page, party.id, ProfileTab::Sheet, "consent", said).await
}

/// After a change on the customer page: back to the tab and section it
/// was made in, with a word on what was done.
async fn back_to_sheet(page: &Page, id: Uuid, tab: ProfileTab, section: &str, said: &str) -> PageResult {
    page.redirect_with(&tab.url(id, Some(section)), Flash::notice(said)).await
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

pub async fn add_note(page: Page, Id(party): Id<PartyId>, Form(form): Form<NoteForm>) -> PageResult {
    page.app().parties().add_note(&page.actor, party, &form.body).await?;
    back_to_sheet(&page, party.0, ProfileTab::Summary, "notes", "notes-added").await
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
    back_to_sheet(&page, party.0, ProfileTab::Sheet, "relationships", "relationships-added").await
}

pub async fn remove_relationship(page: Page, Path((id, rel)): Path<(String, String)>) -> PageResult {
    let party: PartyId = path_id(&id)?;
    page.app().parties().remove_relationship(&page.actor, party, path_id(&rel)?).await?;
    back_to_sheet(&page, party.0, ProfileTab::Sheet, "relationships", "relationships-removed").await
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    merged_id: String,
}

pub async fn merge(page: Page, Id(survivor): Id<PartyId>, Form(form): Form<MergeForm>) -> PageResult {
    let merged = other_party(&form.merged_id, "merged_id")?;
    page.app().parties().merge_parties(&page.actor, survivor, merged).await?;
    back_to_sheet(&page, survivor.0, ProfileTab::Sheet, "merges", "merge-done-notice").await
}

pub async fn undo_merge(page: Page, Id(merge): Id<Uuid>) -> PageResult {
    let restored = page.app().parties().undo_merge(&page.actor, merge).await?;
    back_to_sheet(&page, restored.id, ProfileTab::Sheet, "merges", "merge-undone").await
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    version: i64,
    archived: bool,
}

pub async fn archive(page: Page, Id(party): Id<PartyId>, Form(form): Form<ArchiveForm>) -> PageResult {
    let saved = page.app().parties().archive_party(&page.actor, party, form.version, form.archived).await?;
    if form.archived {
        // Undone from the list it lands on, at the version archiving made.
        let undo = vec![
            ("version".to_string(), saved.version.to_string()),
            ("archived".to_string(), "false".to_string()),
        ];
        let flash =
            Flash::undoable("customers-archived-notice", format!("/customers/{}/archive", saved.id), undo);
        return page.redirect_with("/customers", flash).await;
    }
    back_to_sheet(&page, saved.id, ProfileTab::Summary, "summary", "customers-unarchived-notice").await
}

//! Segments on the engine's screen: save the filters under a name (one's
//! own or shared), open one again (its filters and today's count),
//! duplicate, delete.
use super::{form, show};
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::html::components::{Pairs, value};
use crate::i18n::Tr;
use app::AppError;
use app::engine::SavedSegment;
use uuid::Uuid;

/// A segment in the screen's list.
pub struct SegmentLine {
    pub id: Uuid,
    pub name: String,
    pub shared: bool,
    pub owner: String,
    pub deletable: bool,
    /// The one whose filters the screen shows.
    pub current: bool,
    pub confirm_delete: String,
}

pub fn lines(t: &Tr, segments: Vec<SavedSegment>, current: Option<Uuid>) -> Vec<SegmentLine> {
    segments
        .into_iter()
        .map(|segment| SegmentLine {
            confirm_delete: t.with("engine-segment-confirm-delete", "name", &segment.name),
            id: segment.id,
            current: Some(segment.id) == current,
            name: segment.name,
            shared: segment.shared,
            owner: segment.owner_name,
            deletable: segment.deletable,
        })
        .collect()
}

/// The filters of the screen's address, as the segment form carries them.
pub fn filters_of(pairs: &Pairs) -> String {
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(name, value)| {
            !value.is_empty()
                && !matches!(
                    name.as_str(),
                    "page"
                        | "search"
                        | "segment"
                        | "segment_name"
                        | "segment_shared"
                        | "filters"
                        | "csrf_token"
                )
        })
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// The screen's address that shows a segment: its filters, the grid
/// searched, the segment lit in the list.
fn address_of(segment: &SavedSegment) -> Option<String> {
    let mut pairs = form::pairs_of(&segment.segment)?;
    pairs.push(("search".into(), "1".into()));
    pairs.push(("segment".into(), segment.id.to_string()));
    Some(format!("/engine?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default()))
}

/// Saves the filters (as the form stood when "Salvar segmento" was
/// pressed) under a name, and opens the new segment. A refusal shows the
/// screen again with the filters and the message on the name.
pub async fn save(page: Page, Form(sent): Form<Pairs>) -> PageResult {
    let filters: Pairs = serde_urlencoded::from_str(value(&sent, "filters")).unwrap_or_default();
    let name = value(&sent, "segment_name");
    let shared = value(&sent, "segment_shared") == "1";
    let saved = match form::segment_of(&filters) {
        Ok(segment) => page.app().engine().save_segment(&page.actor, name, shared, &segment).await,
        Err(errors) => Err(errors.into()),
    };
    match saved {
        Ok(saved) => {
            let to = address_of(&saved).unwrap_or_else(|| "/engine".into());
            page.redirect_with(&to, Flash::notice("engine-segment-saved")).await
        }
        Err(AppError::Validation(mut errors)) => {
            for error in &mut errors.0 {
                if error.field == "name" {
                    error.field = "segment_name".into();
                }
            }
            let mut pairs = filters;
            pairs.push(("segment_name".into(), name.to_string()));
            pairs.push(("segment_shared".into(), if shared { "1" } else { "" }.into()));
            show(&page, &pairs, Some(AppError::Validation(errors))).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Opens a segment: the screen with its filters and today's count. One the
/// form cannot show (written through the API with `any`, `not` or relative
/// dates) is said so rather than shown half.
pub async fn open(page: Page, Id(id): Id<Uuid>) -> PageResult {
    let segment = page.app().engine().segment(&page.actor, id).await?;
    match address_of(&segment) {
        Some(to) => Ok(crate::extract::see_other(&to)),
        None => page.redirect_with("/engine", Flash::notice("engine-segment-not-on-form")).await,
    }
}

/// A private copy of a segment, named after it, opened at once.
pub async fn duplicate(page: Page, Id(id): Id<Uuid>) -> PageResult {
    let engine = page.app().engine();
    let original = engine.segment(&page.actor, id).await?;
    // The copy's name stays within a name's 60 characters.
    let base: String = original.name.chars().take(48).collect();
    let name = page.t.with("engine-segment-copy-name", "name", base.trim_end());
    let copy = engine.duplicate_segment(&page.actor, id, &name).await?;
    let to = address_of(&copy).unwrap_or_else(|| "/engine".into());
    page.redirect_with(&to, Flash::notice("engine-segment-duplicated")).await
}

pub async fn delete(page: Page, Id(id): Id<Uuid>) -> PageResult {
    page.app().engine().delete_segment(&page.actor, id).await?;
    page.redirect_with("/engine", Flash::notice("engine-segment-deleted")).await
}

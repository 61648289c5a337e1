//! Funil de negociação: the prospects in negotiation as a board, one column
//! per stage; a card moves by dragging it, by Alt+←/→ on it, or by its own
//! small form (keyboard and no script). Each move is the versioned change
//! and answers with a redirect back to the board, with "desfazer". An
//! administrator names the stages as the organisation calls them.
use super::components::{Pairs, local_path, number, value};
use crate::error::{Error, PageResult};
use crate::extract::{Form, Id, Page, TryQuery};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::labels::stage_label;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::pipeline::{BoardQuery, ProspectCard, StageNames};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing;
use domain::pipeline::NegotiationStage;
use domain::work_queue::WorkScope;
use domain::{PartyId, ValidationErrors};

pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .route("/pipeline", routing::get(board))
        .route("/pipeline/{id}/stage", routing::post(move_card))
        .route("/pipeline/stages", routing::post(rename_stages))
}

/// A stage as the board shows it.
pub struct Column {
    pub stage: &'static str,
    pub label: String,
    pub total: i64,
    pub cards: Vec<Card>,
    /// How many stand here beyond those the column shows.
    pub hidden: i64,
}

/// A stage's name in the administrator's form: as the organisation wrote
/// it (blank for the catalogue's, shown as the placeholder).
pub struct StageNameField {
    pub stage: &'static str,
    pub value: String,
    pub standard: String,
    pub error: Option<String>,
}

/// A prospect's card.
pub struct Card {
    pub id: uuid::Uuid,
    pub name: String,
    pub version: i64,
    pub stage: &'static str,
    pub city: String,
    pub seller: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "pipeline/board.html")]
struct BoardPage {
    t: Tr,
    shell: Shell,
    columns: Vec<Column>,
    /// Every stage's code and words, for each card's form.
    stages: Vec<(&'static str, String)>,
    scope: &'static str,
    total: i64,
    /// Where a move returns to: this board as filtered.
    back: String,
    error: Option<String>,
    /// The stages' names, for an administrator to change; none for others.
    stage_names: Vec<StageNameField>,
    /// The names' form was refused: shown open, as typed.
    names_refused: bool,
}

fn board_link(scope: WorkScope) -> String {
    format!("/pipeline?scope={}", scope.as_str())
}

fn card(t: &Tr, card: ProspectCard) -> Card {
    Card {
        id: card.id,
        name: card.name,
        version: card.version,
        stage: card.stage.as_str(),
        city: card.city.unwrap_or_default(),
        seller: card.seller_name.unwrap_or_default(),
        since: t.date(&t.local_day(&card.updated_at)),
    }
}

pub async fn board(page: Page, TryQuery(query): TryQuery<BoardQuery>) -> PageResult {
    // A value the form never sends (a hand-edited link): my board, and why.
    let (query, error) = match query {
        Ok(query) => (query, None),
        Err(errors) => (BoardQuery::default(), Some(errors)),
    };
    let error = error.map(|errors| crate::error::describe(&Error::from(errors), &page.t).sentence());
    render(&page, query, error, None).await
}

/// The names as an administrator typed them and why they were refused.
struct RefusedNames {
    typed: Pairs,
    errors: ValidationErrors,
}

async fn render(
    page: &Page,
    query: BoardQuery,
    error: Option<String>,
    refused: Option<RefusedNames>,
) -> PageResult {
    let t = page.t;
    let pipeline = page.app().pipeline();
    let (columns, names) =
        tokio::try_join!(pipeline.board(&page.actor, &query), pipeline.stage_names(&page.actor))?;
    let total = columns.iter().map(|c| c.total).sum();
    let columns = columns
        .into_iter()
        .map(|column| Column {
            stage: column.stage.as_str(),
            label: stage_label(&t, &names, column.stage),
            total: column.total,
            hidden: column.total - column.cards.len() as i64,
            cards: column.cards.into_iter().map(|c| card(&t, c)).collect(),
        })
        .collect();
    let stage_names = match page.actor.is_admin() {
        true => NegotiationStage::ALL
            .iter()
            .map(|&stage| StageNameField {
                stage: stage.as_str(),
                value: match &refused {
                    Some(refused) => value(&refused.typed, stage.as_str()).to_string(),
                    None => names.own(stage).unwrap_or_default().to_string(),
                },
                standard: stage_label(&t, &StageNames::default(), stage),
                error: refused.as_ref().and_then(|refused| {
                    refused.errors.0.iter().find(|e| e.field == stage.as_str()).map(|e| t.get(e.message))
                }),
            })
            .collect(),
        false => Vec::new(),
    };
    let names_refused = refused.is_some();
    let status = if names_refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_with_status(
        status,
        &BoardPage {
            t,
            shell: page.shell("pipeline"),
            columns,
            stages: NegotiationStage::ALL.iter().map(|&s| (s.as_str(), stage_label(&t, &names, s))).collect(),
            scope: query.scope().as_str(),
            total,
            back: board_link(query.scope()),
            error,
            stage_names,
            names_refused,
        },
    ))
}

/// An administrator's names for the stages, one field per stage (blank
/// for the standard name); back to the board, or the board again with the
/// names as typed and what is wrong with them.
pub async fn rename_stages(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let query = match value(&form, "back") {
        back if back.starts_with("/pipeline?") => {
            crate::extract::parse_urlencoded::<BoardQuery>(&back.as_bytes()["/pipeline?".len()..])
                .unwrap_or_default()
        }
        _ => BoardQuery::default(),
    };
    let names: Vec<(NegotiationStage, String)> = NegotiationStage::ALL
        .iter()
        .map(|&stage| (stage, value(&form, stage.as_str()).to_string()))
        .collect();
    match page.app().pipeline().rename_stages(&page.actor, &names).await {
        Ok(_) => page.redirect_with(&board_link(query.scope()), Flash::notice("pipeline-stages-saved")).await,
        Err(AppError::Validation(errors)) => {
            let error = Some(page.t.get("pipeline-stages-refused"));
            render(&page, query, error, Some(RefusedNames { typed: form, errors })).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn move_card(page: Page, Id(id): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let back = match value(&form, "back") {
        path if path.starts_with("/pipeline") => local_path(Some(path)),
        _ => "/pipeline".to_string(),
    };
    let mut errors = ValidationErrors::new();
    let version = number::<i64>(&form, "version", &mut errors);
    let stage =
        NegotiationStage::parse(value(&form, "stage")).map_err(|message| errors.add("stage", message)).ok();
    // The stage it leaves, for "desfazer".
    let from = NegotiationStage::parse(value(&form, "from")).ok();
    let result = match (version, stage) {
        (Some(version), Some(stage)) => {
            page.app().pipeline().move_prospect(&page.actor, id, version, stage).await
        }
        _ => Err(AppError::Validation(errors)),
    };
    let t = &page.t;
    let flash = match result {
        Ok(moved) => {
            let mut undo = vec![("version".into(), moved.version.to_string()), ("back".into(), back.clone())];
            if let Some(from) = from.filter(|&from| from != moved.stage) {
                undo.push(("stage".into(), from.as_str().to_string()));
                undo.push(("from".into(), moved.stage.as_str().to_string()));
                Flash::undoable("pipeline-moved", format!("/pipeline/{}/stage", id.0), undo)
            } else {
                Flash::notice("pipeline-moved")
            }
        }
        Err(error @ (AppError::Db(_) | AppError::Internal(_))) => return Err(error.into()),
        Err(error) => {
            let sentence = crate::error::describe(&Error::App(error), t).sentence();
            Flash::warning("pipeline-move-refused", vec![sentence], "move-refused")
        }
    };
    page.redirect_with(&back, flash).await
}

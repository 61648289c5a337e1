//! Minha fila: the user's open interactions (or his team's) across
//! customers, coloured by seed 002's legend, with the next appointments
//! beside them, bulk actions on the chosen rows, and saved views of its
//! filters.
use super::components::{
    ColumnChoice, FormOutcome, InteractionLabels, InteractionLine, Pairs, ViewChip, column_chooser,
    option_label, value, values, view_chips, view_named,
};
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, TryQuery};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::list_views::NewWorkView;
use app::work_queue::{ChosenInteraction, QueueItem, WorkQuery};
use askama::Template;
use axum::Router;
use axum::extract::RawQuery;
use axum::routing;
use domain::list_view::{move_up, parse_columns};
use domain::work_queue::{BulkChange, Urgency, WorkColumn, WorkScope, WorkState};
use domain::{UserId, ValidationErrors};

pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .route("/work", routing::get(list))
        .route("/work/bulk", routing::post(bulk))
        .route("/work/columns", routing::post(save_columns))
        .route("/work/views", routing::post(save_view))
        .route("/work/views/{id}/delete", routing::post(delete_view))
}

/// A row of the queue, in the reader's words.
pub struct QueueLine {
    pub id: uuid::Uuid,
    pub version: i64,
    pub urgency: &'static str,
    pub urgency_label: String,
    pub party_id: uuid::Uuid,
    pub party_name: String,
    /// The interaction in the reader's words, as the profile shows it.
    pub line: InteractionLine,
}

/// An upcoming appointment beside the queue.
pub struct UpcomingLine {
    pub when: String,
    pub title: String,
    pub party: Option<(uuid::Uuid, String)>,
    pub link: String,
}

/// A legend entry: its colour, words, count and the link that filters by it.
pub struct LegendEntry {
    pub urgency: &'static str,
    pub label: String,
    pub count: Option<i64>,
    pub link: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "work_queue/list.html")]
struct QueuePage {
    t: Tr,
    shell: Shell,
    lines: Vec<QueueLine>,
    legend: Vec<LegendEntry>,
    upcoming: Vec<UpcomingLine>,
    scope: &'static str,
    state: &'static str,
    urgency: &'static str,
    nature: String,
    natures: Vec<(String, String)>,
    people: Vec<(String, String)>,
    total: i64,
    page_number: u32,
    previous_link: Option<String>,
    next_link: Option<String>,
    /// The user's sales contacts due today or overdue (Vendas, follow up).
    follow_up_due: i64,
    /// The query this page was asked with, for the bulk form to return to.
    back: String,
    views: Vec<ViewChip>,
    /// The open view, if the queue came from one.
    view: Option<ViewChip>,
    views_base: &'static str,
    views_hint: &'static str,
    /// The columns after the customer, in the user's (or the view's)
    /// order, with their headings.
    columns: Vec<(WorkColumn, String)>,
    /// The columns a view saved from here keeps.
    view_columns: Vec<&'static str>,
    chooser: Vec<ColumnChoice>,
    columns_action: &'static str,
    error: Option<String>,
}

/// The address of the queue with these filters; `page` only past the
/// first, and the saved view it was opened from, if any.
fn link(query: &WorkQuery, page: u32, view: Option<uuid::Uuid>) -> String {
    let mut pairs = query.filter_pairs();
    if page != 1 {
        pairs.push(("page", page.to_string()));
    }
    if let Some(view) = view {
        pairs.push(("view", view.to_string()));
    }
    format!("/work?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// The queue a form came from (its `back`), as its address asked; never
/// another site's.
fn queue_of(back: &str) -> (WorkQuery, Option<uuid::Uuid>) {
    let query = back.strip_prefix("/work?");
    let filters = query.and_then(|q| crate::extract::parse_urlencoded::<WorkQuery>(q.as_bytes()).ok());
    (filters.unwrap_or_default(), view_named(query))
}

pub async fn list(page: Page, TryQuery(query): TryQuery<WorkQuery>, RawQuery(raw): RawQuery) -> PageResult {
    // A value the form never sends (a hand-edited link): the default queue, and why.
    let (query, error) = match query.and_then(|query| query.check().map(|_| query)) {
        Ok(query) => (query, None),
        Err(errors) => (WorkQuery::default(), Some(errors)),
    };
    let outcome = FormOutcome::of(error.map(AppError::Validation), &page.t)?;
    render(&page, query, view_named(raw.as_deref()), outcome).await
}

/// The queue, with what the last refusal said (the form's one way of
/// answering a use case's refusal, and its status).
async fn render(page: &Page, query: WorkQuery, view: Option<uuid::Uuid>, outcome: FormOutcome) -> PageResult {
    let t = page.t;
    let actor = &page.actor;
    let app = page.app();
    let (work_queue, list_views, follow_up, agenda) =
        (app.work_queue(), app.list_views(), app.follow_up(), app.agenda());
    // Read side by side: none of these needs another.
    let (found, views, columns, tally, follow_up_due, labels, people) = tokio::join!(
        work_queue.queue(actor, &query),
        list_views.views::<WorkColumn>(actor),
        list_views.columns::<WorkColumn>(actor),
        work_queue.tally(actor, query.scope()),
        follow_up.due_for(actor),
        InteractionLabels::load(app, actor),
        agenda.agenda_users(actor),
    );
    let (found, views, tally, follow_up_due, labels, people) =
        (found?, views?, tally?, follow_up_due?, labels?, people?);
    // A view no longer there (deleted meanwhile) opens as the plain queue.
    let open_view = view.and_then(|id| views.iter().find(|v| v.id == id));
    let view = open_view.map(|v| v.id);
    let columns = match open_view {
        Some(open) => open.columns.clone(),
        None => columns?,
    };
    let chips = view_chips("/work", &views, view);
    let (scope, state) = (query.scope(), query.state());
    let nature = query.nature.clone().unwrap_or_default();
    let lines = found.items.into_iter().map(|item| line(&t, &labels, item)).collect();
    let legend = [
        (Urgency::Today, Some(tally.today)),
        (Urgency::Overdue, Some(tally.overdue)),
        (Urgency::Open, Some(tally.open)),
        (Urgency::Closed, None),
    ]
    .into_iter()
    .map(|(urgency, count)| LegendEntry {
        urgency: urgency.as_str(),
        label: t.get(&format!("work-urgency-{}", urgency.as_str())),
        count,
        link: link(
            &WorkQuery {
                state: Some(if urgency == Urgency::Closed { WorkState::All } else { state }),
                urgency: Some(urgency),
                page: None,
                ..query.clone()
            },
            1,
            None,
        ),
        current: query.urgency == Some(urgency),
    })
    .collect();
    // The next seven days of the agendas whose interactions are listed.
    let whose: Vec<UserId> = match scope {
        WorkScope::Mine => Vec::new(),
        WorkScope::Team => people.iter().map(|u| UserId(u.id)).collect(),
    };
    let today = found.today;
    let upcoming = agenda
        .period(actor, &whose, today, today + chrono::Duration::days(7), false)
        .await?
        .into_iter()
        .filter(|o| o.ends_at > app.now())
        .take(12)
        .map(|o| UpcomingLine {
            when: format!("{} {}", t.date(&t.local_day(&o.starts_at)), t.time(&o.starts_at)),
            title: o.title,
            party: o.party_id.zip(o.party_name),
            link: format!("/appointments/{}", o.appointment_id),
        })
        .collect();
    let previous_link = (found.page > 1).then(|| link(&query, found.page - 1, view));
    let next_link = found.has_next.then(|| link(&query, found.page + 1, view));
    let messages: Vec<String> = outcome.alert.into_iter().chain(outcome.errors.messages()).collect();
    let error = (!messages.is_empty()).then(|| messages.join(" "));
    Ok(render_with_status(
        outcome.status,
        &QueuePage {
            t,
            shell: page.shell("work"),
            lines,
            legend,
            upcoming,
            scope: scope.as_str(),
            state: state.as_str(),
            urgency: query.urgency.map_or("", Urgency::as_str),
            natures: labels
                .natures
                .iter()
                .map(|n| (n.code.clone(), option_label(&t, "nature", &labels.natures, &n.code)))
                .collect(),
            people: people.into_iter().map(|u| (u.id.to_string(), u.name)).collect(),
            nature,
            total: found.total,
            page_number: found.page,
            previous_link,
            next_link,
            follow_up_due,
            back: link(&query, found.page, view),
            view: chips.iter().find(|chip| chip.current).cloned(),
            views: chips,
            views_base: "/work",
            views_hint: "work-view-save-hint",
            view_columns: columns.iter().map(|c| c.as_str()).collect(),
            chooser: column_chooser(&columns, |column| t.get(column_label(column))),
            columns_action: "/work/columns",
            columns: columns.into_iter().map(|column| (column, t.get(column_label(column)))).collect(),
            error,
        },
    ))
}

fn line(t: &Tr, labels: &InteractionLabels, item: QueueItem) -> QueueLine {
    QueueLine {
        id: item.interaction.id,
        version: item.interaction.version,
        urgency: item.urgency.as_str(),
        urgency_label: t.get(&format!("work-urgency-{}", item.urgency.as_str())),
        party_id: item.interaction.party_id,
        party_name: item.party_name,
        line: labels.line(t, item.interaction),
    }
}

/// Reads the chosen rows (`item=<id>:<version>`) and the action.
fn bulk_input(form: &Pairs) -> Result<(Vec<ChosenInteraction>, BulkChange), ValidationErrors> {
    let mut chosen = Vec::new();
    for (name, value) in form {
        if name != "item" {
            continue;
        }
        let parsed = ChosenInteraction::parse(value);
        chosen.push(parsed.ok_or_else(|| ValidationErrors::single("item", "error-bulk-none-chosen"))?);
    }
    let change = match value(form, "action").trim() {
        "close" => BulkChange::Close,
        "reassign" => match value(form, "responsible_id").trim().parse::<uuid::Uuid>() {
            Ok(user) => BulkChange::Reassign(UserId(user)),
            Err(_) => return Err(ValidationErrors::single("responsible_id", "error-bulk-choose-person")),
        },
        _ => return Err(ValidationErrors::single("action", "error-bulk-action-invalid")),
    };
    Ok((chosen, change))
}

pub async fn bulk(page: Page, Form(form): Form<Pairs>) -> PageResult {
    // Back to the queue as the user filtered it; never to another site.
    let (query, view) = queue_of(value(&form, "back"));
    let back = link(&query, query.page.unwrap_or(1), view);
    let result = match bulk_input(&form) {
        Ok((chosen, change)) => {
            page.app().work_queue().bulk_change(&page.actor, &chosen, change).await.map(|n| (n, change))
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok((count, change)) => {
            let key = match change {
                BulkChange::Close => "work-bulk-closed",
                BulkChange::Reassign(_) => "work-bulk-reassigned",
            };
            page.redirect_with(&back, Flash::counted(key, count as i64)).await
        }
        // Nothing changed: the queue again, saying why.
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            render(&page, query, view, outcome).await
        }
    }
}

/// A column's heading.
fn column_label(column: WorkColumn) -> &'static str {
    match column {
        WorkColumn::Due => "interaction-due",
        WorkColumn::Nature => "interaction-nature",
        WorkColumn::Channel => "interaction-channel",
        WorkColumn::Status => "interaction-status",
        WorkColumn::Responsible => "interaction-responsible",
        WorkColumn::Opened => "interaction-opened",
        WorkColumn::Description => "interaction-description",
    }
}

/// The column chooser: the boxes ticked, in the order shown; `up` moves
/// one column a place towards the start.
pub async fn save_columns(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (query, view) = queue_of(value(&form, "back"));
    let attempt = async {
        let mut columns = parse_columns(values(&form, "columns"))?;
        if let Ok(column) = WorkColumn::parse(value(&form, "up")) {
            move_up(&mut columns, column);
        }
        page.app().list_views().set_columns(&page.actor, &columns).await
    };
    match attempt.await {
        // The queue with its filters and the new columns: not the view it
        // was opened from, whose own columns would hide the choice.
        Ok(()) => {
            let back = link(&query, query.page.unwrap_or(1), None);
            page.redirect_with(&back, Flash::notice("list-columns-saved")).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            render(&page, query, view, outcome).await
        }
    }
}

/// Saves the queue's filters and columns as they stand under a name, and
/// opens the view.
pub async fn save_view(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (query, view) = queue_of(value(&form, "back"));
    let attempt = async {
        let input = NewWorkView {
            name: value(&form, "name").to_string(),
            query: query.clone(),
            columns: parse_columns(values(&form, "columns"))?,
            shared: value(&form, "shared") == "1",
        };
        page.app().list_views().save_work_view(&page.actor, &input).await
    };
    match attempt.await {
        Ok(saved) => {
            let chip = &view_chips("/work", std::slice::from_ref(&saved), None)[0];
            page.redirect_with(&chip.href, Flash::notice("list-view-saved")).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            render(&page, query, view, outcome).await
        }
    }
}

pub async fn delete_view(page: Page, Id(id): Id<uuid::Uuid>) -> PageResult {
    page.app().list_views().delete_view(&page.actor, id).await?;
    page.redirect_with("/work", Flash::notice("list-view-deleted")).await
}

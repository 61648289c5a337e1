//! Vendas (follow up): the daily return routine — my contacts, my centres'
//! or my team's, open or all, coloured by seed 002's legend and sortable,
//! rows opened from the keyboard (j/k, Enter); and my pending notes.
use crate::error::PageResult;
use crate::extract::{Page, TryQuery};
use crate::html::components::FormOutcome;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::follow_up::contacts::{FollowUpLine, FollowUpQuery};
use askama::Template;
use domain::follow_up::{FollowUpScope, FollowUpSort, Legend};
use domain::work_queue::WorkState;

/// A row of the list, in the reader's words.
pub struct Row {
    pub id: uuid::Uuid,
    pub legend: &'static str,
    pub legend_label: String,
    pub party_id: uuid::Uuid,
    pub party_name: String,
    pub name: String,
    pub kind: String,
    pub contacted_on: String,
    pub next_return_on: String,
    pub internal_on: String,
    pub centre: String,
    pub responsible: String,
}

impl Row {
    pub fn of(t: &Tr, line: FollowUpLine) -> Row {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| t.date(&d)).unwrap_or_default();
        Row {
            id: line.id,
            legend: line.legend.as_str(),
            legend_label: t.get(&format!("follow-up-legend-{}", line.legend.as_str())),
            party_id: line.party_id,
            party_name: line.party_name,
            name: line.name,
            kind: line.attendance_type_name,
            contacted_on: t.date(&line.contacted_on),
            next_return_on: day(line.next_return_on),
            internal_on: day(line.internal_on),
            centre: line.centre_name.unwrap_or_default(),
            responsible: line.responsible_name,
        }
    }
}

impl Row {
    /// A contact as the customer's Vendas tab lists it.
    pub fn of_contact(t: &Tr, contact: app::follow_up::contacts::ContactView) -> Row {
        let line = FollowUpLine {
            id: contact.id,
            party_id: contact.party_id,
            party_name: contact.party_name,
            contacted_on: contact.contacted_on,
            name: contact.name,
            attendance_type_name: contact.attendance_type_name,
            status: contact.status,
            legend: contact.legend,
            next_return_on: contact.next_return_on,
            internal_on: contact.internal_on,
            centre_name: contact.centre_name,
            responsible_name: contact.responsible_name,
        };
        Row::of(t, line)
    }
}

/// A colour of the legend: its words, count and the link that filters by it.
pub struct LegendEntry {
    pub legend: &'static str,
    pub label: String,
    pub count: Option<i64>,
    pub link: String,
    pub current: bool,
}

/// A column heading that sorts the list by it.
pub struct SortLink {
    pub label: String,
    pub link: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "follow_up/list.html")]
struct ListPage {
    t: Tr,
    shell: Shell,
    rows: Vec<Row>,
    legend: Vec<LegendEntry>,
    sorts: Vec<SortLink>,
    scopes: Vec<(&'static str, String)>,
    scope: &'static str,
    state: &'static str,
    chosen_legend: &'static str,
    sort: &'static str,
    total: i64,
    page_number: u32,
    previous_link: Option<String>,
    next_link: Option<String>,
    pending: usize,
    error: Option<String>,
}

fn link(query: &FollowUpQuery, page: u32) -> String {
    let mut pairs = vec![("scope", query.scope().as_str()), ("state", query.state().as_str())];
    if let Some(legend) = query.legend {
        pairs.push(("legend", legend.as_str()));
    }
    pairs.push(("sort", query.sort().as_str()));
    let page = page.to_string();
    if page != "1" {
        pairs.push(("page", &page));
    }
    format!("/follow-up?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

pub async fn list(page: Page, TryQuery(query): TryQuery<FollowUpQuery>) -> PageResult {
    // A value the form never sends (a hand-edited link): the default list, and why.
    let (query, error) = match query.and_then(|query| query.page().map(|_| query)) {
        Ok(query) => (query, None),
        Err(errors) => (FollowUpQuery::default(), Some(errors)),
    };
    let outcome = FormOutcome::of(error.map(AppError::Validation), &page.t)?;
    let t = page.t;
    let app = page.app();
    let found = app.follow_up().follow_up(&page.actor, &query).await?;
    let pending = app.follow_up().pending_notes(&page.actor).await?.len();
    let counts = [
        (Legend::Today, Some(found.tally.today)),
        (Legend::Overdue, Some(found.tally.overdue)),
        (Legend::Open, Some(found.tally.open)),
        (Legend::Internal, Some(found.tally.internal)),
        (Legend::Closed, None),
    ];
    let legend = counts
        .into_iter()
        .map(|(legend, count)| {
            let state = if legend == Legend::Closed { Some(WorkState::All) } else { query.state };
            let filtered = FollowUpQuery { legend: Some(legend), state, page: None, ..query.clone() };
            LegendEntry {
                legend: legend.as_str(),
                label: t.get(&format!("follow-up-legend-{}", legend.as_str())),
                count,
                link: link(&filtered, 1),
                current: query.legend == Some(legend),
            }
        })
        .collect();
    let sorts = FollowUpSort::ALL
        .iter()
        .map(|sort| SortLink {
            label: t.get(&format!("follow-up-sort-{}", sort.as_str())),
            link: link(&FollowUpQuery { sort: Some(*sort), page: None, ..query.clone() }, 1),
            current: query.sort() == *sort,
        })
        .collect();
    let body = ListPage {
        rows: found.lines.into_iter().map(|line| Row::of(&t, line)).collect(),
        legend,
        sorts,
        scopes: scopes(&t),
        scope: query.scope().as_str(),
        state: query.state().as_str(),
        chosen_legend: query.legend.map_or("", |l| l.as_str()),
        sort: query.sort().as_str(),
        total: found.total,
        page_number: found.page,
        previous_link: (found.page > 1).then(|| link(&query, found.page - 1)),
        next_link: found.has_next.then(|| link(&query, found.page + 1)),
        pending,
        error: outcome.errors.messages().next(),
        shell: page.shell("follow_up"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

/// The scopes the filter offers, in the reader's words.
pub fn scopes(t: &Tr) -> Vec<(&'static str, String)> {
    FollowUpScope::ALL
        .iter()
        .map(|s| (s.as_str(), t.get(&format!("follow-up-scope-{}", s.as_str()))))
        .collect()
}

pub struct PendingLine {
    pub id: uuid::Uuid,
    pub contact_id: uuid::Uuid,
    pub contact_name: String,
    pub party_id: uuid::Uuid,
    pub party_name: String,
    pub excerpt: String,
    pub saved: String,
}

#[derive(Template)]
#[template(path = "follow_up/pending.html")]
struct PendingPage {
    t: Tr,
    shell: Shell,
    lines: Vec<PendingLine>,
}

/// Pareceres pendentes: the reader's drafts, to finish.
pub async fn pending(page: Page) -> PageResult {
    let t = page.t;
    let lines = page
        .app()
        .follow_up()
        .pending_notes(&page.actor)
        .await?
        .into_iter()
        .map(|p| PendingLine {
            id: p.note.id,
            contact_id: p.note.contact_id,
            contact_name: p.contact_name,
            party_id: p.party_id,
            party_name: p.party_name,
            excerpt: p.note.body.chars().take(120).collect(),
            saved: t.datetime(&p.note.updated_at),
        })
        .collect();
    Ok(render_with_status(
        axum::http::StatusCode::OK,
        &PendingPage { shell: page.shell("follow_up"), lines, t },
    ))
}

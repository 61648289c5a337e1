//! A contact's steps from its page (seed 002): the workflow's decision
//! answered, the cycle's answers recorded, a surplus product sold, the
//! sale closed, the contact reopened — with the right, with a supervisor's
//! own credentials, or asked from his queue — and that queue; the report
//! of a type's cycle answers.
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::html::components::{Pairs, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::follow_up::contacts::ContactView;
use app::follow_up::progress::{QuestionReport, Reopening};
use askama::Template;
use axum::Router;
use axum::routing;
use domain::follow_up::ContactOutcome;
use domain::{AttendanceTypeId, SalesContactId, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sales-contacts/{id}/decide", routing::post(decide))
        .route("/sales-contacts/{id}/cycle", routing::post(answer_cycle))
        .route("/sales-contacts/{id}/surplus", routing::post(surplus))
        .route("/sales-contacts/{id}/close", routing::post(close))
        .route("/sales-contacts/{id}/reopen", routing::post(reopen))
        .route("/sales-contacts/{id}/approve-reopen", routing::post(approve))
        .route("/follow-up/reopen-requests", routing::get(requests))
        .route("/follow-up/cycle-report/{id}", routing::get(report))
}

fn version(fields: &Pairs) -> i64 {
    value(fields, "version").trim().parse::<i64>().unwrap_or(0)
}

/// A step's refusal: back on the contact's page with the reason on top,
/// since the page holds several small forms.
async fn answer(page: &Page, id: SalesContactId, done: Result<&'static str, AppError>) -> PageResult {
    let to = format!("/sales-contacts/{id}");
    match done {
        Ok(notice) => page.redirect_with(&to, Flash::notice(notice)).await,
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let reasons = errors.0.iter().map(|e| page.t.get(e.message)).collect();
            page.redirect_with(&to, Flash::warning("follow-up-step-refused", reasons, "")).await
        }
        Err(AppError::Conflict { .. }) => {
            page.redirect_with(&to, Flash::notice("follow-up-step-stale")).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn decide(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let yes = value(&fields, "answer") == "yes";
    let words = crate::labels::step_words(&page.t);
    let done = page.app().follow_up().decide(&page.actor, id, version(&fields), yes, &words).await;
    answer(&page, id, done.map(|_| "workflow-answered")).await
}

async fn answer_cycle(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let typed: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(name, typed)| name.strip_prefix("answer.").map(|key| (key.to_string(), typed.clone())))
        .collect();
    // A question left empty is not sent by the form: it is answered "none".
    let questions = page.app().follow_up().cycle(&page.actor, id).await?;
    let mut given = typed;
    for question in questions {
        if !given.iter().any(|(key, _)| *key == question.question.key) {
            given.push((question.question.key, String::new()));
        }
    }
    let done = page.app().follow_up().answer_cycle(&page.actor, id, &given).await;
    answer(&page, id, done.map(|_| "cycle-saved")).await
}

async fn surplus(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let code = value(&fields, "code");
    let done = if code.trim().is_empty() {
        Err(ValidationErrors::single("surplus", "error-required").into())
    } else {
        page.app().follow_up().add_surplus(&page.actor, id, version(&fields), code).await
    };
    answer(&page, id, done.map(|_| "surplus-added")).await
}

async fn close(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let done = match ContactOutcome::parse(value(&fields, "outcome")) {
        Ok(outcome) => {
            let words = crate::labels::step_words(&page.t);
            page.app().follow_up().close_contact(&page.actor, id, version(&fields), outcome, &words).await
        }
        Err(message) => Err(ValidationErrors::single("outcome", message).into()),
    };
    answer(&page, id, done.map(|_| "sales-contact-closed")).await
}

async fn reopen(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let email = value(&fields, "approver_email").trim();
    let approver = if email.is_empty() {
        None
    } else {
        let password = value(&fields, "approver_password");
        match page.app().auth().approver(email, password, page.actor.ip.as_deref()).await {
            Ok(approver) => Some(approver),
            Err(AppError::InvalidCredentials) => {
                let refused = Err(ValidationErrors::single("approver", "error-approver-credentials").into());
                return answer(&page, id, refused).await;
            }
            Err(other) => return Err(other.into()),
        }
    };
    let words = crate::labels::step_words(&page.t);
    let reason = value(&fields, "reason");
    let done = page
        .app()
        .follow_up()
        .reopen(&page.actor, id, version(&fields), reason, approver.as_ref(), &words)
        .await;
    let notice = |reopening| match reopening {
        Reopening::Reopened => "sales-contact-reopened",
        Reopening::Requested => "sales-contact-reopen-requested",
    };
    answer(&page, id, done.map(notice)).await
}

async fn approve(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let words = crate::labels::step_words(&page.t);
    match page.app().follow_up().approve_reopen(&page.actor, id, version(&fields), &words).await {
        Ok(_) => {
            page.redirect_with("/follow-up/reopen-requests", Flash::notice("sales-contact-reopened")).await
        }
        Err(error) => answer(&page, id, Err(error)).await,
    }
}

#[derive(Template)]
#[template(path = "follow_up/requests.html")]
struct RequestsPage {
    t: Tr,
    shell: Shell,
    contacts: Vec<ContactView>,
}

/// The reopenings waiting for the supervisor.
async fn requests(page: Page) -> PageResult {
    let contacts = page.app().follow_up().reopen_requests(&page.actor).await?;
    let t = page.t;
    Ok(render_with_status(
        axum::http::StatusCode::OK,
        &RequestsPage { shell: page.shell("follow_up"), contacts, t },
    ))
}

#[derive(Template)]
#[template(path = "follow_up/report.html")]
struct ReportPage {
    t: Tr,
    shell: Shell,
    kind: String,
    questions: Vec<QuestionReport>,
}

/// How the answers to a type's cycle fall.
async fn report(page: Page, Id(id): Id<AttendanceTypeId>) -> PageResult {
    let kind = page.app().follow_up().attendance_type(&page.actor, id).await?;
    let questions = page.app().follow_up().cycle_report(&page.actor, id).await?;
    let t = page.t;
    Ok(render_with_status(
        axum::http::StatusCode::OK,
        &ReportPage { shell: page.shell("follow_up"), kind: kind.name, questions, t },
    ))
}

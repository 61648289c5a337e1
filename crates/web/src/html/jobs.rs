//! Tarefas em segundo plano: how many jobs of each kind wait, run, ended
//! or failed, and the ones that failed for good with their last error —
//! where a daily task that broke at 3 am is seen in the morning.
use crate::AppState;
use crate::error::PageResult;
use crate::extract::Page;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing;
use domain::job::{JobKind, JobState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/jobs", routing::get(show))
}

#[derive(Template)]
#[template(path = "settings/jobs.html")]
struct JobsPage {
    t: Tr,
    shell: Shell,
    states: Vec<String>,
    /// Per kind: its name and the count in each of `states`.
    rows: Vec<(String, Vec<i64>)>,
    failed: Vec<FailedLine>,
}

struct FailedLine {
    kind: String,
    subject: String,
    attempts: i64,
    error: String,
    when: String,
}

async fn show(page: Page) -> PageResult {
    let overview = page.app().worker().overview(&page.actor).await?;
    let t = page.t;
    let kind_label = |kind: JobKind| t.get(&format!("job-kind-{}", kind.as_str()));
    let rows = JobKind::ALL
        .iter()
        .map(|kind| {
            let counts = JobState::ALL
                .iter()
                .map(|state| {
                    overview.counts.iter().find(|(k, s, _)| k == kind && s == state).map_or(0, |(_, _, n)| *n)
                })
                .collect();
            (kind_label(*kind), counts)
        })
        .collect();
    let failed = overview
        .failed
        .into_iter()
        .map(|job| FailedLine {
            kind: kind_label(job.kind),
            subject: match job.kind {
                JobKind::Daily => t.get(&format!("daily-task-{}", job.subject)),
                _ => job.subject,
            },
            attempts: i64::from(job.attempts),
            error: job.error,
            when: job.finished_at.map(|at| t.datetime(&at)).unwrap_or_default(),
        })
        .collect();
    let body = JobsPage {
        states: JobState::ALL.iter().map(|s| t.get(&format!("job-state-{}", s.as_str()))).collect(),
        rows,
        failed,
        shell: page.shell("settings"),
        t,
    };
    Ok(render_with_status(StatusCode::OK, &body))
}

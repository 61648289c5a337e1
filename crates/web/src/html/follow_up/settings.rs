//! Configurações › Vendas (follow up) [Configurador: CRM / Opções /
//! Contato]: the responsibility centres with their members and the
//! attendance types with their standard texts and rule for files. One
//! page: the lists, and a form for a new one or the one chosen to change.
use super::type_form::{DecisionRow, QuestionRow, cycle_of, decision_rows, question_rows, workflow_of};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Page, Query};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value, values};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::follow_up::settings::{AttendanceTypeView, CentreView};
use askama::Template;
use axum::Router;
use axum::routing;
use domain::follow_up::cycle::{Cycle, QuestionKind};
use domain::follow_up::workflow::Workflow;
use domain::follow_up::{AttendanceTypeDraft, CentreDraft};
use domain::{AttendanceTypeId, CentreId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/follow-up", routing::get(show))
        .route("/admin/follow-up/centres", routing::post(save_centre))
        .route("/admin/follow-up/types", routing::post(save_type))
}

#[derive(Template)]
#[template(path = "follow_up/settings.html")]
struct SettingsPage {
    t: Tr,
    shell: Shell,
    centres: Vec<CentreView>,
    kinds: Vec<AttendanceTypeView>,
    people: Vec<(String, String)>,
    centre_form: FormValues,
    centre_errors: FieldMessages,
    type_form: FormValues,
    type_errors: FieldMessages,
    decisions: Vec<DecisionRow>,
    questions: Vec<QuestionRow>,
    /// (value, label) of where an answer leads, and of a question's kinds.
    steps: Vec<(String, String)>,
    question_kinds: Vec<(&'static str, String)>,
    alert: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Chosen {
    centre: String,
    #[serde(rename = "type")]
    kind: String,
}

fn centre_values(centre: &CentreView) -> FormValues {
    let mut pairs = vec![
        ("id".to_string(), centre.id.to_string()),
        ("version".into(), centre.version.to_string()),
        ("name".into(), centre.name.clone()),
        ("active".into(), centre.active.to_string()),
    ];
    pairs.extend(centre.members.iter().map(|(id, _)| ("members".to_string(), id.to_string())));
    FormValues(pairs)
}

fn type_values(kind: &AttendanceTypeView) -> FormValues {
    FormValues(vec![
        ("id".into(), kind.id.to_string()),
        ("version".into(), kind.version.to_string()),
        ("name".into(), kind.name.clone()),
        ("note_text".into(), kind.note_text.clone()),
        ("email_subject".into(), kind.email_subject.clone()),
        ("email_text".into(), kind.email_text.clone()),
        ("attachments_allowed".into(), kind.attachments_allowed.to_string()),
        ("attachment_limit_mb".into(), (kind.attachment_limit_bytes / (1024 * 1024)).to_string()),
        ("active".into(), kind.active.to_string()),
    ])
}

fn blank_rows() -> (Vec<DecisionRow>, Vec<QuestionRow>) {
    (decision_rows(&Workflow::default()), question_rows(&Cycle::default()))
}

fn fresh() -> FormValues {
    FormValues(vec![("active".into(), "true".into())])
}

struct Forms {
    centre: (FormValues, FieldMessages),
    kind: (FormValues, FieldMessages),
    rows: (Vec<DecisionRow>, Vec<QuestionRow>),
}

async fn render(page: &Page, forms: Forms, outcome: FormOutcome) -> PageResult {
    let t = page.t;
    let follow_up = page.app().follow_up();
    follow_up.may_configure(&page.actor)?;
    let (centres, kinds, people) = tokio::try_join!(
        follow_up.centres(&page.actor),
        follow_up.attendance_types(&page.actor),
        follow_up.responsible_choices(&page.actor),
    )?;
    let decisions = forms.rows.0.len();
    let mut steps = vec![
        ("return".to_string(), t.get("workflow-step-return")),
        ("won".into(), t.get("workflow-step-won")),
        ("lost".into(), t.get("workflow-step-lost")),
    ];
    steps.extend((1..=decisions).map(|n| (format!("ask:{n}"), t.with("workflow-step-ask", "number", n))));
    let question_kinds = QuestionKind::ALL
        .iter()
        .map(|k| (k.as_str(), t.get(&format!("question-kind-{}", k.as_str()))))
        .collect();
    let body = SettingsPage {
        decisions: forms.rows.0,
        questions: forms.rows.1,
        steps,
        question_kinds,
        centres,
        kinds,
        people: people.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
        centre_form: forms.centre.0,
        centre_errors: forms.centre.1,
        type_form: forms.kind.0,
        type_errors: forms.kind.1,
        alert: outcome.alert,
        shell: page.shell("follow_up_settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn show(page: Page, Query(chosen): Query<Chosen>) -> PageResult {
    let follow_up = page.app().follow_up();
    let centre = match chosen.centre.trim().parse::<uuid::Uuid>() {
        Ok(id) => centre_values(&follow_up.centre(&page.actor, CentreId(id)).await?),
        Err(_) => fresh(),
    };
    let (kind, rows) = match chosen.kind.trim().parse::<uuid::Uuid>() {
        Ok(id) => {
            let kind = follow_up.attendance_type(&page.actor, AttendanceTypeId(id)).await?;
            (type_values(&kind), (decision_rows(&kind.workflow), question_rows(&kind.cycle)))
        }
        Err(_) => (fresh(), (decision_rows(&Workflow::default()), question_rows(&Cycle::default()))),
    };
    let forms =
        Forms { centre: (centre, FieldMessages::default()), kind: (kind, FieldMessages::default()), rows };
    render(&page, forms, FormOutcome::of(None, &page.t)?).await
}

/// The record the form changes, at the version read; none for a new one.
fn editing<T>(fields: &Pairs, id: fn(uuid::Uuid) -> T) -> Option<(T, i64)> {
    let uuid = value(fields, "id").trim().parse::<uuid::Uuid>().ok()?;
    Some((id(uuid), value(fields, "version").trim().parse::<i64>().unwrap_or(0)))
}

async fn save_centre(page: Page, Form(fields): Form<Pairs>) -> PageResult {
    let draft = CentreDraft {
        name: value(&fields, "name").to_string(),
        active: value(&fields, "active") == "true",
        members: values(&fields, "members").map(str::to_string).collect(),
    };
    match page.app().follow_up().save_centre(&page.actor, editing(&fields, CentreId), &draft).await {
        Ok(_) => page.redirect_with("/admin/follow-up", Flash::notice("follow-up-centre-saved")).await,
        Err(error) => {
            let FormOutcome { errors, alert, status } = FormOutcome::of(Some(error), &page.t)?;
            let forms = Forms {
                centre: (FormValues(fields), errors),
                kind: (fresh(), FieldMessages::default()),
                rows: blank_rows(),
            };
            render(&page, forms, FormOutcome { errors: FieldMessages::default(), alert, status }).await
        }
    }
}

async fn save_type(page: Page, Form(fields): Form<Pairs>) -> PageResult {
    let mut unread = ValidationErrors::new();
    let (workflow, decisions) = workflow_of(&fields, &mut unread);
    let (cycle, questions) = cycle_of(&fields, &mut unread);
    let draft = AttendanceTypeDraft {
        workflow,
        cycle,
        name: value(&fields, "name").to_string(),
        note_text: value(&fields, "note_text").to_string(),
        email_subject: value(&fields, "email_subject").to_string(),
        email_text: value(&fields, "email_text").to_string(),
        attachments_allowed: value(&fields, "attachments_allowed") == "true",
        attachment_limit_mb: value(&fields, "attachment_limit_mb").to_string(),
        active: value(&fields, "active") == "true",
    };
    match page
        .app()
        .follow_up()
        .save_attendance_type(&page.actor, editing(&fields, AttendanceTypeId), &draft)
        .await
    {
        Ok(_) => page.redirect_with("/admin/follow-up", Flash::notice("follow-up-type-saved")).await,
        Err(error) => {
            let FormOutcome { errors, alert, status } = FormOutcome::of(Some(error), &page.t)?;
            let forms = Forms {
                centre: (fresh(), FieldMessages::default()),
                kind: (FormValues(fields), errors),
                rows: (decisions, questions),
            };
            render(&page, forms, FormOutcome { errors: FieldMessages::default(), alert, status }).await
        }
    }
}

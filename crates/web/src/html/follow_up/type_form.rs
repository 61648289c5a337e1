//! An attendance type's workflow and cycle as rows of its form: a decision
//! per row (its question, and where "yes" and "no" lead), a question of
//! the cycle per row (its text, kind and options). Empty rows are left out.
use crate::html::components::{Pairs, table_rows};
use domain::ValidationErrors;
use domain::follow_up::ContactOutcome;
use domain::follow_up::cycle::{Cycle, Question, QuestionKind};
use domain::follow_up::workflow::{Decision, Workflow, WorkflowStep};

/// Rows the form offers beyond those filled in.
const SPARE_DECISIONS: usize = 3;
const SPARE_QUESTIONS: usize = 3;
const DECISION_COLUMNS: [&str; 7] = ["question", "yes", "yesdays", "yescentre", "no", "nodays", "nocentre"];
const QUESTION_COLUMNS: [&str; 4] = ["key", "text", "kind", "options"];

/// One decision as its row shows it; `yes`/`no` are `ask:N` (1-based),
/// `return`, `won` or `lost`.
#[derive(Clone, Debug, Default)]
pub struct DecisionRow {
    pub question: String,
    pub yes: String,
    pub yes_days: String,
    pub yes_centre: String,
    pub no: String,
    pub no_days: String,
    pub no_centre: String,
}

#[derive(Clone, Debug, Default)]
pub struct QuestionRow {
    pub key: String,
    pub text: String,
    pub kind: String,
    pub options: String,
}

fn step_cells(step: &WorkflowStep) -> (String, String, String) {
    match step {
        WorkflowStep::Ask { decision } => (format!("ask:{}", decision + 1), String::new(), String::new()),
        WorkflowStep::Return { centre, in_days } => {
            ("return".into(), in_days.to_string(), centre.map(|c| c.to_string()).unwrap_or_default())
        }
        WorkflowStep::Close { outcome } => (outcome.as_str().into(), String::new(), String::new()),
    }
}

pub fn decision_rows(workflow: &Workflow) -> Vec<DecisionRow> {
    let mut rows: Vec<DecisionRow> = workflow
        .decisions
        .iter()
        .map(|d| {
            let (yes, yes_days, yes_centre) = step_cells(&d.yes);
            let (no, no_days, no_centre) = step_cells(&d.no);
            DecisionRow { question: d.question.clone(), yes, yes_days, yes_centre, no, no_days, no_centre }
        })
        .collect();
    rows.extend(std::iter::repeat_n(DecisionRow::default(), SPARE_DECISIONS));
    rows
}

pub fn question_rows(cycle: &Cycle) -> Vec<QuestionRow> {
    let mut rows: Vec<QuestionRow> = cycle
        .questions
        .iter()
        .map(|q| QuestionRow {
            key: q.key.clone(),
            text: q.text.clone(),
            kind: q.kind.as_str().into(),
            options: q.options.join(", "),
        })
        .collect();
    rows.extend(std::iter::repeat_n(QuestionRow::default(), SPARE_QUESTIONS));
    rows
}

fn step_of(choice: &str, days: &str, centre: &str, errors: &mut ValidationErrors) -> WorkflowStep {
    match choice.trim() {
        "won" => WorkflowStep::Close { outcome: ContactOutcome::Won },
        "lost" => WorkflowStep::Close { outcome: ContactOutcome::Lost },
        "return" | "" => WorkflowStep::Return {
            in_days: match days.trim() {
                "" => 0,
                typed => typed.parse().unwrap_or_else(|_| {
                    errors.add("workflow", "error-workflow-days");
                    0
                }),
            },
            centre: match centre.trim() {
                "" => None,
                typed => typed.parse().map_err(|_| errors.add("workflow", "error-choice-unknown")).ok(),
            },
        },
        other => match other.strip_prefix("ask:").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n >= 1) {
            Some(number) => WorkflowStep::Ask { decision: number - 1 },
            None => {
                errors.add("workflow", "error-choice-unknown");
                WorkflowStep::Return { centre: None, in_days: 0 }
            }
        },
    }
}

/// The workflow the form's rows describe; its rules are the domain's.
pub fn workflow_of(pairs: &Pairs, errors: &mut ValidationErrors) -> (Workflow, Vec<DecisionRow>) {
    let cells = table_rows(pairs, "wf_", &DECISION_COLUMNS);
    let rows: Vec<DecisionRow> = cells
        .into_iter()
        .map(|c| DecisionRow {
            question: c[0].clone(),
            yes: c[1].clone(),
            yes_days: c[2].clone(),
            yes_centre: c[3].clone(),
            no: c[4].clone(),
            no_days: c[5].clone(),
            no_centre: c[6].clone(),
        })
        .filter(|r| !r.question.trim().is_empty())
        .collect();
    let decisions = rows
        .iter()
        .map(|r| Decision {
            question: r.question.trim().to_string(),
            yes: step_of(&r.yes, &r.yes_days, &r.yes_centre, errors),
            no: step_of(&r.no, &r.no_days, &r.no_centre, errors),
        })
        .collect();
    let mut shown = rows;
    shown.extend(std::iter::repeat_n(DecisionRow::default(), SPARE_DECISIONS));
    (Workflow { decisions }, shown)
}

/// The cycle the form's rows describe; a new question gets its key here.
pub fn cycle_of(pairs: &Pairs, errors: &mut ValidationErrors) -> (Cycle, Vec<QuestionRow>) {
    let rows: Vec<QuestionRow> = table_rows(pairs, "cq_", &QUESTION_COLUMNS)
        .into_iter()
        .map(|c| QuestionRow {
            key: c[0].clone(),
            text: c[1].clone(),
            kind: c[2].clone(),
            options: c[3].clone(),
        })
        .filter(|r| !r.text.trim().is_empty())
        .collect();
    let questions = rows
        .iter()
        .map(|r| Question {
            key: if r.key.trim().is_empty() {
                uuid::Uuid::now_v7().simple().to_string()[20..].to_string()
            } else {
                r.key.trim().to_string()
            },
            text: r.text.trim().to_string(),
            kind: QuestionKind::parse(&r.kind).unwrap_or_else(|message| {
                errors.add("cycle", message);
                QuestionKind::Text
            }),
            options: r.options.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect(),
        })
        .collect();
    let mut shown = rows;
    shown.extend(std::iter::repeat_n(QuestionRow::default(), SPARE_QUESTIONS));
    (Cycle { questions }, shown)
}

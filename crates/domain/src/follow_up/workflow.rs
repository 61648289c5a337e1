//! An attendance type's workflow [fluxo de trabalho] (seed 002): a few
//! yes/no decisions, the first asked when a note is confirmed; each answer
//! asks a later decision, gives the contact its next return (in so many
//! days, at a responsibility centre or the same one), or closes it.
use super::ContactOutcome;
use crate::ValidationErrors;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most decisions one workflow holds.
pub const MAX_DECISIONS: usize = 12;
/// The furthest a return may be put off.
pub const MAX_RETURN_DAYS: u32 = 365;

/// Where an answer leads.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkflowStep {
    /// Asks another decision: always a later one, so a workflow ends.
    Ask { decision: usize },
    /// The next return in `in_days` days, at `centre` (none: where it is).
    Return { centre: Option<Uuid>, in_days: u32 },
    /// Closes the contact.
    Close { outcome: ContactOutcome },
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub question: String,
    pub yes: WorkflowStep,
    pub no: WorkflowStep,
}

/// The decisions in order; none is a type without a workflow.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub decisions: Vec<Decision>,
}

impl Workflow {
    /// As stored; what does not read is no workflow (never a failed page).
    pub fn read(stored: &str) -> Workflow {
        serde_json::from_str(stored).unwrap_or_default()
    }

    pub fn stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"decisions\":[]}".into())
    }

    pub fn is_empty(&self) -> bool {
        self.decisions.is_empty()
    }

    /// Where answering decision `at` leads; none when there is no such decision.
    pub fn answer(&self, at: usize, yes: bool) -> Option<&WorkflowStep> {
        self.decisions.get(at).map(|d| if yes { &d.yes } else { &d.no })
    }

    /// Each decision has its question, asks only later ones, puts a return
    /// off at most a year; `centres` are those a return may go to.
    pub fn validate(&self, centres: &[Uuid]) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.decisions.len() > MAX_DECISIONS {
            errors.add("workflow", "error-workflow-too-long");
        }
        for (at, decision) in self.decisions.iter().enumerate() {
            let question = decision.question.trim();
            if question.is_empty() {
                errors.add("workflow", "error-workflow-question-missing");
            } else if question.chars().count() > 200 || question.chars().any(char::is_control) {
                errors.add("workflow", "error-too-long");
            }
            for step in [&decision.yes, &decision.no] {
                match step {
                    WorkflowStep::Ask { decision }
                        if *decision <= at || *decision >= self.decisions.len() =>
                    {
                        errors.add("workflow", "error-workflow-ask-later");
                    }
                    WorkflowStep::Return { in_days, .. } if *in_days > MAX_RETURN_DAYS => {
                        errors.add("workflow", "error-workflow-days");
                    }
                    WorkflowStep::Return { centre: Some(centre), .. } if !centres.contains(centre) => {
                        errors.add("workflow", "error-choice-unknown");
                    }
                    _ => {}
                }
            }
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(centre: Uuid) -> Workflow {
        Workflow {
            decisions: vec![
                Decision {
                    question: "Contato obtido?".into(),
                    yes: WorkflowStep::Ask { decision: 1 },
                    no: WorkflowStep::Return { centre: None, in_days: 1 },
                },
                Decision {
                    question: "Venda realizada?".into(),
                    yes: WorkflowStep::Close { outcome: ContactOutcome::Won },
                    no: WorkflowStep::Return { centre: Some(centre), in_days: 7 },
                },
            ],
        }
    }

    #[test]
    fn a_workflow_reads_back_as_stored_and_leads_by_each_answer() {
        let centre = Uuid::now_v7();
        let workflow = sale(centre);
        assert_eq!(Workflow::read(&workflow.stored()), workflow);
        assert_eq!(workflow.answer(0, true), Some(&WorkflowStep::Ask { decision: 1 }));
        assert_eq!(
            workflow.answer(1, false),
            Some(&WorkflowStep::Return { centre: Some(centre), in_days: 7 })
        );
        assert_eq!(workflow.answer(2, true), None);
        assert!(workflow.validate(&[centre]).is_ok());
        assert!(Workflow::read("not json").is_empty());
    }

    #[test]
    fn a_decision_asks_only_later_ones_and_returns_go_to_known_centres() {
        let centre = Uuid::now_v7();
        let mut backwards = sale(centre);
        backwards.decisions[1].no = WorkflowStep::Ask { decision: 0 };
        assert!(backwards.validate(&[centre]).is_err());
        assert!(sale(centre).validate(&[]).is_err(), "an unknown centre");
        let mut blank = sale(centre);
        blank.decisions[0].question = " ".into();
        assert!(blank.validate(&[centre]).is_err());
    }
}

//! The attendance cycle [ciclo de atendimento] (seed 002): a type's
//! questionnaire — text, yes/no, choice and number questions — answered
//! on each contact to make selling follow one pattern.
use crate::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The most questions one cycle asks.
pub const MAX_QUESTIONS: usize = 30;
/// The longest written answer.
pub const MAX_ANSWER_CHARS: usize = 2000;

string_enum!(
    /// How a question is answered.
    QuestionKind {
        Text = "text",
        YesNo = "yes_no",
        Choice = "choice",
        Number = "number",
    } error "error-question-kind-invalid"
);

/// One question; `key` stays when the question is reworded or moved, so
/// the answers given stay with it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub text: String,
    pub kind: QuestionKind,
    /// A choice question's options.
    #[serde(default)]
    pub options: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cycle {
    pub questions: Vec<Question>,
}

impl Cycle {
    /// As stored; what does not read is no questionnaire.
    pub fn read(stored: &str) -> Cycle {
        serde_json::from_str(stored).unwrap_or_default()
    }

    pub fn stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"questions\":[]}".into())
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.questions.len() > MAX_QUESTIONS {
            errors.add("cycle", "error-cycle-too-long");
        }
        for (at, question) in self.questions.iter().enumerate() {
            let text = question.text.trim();
            if text.is_empty() {
                errors.add("cycle", "error-cycle-question-missing");
            } else if text.chars().count() > 200 || text.chars().any(char::is_control) {
                errors.add("cycle", "error-too-long");
            }
            if question.key.trim().is_empty() || self.questions[..at].iter().any(|q| q.key == question.key) {
                errors.add("cycle", "error-cycle-key");
            }
            if question.kind == QuestionKind::Choice
                && question.options.iter().filter(|o| !o.trim().is_empty()).count() < 2
            {
                errors.add("cycle", "error-cycle-options");
            }
        }
        errors.into_result()
    }
}

impl Question {
    /// An answer as typed, checked against the question: `yes`/`no`, a
    /// number (decimal comma or point), one of the options, or text.
    /// Empty is no answer.
    pub fn answer(&self, typed: &str) -> Result<Option<String>, &'static str> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Ok(None);
        }
        match self.kind {
            QuestionKind::YesNo if typed == "yes" || typed == "no" => Ok(Some(typed.to_string())),
            QuestionKind::YesNo => Err("error-choice-unknown"),
            QuestionKind::Number => typed
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|_| Some(typed.replace(',', ".")))
                .ok_or("error-number-invalid"),
            QuestionKind::Choice if self.options.iter().any(|o| o.trim() == typed) => {
                Ok(Some(typed.to_string()))
            }
            QuestionKind::Choice => Err("error-choice-unknown"),
            QuestionKind::Text if typed.chars().count() > MAX_ANSWER_CHARS => Err("error-too-long"),
            QuestionKind::Text => Ok(Some(typed.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind, options: &[&str]) -> Question {
        Question {
            key: "k1".into(),
            text: "Pergunta?".into(),
            kind,
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }

    #[test]
    fn answers_are_judged_by_the_kind_of_question() {
        assert_eq!(question(QuestionKind::YesNo, &[]).answer("yes"), Ok(Some("yes".into())));
        assert!(question(QuestionKind::YesNo, &[]).answer("talvez").is_err());
        assert_eq!(question(QuestionKind::Number, &[]).answer("12,5"), Ok(Some("12.5".into())));
        assert!(question(QuestionKind::Number, &[]).answer("doze").is_err());
        let choice = question(QuestionKind::Choice, &["Sedan", "SUV"]);
        assert_eq!(choice.answer("SUV"), Ok(Some("SUV".into())));
        assert!(choice.answer("Moto").is_err());
        assert_eq!(question(QuestionKind::Text, &[]).answer("  "), Ok(None));
    }

    #[test]
    fn a_cycle_needs_its_questions_their_options_and_distinct_keys() {
        let mut cycle = Cycle { questions: vec![question(QuestionKind::Choice, &["A", "B"])] };
        assert!(cycle.validate().is_ok());
        assert_eq!(Cycle::read(&cycle.stored()), cycle);
        cycle.questions.push(question(QuestionKind::Text, &[]));
        assert!(cycle.validate().is_err(), "two questions with one key");
        let lonely = Cycle { questions: vec![question(QuestionKind::Choice, &["A"])] };
        assert!(lonely.validate().is_err());
    }
}

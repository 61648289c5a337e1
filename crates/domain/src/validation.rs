//! Validation results that name the field and a message key of the
//! catalogue, so every layer above can show them in the user's language.
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// One problem with one input field. `message` is a key of the message
/// catalogue (for example `error-email-invalid`), never prose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// A form field's name; dynamic for organisation-defined fields (`custom.<key>`).
    pub field: Cow<'static, str>,
    pub message: &'static str,
}

/// Every problem found in one input, collected so the form shows them all
/// at once instead of one per round trip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: &'static str) {
        self.0.push(FieldError { field: field.into(), message });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(field: impl Into<Cow<'static, str>>, message: &'static str) -> Self {
        Self(vec![FieldError { field: field.into(), message }])
    }

    /// Two checks of one form's input, with both's messages when both
    /// refuse, so the form shows them together.
    pub fn both<A, B>(first: Result<A, Self>, second: Result<B, Self>) -> Result<(A, B), Self> {
        match (first, second) {
            (Ok(first), Ok(second)) => Ok((first, second)),
            (Err(mut errors), Err(more)) => {
                errors.0.extend(more.0);
                Err(errors)
            }
            (Err(errors), _) | (_, Err(errors)) => Err(errors),
        }
    }

    /// Runs a parser and records its error under `field`, returning the
    /// value when it parsed.
    pub fn check<T>(
        &mut self,
        field: impl Into<Cow<'static, str>>,
        parsed: Result<T, &'static str>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    /// A day typed as `YYYY-MM-DD`; empty is "not set", refused when
    /// `required`.
    pub fn date(&mut self, field: &'static str, typed: &str, required: bool) -> Option<chrono::NaiveDate> {
        match typed.trim() {
            "" if required => {
                self.add(field, "error-required");
                None
            }
            "" => None,
            typed => self.check(
                field,
                chrono::NaiveDate::parse_from_str(typed, "%Y-%m-%d").map_err(|_| "error-date-invalid"),
            ),
        }
    }

    /// A line of text trimmed: required or not, at most `max` characters,
    /// no control characters.
    pub fn line(&mut self, field: &'static str, typed: &str, max: usize, required: bool) -> String {
        let text = typed.trim();
        if text.is_empty() && required {
            self.add(field, "error-required");
        } else if text.chars().count() > max {
            self.add(field, "error-too-long");
        } else if text.chars().any(char::is_control) {
            self.add(field, "error-control-character");
        }
        text.to_string()
    }

    /// The fields with a problem, in the order found.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.field.as_ref())
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        f.write_str(&parts.join(", "))
    }
}

impl std::error::Error for ValidationErrors {}

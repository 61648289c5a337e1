//! Filtro: which records a list, a count, an export or (later) a segment
//! selects, as a tree of `all` / `any` / `not` over typed field tests.
//! A list's fields are an enum of its own ([`crate::party::PartyField`]);
//! each says what kind of value it holds, so a test that cannot apply to
//! it is refused here, before any SQL is written. The same tree comes
//! from a list's query string or from JSON:
//!
//! ```json
//! {"all": [{"field": "state", "equals": "SP"},
//!          {"not": {"field": "tag", "in": ["blocked", "lost"]}},
//!          {"field": "created_at", "relative": {"from": -30}}]}
//! ```
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Filter<F> {
    /// Every branch holds (an empty `all` selects everything).
    All {
        all: Vec<Filter<F>>,
    },
    /// At least one branch holds (an empty `any` selects nothing).
    Any {
        any: Vec<Filter<F>>,
    },
    Not {
        not: Box<Filter<F>>,
    },
    Is(Predicate<F>),
}

/// One field and what its value must be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Predicate<F> {
    pub field: F,
    #[serde(flatten)]
    pub test: Test,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    Equals(Value),
    In(Vec<Value>),
    /// Between two values, both included; a missing end is open.
    Range {
        from: Option<Value>,
        to: Option<Value>,
    },
    /// The text holds this, ignoring case and accents.
    Contains(String),
    /// The text starts with this, ignoring case and accents.
    Prefix(String),
    /// No value (`true`), or some value (`false`).
    IsEmpty(bool),
    /// A date between `from` and `to` days from today, both included
    /// (`{"from": -30}`: the last thirty days; `{"to": -90}`: before
    /// ninety days ago).
    Relative {
        from: Option<i32>,
        to: Option<i32>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Number(i64),
    Text(String),
}

/// What a field holds, which decides the tests it takes.
#[derive(Clone, Copy, Debug)]
pub enum FieldKind {
    /// Text compared as people read it (case and accents ignored).
    Text,
    /// One of a fixed list of codes; `check` says which.
    Code(fn(&str) -> bool),
    /// A record's id (a seller, a branch).
    Id,
    Date,
    Number,
    /// A day of the year as `MM-DD` (birthdays); a range may run across
    /// the year's end (`12-20` to `01-10`).
    MonthDay,
    /// Yes or no.
    Flag,
}

/// A list's fields: their names, kinds and how a value reads.
pub trait Field: Copy {
    fn kind(self) -> FieldKind;
    fn name(self) -> &'static str;
}

/// The depth past which a tree is refused: no form builds one, and a
/// hand-made one must not make the SQL planner work for minutes.
pub const MAX_DEPTH: usize = 12;

impl<F: Field> Filter<F> {
    /// Every branch holds.
    pub fn all(branches: Vec<Filter<F>>) -> Filter<F> {
        Filter::All { all: branches }
    }

    pub fn is(field: F, test: Test) -> Filter<F> {
        Filter::Is(Predicate { field, test })
    }

    /// This tree and `other`, both.
    pub fn and(self, other: Filter<F>) -> Filter<F> {
        match self {
            Filter::All { mut all } => {
                all.push(other);
                Filter::All { all }
            }
            this => Filter::All { all: vec![this, other] },
        }
    }

    /// Refuses tests that do not fit their fields, values of the wrong
    /// kind, and trees deeper than [`MAX_DEPTH`]. The error names the
    /// field (`filter.<name>`) and a message key.
    pub fn check(&self) -> Result<(), (String, &'static str)> {
        self.check_at(0)
    }

    fn check_at(&self, depth: usize) -> Result<(), (String, &'static str)> {
        if depth > MAX_DEPTH {
            return Err(("filter".into(), "error-filter-too-deep"));
        }
        match self {
            Filter::All { all: branches } | Filter::Any { any: branches } => {
                branches.iter().try_for_each(|b| b.check_at(depth + 1))
            }
            Filter::Not { not } => not.check_at(depth + 1),
            Filter::Is(predicate) => {
                predicate.check().map_err(|message| (format!("filter.{}", predicate.field.name()), message))
            }
        }
    }
}

impl<F: Field> Predicate<F> {
    fn check(&self) -> Result<(), &'static str> {
        let kind = self.field.kind();
        let value_fits = |value: &Value| fits(kind, value);
        let fits_all = match &self.test {
            Test::Equals(value) => value_fits(value),
            Test::In(values) => !values.is_empty() && values.iter().all(value_fits),
            Test::Range { from, to } => {
                matches!(kind, FieldKind::Date | FieldKind::Number | FieldKind::Text | FieldKind::MonthDay)
                    && (from.is_some() || to.is_some())
                    && from.iter().chain(to.iter()).all(value_fits)
            }
            Test::Contains(text) | Test::Prefix(text) => {
                matches!(kind, FieldKind::Text) && !text.trim().is_empty()
            }
            Test::IsEmpty(_) => true,
            Test::Relative { from, to } => {
                matches!(kind, FieldKind::Date) && (from.is_some() || to.is_some())
            }
        };
        if fits_all { Ok(()) } else { Err("error-filter-invalid") }
    }
}

fn fits(kind: FieldKind, value: &Value) -> bool {
    match (kind, value) {
        (FieldKind::Text, Value::Text(_)) => true,
        (FieldKind::Code(known), Value::Text(code)) => known(code),
        (FieldKind::Id, Value::Text(id)) => uuid::Uuid::parse_str(id).is_ok(),
        (FieldKind::Date, Value::Text(date)) => NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        (FieldKind::Number, Value::Number(_)) => true,
        (FieldKind::MonthDay, Value::Text(day)) => month_day(day).is_some(),
        (FieldKind::Flag, Value::Bool(_)) => true,
        _ => false,
    }
}

/// A day of the year written `MM-DD`, as `(month, day)`; 29 February is one.
pub fn month_day(text: &str) -> Option<(u32, u32)> {
    let (month, day) = text.split_once('-')?;
    if month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (month, day) = (month.parse().ok()?, day.parse().ok()?);
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| (month, day))
}

impl Value {
    pub fn text(text: impl Into<String>) -> Value {
        Value::Text(text.into())
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        self.as_text().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    pub fn as_id(&self) -> Option<uuid::Uuid> {
        self.as_text().and_then(|id| uuid::Uuid::parse_str(id).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Demo {
        City,
        Kind,
        Seller,
        CreatedAt,
    }

    impl Field for Demo {
        fn kind(self) -> FieldKind {
            match self {
                Demo::City => FieldKind::Text,
                Demo::Kind => FieldKind::Code(|c| c == "person" || c == "company"),
                Demo::Seller => FieldKind::Id,
                Demo::CreatedAt => FieldKind::Date,
            }
        }

        fn name(self) -> &'static str {
            match self {
                Demo::City => "city",
                Demo::Kind => "kind",
                Demo::Seller => "seller",
                Demo::CreatedAt => "created_at",
            }
        }
    }

    #[test]
    fn a_tree_reads_from_json_and_back() {
        let json = r#"{"all": [{"field": "city", "equals": "Campinas"},
            {"any": [{"field": "kind", "in": ["person"]}, {"not": {"field": "seller", "is_empty": true}}]},
            {"field": "created_at", "relative": {"from": -30, "to": null}}]}"#;
        let filter: Filter<Demo> = serde_json::from_str(json).expect("parses");
        assert_eq!(
            filter,
            Filter::all(vec![
                Filter::is(Demo::City, Test::Equals(Value::text("Campinas"))),
                Filter::Any {
                    any: vec![
                        Filter::is(Demo::Kind, Test::In(vec![Value::text("person")])),
                        Filter::Not { not: Box::new(Filter::is(Demo::Seller, Test::IsEmpty(true))) },
                    ]
                },
                Filter::is(Demo::CreatedAt, Test::Relative { from: Some(-30), to: None }),
            ])
        );
        assert_eq!(filter.check(), Ok(()));
        let again: Filter<Demo> =
            serde_json::from_value(serde_json::to_value(&filter).expect("json")).expect("reads");
        assert_eq!(again, filter);
    }

    #[test]
    fn tests_that_do_not_fit_their_field_are_refused_by_name() {
        let refused = [
            Filter::is(Demo::Kind, Test::Equals(Value::text("robot"))),
            Filter::is(Demo::Seller, Test::Equals(Value::text("not-an-id"))),
            Filter::is(Demo::Seller, Test::Contains("ana".into())),
            Filter::is(Demo::City, Test::Relative { from: Some(-1), to: None }),
            Filter::is(Demo::CreatedAt, Test::Equals(Value::text("31/12/2026"))),
            Filter::is(Demo::City, Test::In(Vec::new())),
            Filter::is(Demo::City, Test::Contains("  ".into())),
        ];
        for filter in refused {
            let field = match &filter {
                Filter::Is(p) => p.field.name(),
                _ => unreachable!(),
            };
            assert_eq!(
                filter.check(),
                Err((format!("filter.{field}"), "error-filter-invalid")),
                "{filter:?}"
            );
        }
        let unknown: Result<Filter<Demo>, _> =
            serde_json::from_str(r#"{"field": "password", "equals": "x"}"#);
        assert!(unknown.is_err(), "an unknown field does not parse");
    }

    #[test]
    fn a_tree_too_deep_is_refused() {
        let mut filter = Filter::is(Demo::City, Test::Equals(Value::text("Recife")));
        for _ in 0..=MAX_DEPTH {
            filter = Filter::Not { not: Box::new(filter) };
        }
        assert_eq!(filter.check(), Err(("filter".into(), "error-filter-too-deep")));
    }
}

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
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value as Json;

/// Read by hand ([`Filter::from_json`]): a node is exactly one of its
/// shapes, so what the API document describes and what the server takes
/// are the same trees (a derived reading would ignore extra keys and take
/// arrays for objects).
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Predicate<F> {
    pub field: F,
    #[serde(flatten)]
    pub test: Test,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Number(i64),
    Text(String),
}

/// What a field holds, which decides the tests it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Text compared as people read it (case and accents ignored).
    Text,
    /// One of a fixed list of codes.
    Code(&'static [&'static str]),
    /// A code of the organisation's own lists (a status, a UF): any text
    /// with something besides spaces may be asked for.
    OwnCode,
    /// A record's id (a seller, a branch).
    Id,
    Date,
    Number,
    /// A day of the year as `MM-DD` (birthdays); a range may run across
    /// the year's end (`12-20` to `01-10`).
    MonthDay,
    /// Yes or no.
    Flag,
    /// Only whether there is one (`is_empty`): an e-mail.
    Presence,
}

/// The tests a field of this kind takes.
impl FieldKind {
    pub fn tests(self) -> &'static [TestName] {
        use TestName::*;
        match self {
            FieldKind::Text => &[Equals, In, Range, Contains, Prefix, IsEmpty],
            FieldKind::Code(_) | FieldKind::OwnCode | FieldKind::Id | FieldKind::Flag => {
                &[Equals, In, IsEmpty]
            }
            FieldKind::Date => &[Equals, In, Range, IsEmpty, Relative],
            FieldKind::Number | FieldKind::MonthDay => &[Equals, In, Range, IsEmpty],
            FieldKind::Presence => &[IsEmpty],
        }
    }
}

/// A test's key in a tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestName {
    Equals,
    In,
    Range,
    Contains,
    Prefix,
    IsEmpty,
    Relative,
}

impl TestName {
    pub const ALL: [TestName; 7] = [
        TestName::Equals,
        TestName::In,
        TestName::Range,
        TestName::Contains,
        TestName::Prefix,
        TestName::IsEmpty,
        TestName::Relative,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TestName::Equals => "equals",
            TestName::In => "in",
            TestName::Range => "range",
            TestName::Contains => "contains",
            TestName::Prefix => "prefix",
            TestName::IsEmpty => "is_empty",
            TestName::Relative => "relative",
        }
    }
}

impl Test {
    pub fn name(&self) -> TestName {
        match self {
            Test::Equals(_) => TestName::Equals,
            Test::In(_) => TestName::In,
            Test::Range { .. } => TestName::Range,
            Test::Contains(_) => TestName::Contains,
            Test::Prefix(_) => TestName::Prefix,
            Test::IsEmpty(_) => TestName::IsEmpty,
            Test::Relative { .. } => TestName::Relative,
        }
    }
}

/// A list's fields: their names, kinds and how a value reads.
pub trait Field: Copy + 'static {
    /// Every field, in the order a document lists them.
    const FIELDS: &'static [Self];
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
        let fits_all = kind.tests().contains(&self.test.name())
            && match &self.test {
                Test::Equals(value) => value_fits(value),
                Test::In(values) => !values.is_empty() && values.iter().all(value_fits),
                Test::Range { from, to } => {
                    (from.is_some() || to.is_some()) && from.iter().chain(to.iter()).all(value_fits)
                }
                Test::Contains(text) | Test::Prefix(text) => !text.trim().is_empty(),
                Test::IsEmpty(_) => true,
                Test::Relative { from, to } => from.is_some() || to.is_some(),
            };
        if fits_all { Ok(()) } else { Err("error-filter-invalid") }
    }
}

fn fits(kind: FieldKind, value: &Value) -> bool {
    match (kind, value) {
        (FieldKind::Text, Value::Text(_)) => true,
        (FieldKind::Code(known), Value::Text(code)) => known.contains(&code.as_str()),
        (FieldKind::OwnCode, Value::Text(code)) => !code.trim().is_empty(),
        // Written the one way the document gives (uuid also reads braces
        // and URNs; chrono a one-digit month).
        (FieldKind::Id, Value::Text(id)) => id.len() == 36 && uuid::Uuid::parse_str(id).is_ok(),
        (FieldKind::Date, Value::Text(date)) => {
            date.len() == 10 && NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
        }
        (FieldKind::Number, Value::Number(_)) => true,
        (FieldKind::MonthDay, Value::Text(day)) => month_day(day).is_some(),
        (FieldKind::Flag, Value::Bool(_)) => true,
        _ => false,
    }
}

/// A day of the year written `MM-DD`, as `(month, day)`; 29 February is one.
pub fn month_day(text: &str) -> Option<(u32, u32)> {
    let (month, day) = text.split_once('-')?;
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(month) || !two_digits(day) {
        return None;
    }
    let (month, day) = (month.parse().ok()?, day.parse().ok()?);
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| (month, day))
}

impl<'de, F: DeserializeOwned> Deserialize<'de> for Filter<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Filter<F>, D::Error> {
        Filter::from_json(Json::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

impl<F: DeserializeOwned> Filter<F> {
    /// A tree from JSON: every node an object holding exactly `all`,
    /// `any` or `not`, or `field` and one test.
    pub fn from_json(node: Json) -> Result<Filter<F>, String> {
        let Json::Object(mut keys) = node else {
            return Err("a filter is an object".into());
        };
        if let Some(field) = keys.remove("field") {
            let field = F::deserialize(field).map_err(|e| e.to_string())?;
            let mut tests = keys.into_iter();
            return match (tests.next(), tests.next()) {
                (Some((name, payload)), None) => {
                    Ok(Filter::Is(Predicate { field, test: Test::from_json(&name, payload)? }))
                }
                _ => Err("a field takes exactly one test".into()),
            };
        }
        let mut shapes = keys.into_iter();
        match (shapes.next(), shapes.next()) {
            (Some((name, inner)), None) => match (name.as_str(), inner) {
                ("all", Json::Array(branches)) => Ok(Filter::All {
                    all: branches.into_iter().map(Filter::from_json).collect::<Result<_, _>>()?,
                }),
                ("any", Json::Array(branches)) => Ok(Filter::Any {
                    any: branches.into_iter().map(Filter::from_json).collect::<Result<_, _>>()?,
                }),
                ("not", inner) => Ok(Filter::Not { not: Box::new(Filter::from_json(inner)?) }),
                (name, _) => Err(format!("`{name}` is not a filter")),
            },
            _ => Err("a filter holds `all`, `any`, `not`, or `field` and one test".into()),
        }
    }
}

impl Test {
    fn from_json(name: &str, payload: Json) -> Result<Test, String> {
        let wrong = || format!("`{name}` does not take this value");
        Ok(match (name, payload) {
            ("equals", value) => Test::Equals(Value::from_json(value).ok_or_else(wrong)?),
            ("in", Json::Array(values)) => {
                Test::In(values.into_iter().map(Value::from_json).collect::<Option<_>>().ok_or_else(wrong)?)
            }
            ("range", ends) => {
                let (from, to) = read_ends(ends, Value::from_json).ok_or_else(wrong)?;
                Test::Range { from, to }
            }
            ("contains", Json::String(text)) => Test::Contains(text),
            ("prefix", Json::String(text)) => Test::Prefix(text),
            ("is_empty", Json::Bool(empty)) => Test::IsEmpty(empty),
            ("relative", ends) => {
                let days = |day: Json| day.as_i64().and_then(|d| i32::try_from(d).ok());
                let (from, to) = read_ends(ends, days).ok_or_else(wrong)?;
                Test::Relative { from, to }
            }
            _ => return Err(wrong()),
        })
    }
}

/// `{"from": …, "to": …}`, either left out or null when open.
fn read_ends<T>(ends: Json, read: impl Fn(Json) -> Option<T>) -> Option<(Option<T>, Option<T>)> {
    let Json::Object(ends) = ends else { return None };
    let (mut from, mut to) = (None, None);
    for (name, end) in ends {
        let end = if end.is_null() { None } else { Some(read(end)?) };
        match name.as_str() {
            "from" => from = end,
            "to" => to = end,
            _ => return None,
        }
    }
    Some((from, to))
}

impl Value {
    fn from_json(value: Json) -> Option<Value> {
        match value {
            Json::Bool(flag) => Some(Value::Bool(flag)),
            Json::Number(number) => number.as_i64().map(Value::Number),
            Json::String(text) => Some(Value::Text(text)),
            _ => None,
        }
    }

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
        const FIELDS: &'static [Demo] = &[Demo::City, Demo::Kind, Demo::Seller, Demo::CreatedAt];

        fn kind(self) -> FieldKind {
            match self {
                Demo::City => FieldKind::Text,
                Demo::Kind => FieldKind::Code(&["person", "company"]),
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
    fn a_node_is_exactly_one_of_its_shapes() {
        let refused = [
            r#"[[]]"#,
            r#"{"all": [], "any": []}"#,
            r#"{"all": {}}"#,
            r#"{"not": [{"field": "city", "equals": "x"}]}"#,
            r#"{"field": "city"}"#,
            r#"{"field": "city", "equals": "x", "contains": "y"}"#,
            r#"{"field": "city", "equals": "x", "note": 1}"#,
            r#"{"field": "city", "range": ["a", "b"]}"#,
            r#"{"field": "city", "range": {"from": "a", "until": "b"}}"#,
            r#"{"field": "created_at", "relative": {"from": 2147483648}}"#,
            r#"{"field": "city", "equals": 1.5}"#,
            r#"{"field": "city", "equals": null}"#,
            r#"{"field": "city", "is_empty": "yes"}"#,
            r#"{}"#,
        ];
        for json in refused {
            assert!(serde_json::from_str::<Filter<Demo>>(json).is_err(), "{json}");
        }
        let open_end: Filter<Demo> =
            serde_json::from_str(r#"{"field": "city", "range": {"from": null, "to": "M"}}"#).expect("reads");
        assert_eq!(open_end, Filter::is(Demo::City, Test::Range { from: None, to: Some(Value::text("M")) }));
    }

    #[test]
    fn values_are_written_one_way() {
        let refused = [
            Filter::is(Demo::Kind, Test::Equals(Value::text(" person"))),
            Filter::is(Demo::Seller, Test::Equals(Value::text("{67e55044-10b1-426f-9247-bb680e5fe0c8}"))),
            Filter::is(Demo::CreatedAt, Test::Equals(Value::text("2026-1-05"))),
            Filter::is(Demo::Kind, Test::Range { from: Some(Value::text("company")), to: None }),
        ];
        for filter in refused {
            assert!(filter.check().is_err(), "{filter:?}");
        }
        assert_eq!(month_day("+1-05"), None);
        assert_eq!(month_day("02-29"), Some((2, 29)));
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

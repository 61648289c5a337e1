//! How one value passes a clause's test, exactly as the SQL compiler
//! (`db::repo::engine`) writes it, three-valued logic included: `None`
//! is SQL's unknown. Whatever depends only on the test and the day (a
//! text's normal form, the days an age or a delay is counted from) is
//! worked out once per clause, not once per customer.
use chrono::{Datelike, Months, NaiveDate};
use domain::filter::{Test, Value};
use uuid::Uuid;

pub(super) fn wanted(test: &Test) -> bool {
    matches!(test, Test::Equals(Value::Bool(true)))
}

pub(super) fn trimmed_lower(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The test with its values normalised as the column is stored, once.
pub(super) fn prepare(test: &Test, normalise: fn(&str) -> String) -> Test {
    let value = |v: &Value| match v {
        Value::Text(text) => Value::Text(normalise(text)),
        other => other.clone(),
    };
    match test {
        Test::Equals(v) => Test::Equals(value(v)),
        Test::In(values) => Test::In(values.iter().map(value).collect()),
        Test::Range { from, to } => {
            Test::Range { from: from.as_ref().map(value), to: to.as_ref().map(value) }
        }
        Test::Contains(text) => Test::Contains(normalise(text)),
        Test::Prefix(text) => Test::Prefix(normalise(text)),
        other => other.clone(),
    }
}

/// A text test as `db::filter::column_test` writes it (`LIKE` for
/// contains and prefix), on a test already [`prepare`]d.
pub(super) fn prepared_text_test(value: Option<&str>, test: &Test) -> Option<bool> {
    match test {
        Test::IsEmpty(empty) => Some(value.is_none_or(str::is_empty) == *empty),
        Test::Equals(v) => Some(value? == v.as_text()?),
        Test::In(values) => {
            let value = value?;
            Some(values.iter().filter_map(Value::as_text).any(|v| v == value))
        }
        Test::Contains(text) => Some(value?.contains(text.as_str())),
        Test::Prefix(text) => Some(value?.starts_with(text.as_str())),
        Test::Range { from, to } => {
            let value = value?;
            let lower = from.as_ref().and_then(Value::as_text).map(|f| value >= f);
            let upper = to.as_ref().and_then(Value::as_text).map(|t| value <= t);
            both(lower, upper)
        }
        Test::Relative { .. } => Some(false),
    }
}

pub(super) fn id_test(value: Option<Uuid>, test: &Test) -> Option<bool> {
    match test {
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        Test::Equals(v) => Some(value? == v.as_id()?),
        Test::In(values) => {
            let value = value?;
            Some(values.iter().filter_map(Value::as_id).any(|v| v == value))
        }
        _ => Some(false),
    }
}

pub(super) fn number_test(value: Option<i64>, test: &Test) -> Option<bool> {
    let number = |v: &Value| match v {
        Value::Number(n) => Some(*n),
        _ => None,
    };
    match test {
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        Test::Equals(v) => Some(value? == number(v)?),
        Test::In(values) => {
            let value = value?;
            Some(values.iter().filter_map(number).any(|v| v == value))
        }
        Test::Range { from, to } => {
            let value = value?;
            both(
                from.as_ref().and_then(number).map(|f| value >= f),
                to.as_ref().and_then(number).map(|t| value <= t),
            )
        }
        _ => Some(false),
    }
}

/// A test of a day (the local day of an instant; days from the common
/// era) against dates, as `day_range` reads it, with its dates turned
/// into day numbers once.
pub(super) enum DayTest {
    Empty(bool),
    /// `None`: the value is not a date, unknown for everyone.
    On(Option<i32>),
    /// Relative ends are days from today.
    Between {
        from: Option<i64>,
        to: Option<i64>,
        relative: bool,
    },
    In(Vec<i32>),
    Never,
}

impl DayTest {
    pub(super) fn new(test: &Test) -> DayTest {
        let day_of = |v: &Value| v.as_date().map(|d| d.num_days_from_ce());
        let end = |v: &Option<Value>| v.as_ref().and_then(day_of).map(i64::from);
        match test {
            Test::IsEmpty(empty) => DayTest::Empty(*empty),
            Test::Equals(v) => DayTest::On(day_of(v)),
            Test::Range { from, to } => DayTest::Between { from: end(from), to: end(to), relative: false },
            Test::Relative { from, to } => {
                DayTest::Between { from: from.map(i64::from), to: to.map(i64::from), relative: true }
            }
            Test::In(days) => DayTest::In(days.iter().filter_map(day_of).collect()),
            _ => DayTest::Never,
        }
    }

    pub(super) fn of(&self, value: Option<i32>, today: i32) -> Option<bool> {
        match self {
            DayTest::Empty(empty) => Some(value.is_none() == *empty),
            DayTest::On(day) => Some(value? == (*day)?),
            DayTest::Between { from, to, relative } => {
                let value = i64::from(value?);
                let shift = if *relative { i64::from(today) } else { 0 };
                both(from.map(|f| value >= f + shift), to.map(|t| value <= t + shift))
            }
            DayTest::In(days) => {
                let value = value?;
                Some(days.contains(&value))
            }
            DayTest::Never => Some(false),
        }
    }
}

/// Both ends, as SQL's AND of two comparisons; no end at all holds.
pub(super) fn both(lower: Option<bool>, upper: Option<bool>) -> Option<bool> {
    match (lower, upper) {
        (Some(l), Some(u)) => Some(l && u),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => Some(true),
    }
}

pub(super) fn month_day_test(date: Option<NaiveDate>, test: &Test) -> Option<bool> {
    let value = date.map(|d| format!("{:02}-{:02}", d.month(), d.day()));
    let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_text).map(str::to_string);
    match test {
        Test::Equals(Value::Text(day)) => Some(value? == *day),
        Test::In(days) => {
            let value = value?;
            Some(days.iter().filter_map(Value::as_text).any(|d| d == value))
        }
        Test::Range { from, to } => match (text(from), text(to)) {
            (Some(from), Some(to)) if from > to => {
                let value = value?;
                Some(value >= from || value <= to)
            }
            (Some(from), Some(to)) => {
                let value = value?;
                Some(value >= from && value <= to)
            }
            (Some(from), None) => Some(value? >= from),
            (None, Some(to)) => Some(value? <= to),
            (None, None) => Some(value.is_some()),
        },
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        _ => Some(false),
    }
}

/// A day of the year as a small number (`month × 32 + day`; 0: none),
/// so a birthday clause reads a table, not a date.
pub(super) fn month_day(date: Option<NaiveDate>) -> u16 {
    date.map_or(0, |d| (d.month() * 32 + d.day()) as u16)
}

/// The birthday test's verdict for every [`month_day`].
pub(super) fn month_day_verdicts(test: &Test) -> Vec<Option<bool>> {
    let mut verdicts = vec![Some(false); 13 * 32];
    verdicts[0] = month_day_test(None, test);
    // A leap year has every day of the year.
    let mut day = NaiveDate::from_ymd_opt(2000, 1, 1);
    while let Some(d) = day.filter(|d| d.year() == 2000) {
        verdicts[usize::from(month_day(Some(d)))] = month_day_test(Some(d), test);
        day = d.succ_opt();
    }
    verdicts
}

/// An age test as bounds on the day of birth, worked out once for the day.
pub(super) enum AgeTest {
    /// At least (the latest day of birth, if there is one) and at most
    /// (the earliest day after which one was born, if there is one).
    Bounds {
        at_least: Option<Option<i32>>,
        at_most: Option<Option<i32>>,
    },
    Empty(bool),
    Never,
}

impl AgeTest {
    pub(super) fn new(test: &Test, today: NaiveDate) -> AgeTest {
        let years_ago = |years: i64| {
            u32::try_from(years)
                .ok()
                .and_then(|y| today.checked_sub_months(Months::new(y.saturating_mul(12))))
                .map(|day| day.num_days_from_ce())
        };
        let number = |v: &Option<Value>| match v {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        };
        match test {
            Test::Equals(Value::Number(n)) => AgeTest::Bounds {
                at_least: Some(years_ago(*n)),
                at_most: Some(years_ago(n.saturating_add(1))),
            },
            Test::Range { from, to } => AgeTest::Bounds {
                at_least: number(from).map(years_ago),
                at_most: number(to).map(|n| years_ago(n.saturating_add(1))),
            },
            Test::IsEmpty(empty) => AgeTest::Empty(*empty),
            _ => AgeTest::Never,
        }
    }

    /// Born on the day (days from the common era), if known.
    pub(super) fn of(&self, born: Option<i32>) -> Option<bool> {
        match self {
            AgeTest::Never => Some(false),
            AgeTest::Empty(empty) => Some(born.is_none() == *empty),
            AgeTest::Bounds { at_least, at_most } => {
                let old_enough = |day: Option<i32>| day.map_or(Some(false), |day| Some(born? <= day));
                let young_enough =
                    |day: Option<i32>| day.map_or(Some(born.is_some()), |day| Some(born? > day));
                match (at_least.map(old_enough), at_most.map(young_enough)) {
                    (Some(l), Some(u)) => kleene_and(l, u),
                    (Some(one), None) | (None, Some(one)) => one,
                    (None, None) => Some(born.is_some()),
                }
            }
        }
    }
}

/// The oldest open installment due on `due`, counted on `today` (both days from the common era).
pub(super) fn days_overdue_test(due: Option<i32>, test: &Test, today: i32) -> Option<bool> {
    let (due, today) = (due.map(i64::from), i64::from(today));
    let at_least = |n: i64| if n <= 0 { Some(true) } else { Some(due? <= today.saturating_sub(n)) };
    let at_most = |n: i64| {
        if n < 0 {
            return Some(false);
        }
        Some(due.is_none_or(|due| due >= today.saturating_sub(n)))
    };
    number_range(test, at_least, at_most)
}

pub(super) fn average_delay_test(total: i64, paid: i64, test: &Test) -> Option<bool> {
    let at_least = |n: i64| Some(total >= n * paid && (n <= 0 || paid > 0));
    let at_most = |n: i64| Some(total <= n * paid);
    number_range(test, at_least, at_most)
}

pub(super) fn number_range(
    test: &Test,
    at_least: impl Fn(i64) -> Option<bool>,
    at_most: impl Fn(i64) -> Option<bool>,
) -> Option<bool> {
    let number = |v: &Option<Value>| match v {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    };
    match test {
        Test::Equals(Value::Number(n)) => kleene_and(at_least(*n), at_most(*n)),
        Test::Range { from, to } => match (number(from).map(&at_least), number(to).map(&at_most)) {
            (Some(l), Some(u)) => kleene_and(l, u),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => Some(true),
        },
        _ => Some(false),
    }
}

pub(super) fn kleene_and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

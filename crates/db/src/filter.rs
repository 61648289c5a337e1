//! The one compiler from a [`Filter`] tree to a sea-query condition, with
//! bound values only. A list says how each of its fields reads in SQL
//! ([`FieldSql`]): a column, or a subquery over its child rows; the
//! tests themselves are compiled here the same way for every list.
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::filter::{Field, Filter, Test, Value};
use sea_query::{Cond, Condition, Expr, ExprTrait, LikeExpr, SimpleExpr};

/// When and where a filter is read: relative dates count from `today`,
/// and a day of instants runs from midnight to midnight in `zone` (the
/// organisation's), not in UTC.
#[derive(Clone, Copy, Debug)]
pub struct Calendar {
    pub today: NaiveDate,
    pub zone: Tz,
}

impl Calendar {
    pub fn at(now: DateTime<Utc>, zone: Tz) -> Calendar {
        Calendar { today: now.with_timezone(&zone).date_naive(), zone }
    }

    /// The instant a day starts (the first valid local time, across a
    /// daylight-saving gap).
    pub(crate) fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        match self.zone.from_local_datetime(&midnight).earliest() {
            Some(local) => local.with_timezone(&Utc),
            None => (midnight + Duration::hours(1)).and_utc(),
        }
    }
}

/// How one list's fields read in SQL.
pub trait FieldSql<F: Field> {
    /// The condition `test` makes on `field`.
    fn predicate(&self, field: F, test: &Test, calendar: Calendar) -> SimpleExpr;
}

/// The condition a whole tree makes.
pub fn condition<F: Field>(filter: &Filter<F>, fields: &impl FieldSql<F>, calendar: Calendar) -> Condition {
    match filter {
        Filter::All { all } => {
            all.iter().fold(Cond::all(), |cond, f| cond.add(condition(f, fields, calendar)))
        }
        // An empty `any` selects nothing, as an empty OR is false.
        Filter::Any { any } if any.is_empty() => Cond::all().add(Expr::val(1).eq(0)),
        Filter::Any { any } => {
            any.iter().fold(Cond::any(), |cond, f| cond.add(condition(f, fields, calendar)))
        }
        Filter::Not { not } => condition(not, fields, calendar).not(),
        Filter::Is(predicate) => {
            Cond::all().add(fields.predicate(predicate.field, &predicate.test, calendar))
        }
    }
}

/// How a value is written into SQL for one column.
#[derive(Clone, Copy)]
pub enum ColumnKind {
    /// Text as the column stores it, after `normalise` (folded, upper-cased).
    Text(fn(&str) -> String),
    Uuid,
    /// A calendar date (`DATE`).
    Date,
    /// An instant (`TIMESTAMPTZ`), compared by the day in UTC.
    Instant,
    Number,
}

/// A test on one column: what most fields are.
pub fn column_test(column: SimpleExpr, kind: ColumnKind, test: &Test, calendar: Calendar) -> SimpleExpr {
    let bound = |value: &Value| bind(kind, value);
    match test {
        Test::Equals(value) => match kind {
            ColumnKind::Instant => day_range(column, calendar, value.as_date(), value.as_date()),
            _ => column.eq(bound(value)),
        },
        Test::In(values) => column.is_in(values.iter().map(bound)),
        Test::Range { from, to } => match kind {
            ColumnKind::Instant => day_range(
                column,
                calendar,
                from.as_ref().and_then(Value::as_date),
                to.as_ref().and_then(Value::as_date),
            ),
            _ => {
                let lower = from.as_ref().map(|v| column.clone().gte(bound(v)));
                let upper = to.as_ref().map(|v| column.clone().lte(bound(v)));
                both(lower, upper)
            }
        },
        Test::Contains(text) => like(column, kind, text, true),
        Test::Prefix(text) => like(column, kind, text, false),
        Test::IsEmpty(empty) => {
            let none = match kind {
                ColumnKind::Text(_) => column.clone().is_null().or(column.eq("")),
                _ => column.is_null(),
            };
            if *empty { none } else { none.not() }
        }
        Test::Relative { from, to } => {
            let day =
                |offset: &Option<i32>| offset.map(|days| calendar.today + Duration::days(i64::from(days)));
            match kind {
                ColumnKind::Instant => day_range(column, calendar, day(from), day(to)),
                _ => {
                    let lower = day(from).map(|d| column.clone().gte(d));
                    let upper = day(to).map(|d| column.clone().lte(d));
                    both(lower, upper)
                }
            }
        }
    }
}

/// The value as the column compares it; a value that does not read as the
/// column's kind (refused earlier by `Filter::check`) matches nothing.
fn bind(kind: ColumnKind, value: &Value) -> SimpleExpr {
    match (kind, value) {
        (ColumnKind::Text(normalise), Value::Text(text)) => Expr::val(normalise(text)).into(),
        (ColumnKind::Uuid, _) => value.as_id().map_or_else(nothing, |id| Expr::val(id).into()),
        (ColumnKind::Date | ColumnKind::Instant, _) => {
            value.as_date().map_or_else(nothing, |d| Expr::val(d).into())
        }
        (ColumnKind::Number, Value::Number(n)) => Expr::val(*n).into(),
        _ => nothing(),
    }
}

fn nothing() -> SimpleExpr {
    Expr::cust("NULL")
}

/// Instants from the start of `from` to the end of `to`, local days.
fn day_range(
    column: SimpleExpr,
    calendar: Calendar,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> SimpleExpr {
    let lower = from.map(|day| column.clone().gte(calendar.start_of(day)));
    let upper = to.map(|day| column.clone().lt(calendar.start_of(day + Duration::days(1))));
    both(lower, upper)
}

fn both(lower: Option<SimpleExpr>, upper: Option<SimpleExpr>) -> SimpleExpr {
    match (lower, upper) {
        (Some(lower), Some(upper)) => lower.and(upper),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => Expr::val(1).eq(1),
    }
}

/// `LIKE` with the user's `%` and `_` taken literally.
fn like(column: SimpleExpr, kind: ColumnKind, text: &str, anywhere: bool) -> SimpleExpr {
    let normalised = match kind {
        ColumnKind::Text(normalise) => normalise(text),
        _ => text.to_string(),
    };
    let escaped = normalised.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = if anywhere { format!("%{escaped}%") } else { format!("{escaped}%") };
    column.like(LikeExpr::new(pattern).escape('\\'))
}

//! The relationship engine in SQL: what a [`Segment`] selects, its counts
//! per consent channel, and its result grid. The same question the
//! in-memory engine answers; this is the path for exports and the one it
//! is checked against.
pub mod call_list;
pub mod report;
pub mod segment;

use super::party::{Scope, col, reachable};
use super::{fetch_all, fetch_optional};
use crate::filter::{self, Calendar, ColumnKind, FieldSql};
use crate::{Db, DbError};
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use domain::engine::{EngineField, EngineSort, Operation, PurchaseWindow, Removal, Segment};
use domain::filter::{Test, Value};
use domain::party::sort_name;
use domain::search::fold;
use sea_query::{Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr};
use uuid::Uuid;

/// A segment as one organisation's reader asks it, on one day.
#[derive(Clone, Debug)]
pub struct EngineQuery {
    pub scope: Scope,
    pub segment: Segment,
    pub calendar: Calendar,
}

/// How many customers a segment selects, and how many of them let the
/// store reach them by each channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct EngineCount {
    pub total: i64,
    pub sms_whatsapp: i64,
    pub email: i64,
    pub phone: i64,
    pub letter: i64,
}

/// A row of the result grid [clientes encontrados].
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EngineRow {
    pub id: Uuid,
    pub full_name: String,
    pub version: i64,
    pub first_phone: Option<String>,
    pub second_phone: Option<String>,
    pub last_contact: Option<DateTime<Utc>>,
    pub oldest_open_due: Option<NaiveDate>,
    pub points_balance: i64,
    pub total_bought: i64,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
}

/// The ids of the customers selected, in name order, at most the segment's limit.
fn selected_ids(query: &EngineQuery) -> SelectStatement {
    let fields = EngineFields { org_id: query.scope.org_id.0, window: query.segment.window.clone() };
    let mut select = Query::select();
    select
        .column((col("parties"), col("id")))
        .from(col("parties"))
        .cond_where(reachable(&query.scope))
        .and_where(Expr::col((col("parties"), col("archived_at"))).is_null())
        .cond_where(filter::condition(&query.segment.filter, &fields, query.calendar));
    for removal in &query.segment.remove {
        select.and_where(fields.had(removal, query.calendar).not());
    }
    if let Some(limit) = query.segment.limit {
        select
            .order_by((col("parties"), col("sort_name")), Order::Asc)
            .order_by((col("parties"), col("id")), Order::Asc)
            .limit(u64::from(limit));
    }
    select
}

/// The count and the count per channel, in one pass.
pub async fn count(db: &Db, query: &EngineQuery) -> Result<EngineCount, DbError> {
    Ok(fetch_optional(db, &count_statement(query)).await?.unwrap_or_default())
}

fn count_statement(query: &EngineQuery) -> SelectStatement {
    let channel = |name: &str| {
        Expr::cust(format!("CAST(COALESCE(SUM(CASE WHEN p.consent_{name} THEN 1 ELSE 0 END), 0) AS BIGINT)"))
    };
    let mut counted = Query::select();
    counted
        .expr_as(Expr::cust("COUNT(*)"), col("total"))
        .expr_as(channel("sms_whatsapp"), col("sms_whatsapp"))
        .expr_as(channel("email"), col("email"))
        .expr_as(channel("phone"), col("phone"))
        .expr_as(channel("letter"), col("letter"))
        .from_subquery(selected_ids(query), col("chosen"))
        .join_as(
            sea_query::JoinType::InnerJoin,
            col("parties"),
            col("p"),
            Expr::col((col("p"), col("id"))).equals((col("chosen"), col("id"))),
        );
    counted
}

/// Rows `offset..offset + limit` of the result, sorted by `sort`.
pub async fn page(
    db: &Db,
    query: &EngineQuery,
    sort: EngineSort,
    descending: bool,
    offset: u64,
    limit: u64,
) -> Result<Vec<EngineRow>, DbError> {
    fetch_all(db, &page_statement(query, sort, descending, offset, limit)).await
}

fn page_statement(
    query: &EngineQuery,
    sort: EngineSort,
    descending: bool,
    offset: u64,
    limit: u64,
) -> SelectStatement {
    let order = if descending { Order::Desc } else { Order::Asc };
    let mut rows = Query::select();
    rows.expr(Expr::cust(ROW_COLUMNS))
        .from_as(col("parties"), col("p"))
        .and_where(Expr::col((col("p"), col("id"))).in_subquery(selected_ids(query)));
    // PostgreSQL sorts by a column's alias only when it stands alone, so
    // the last contact is sorted by its expression.
    let sort_column = match sort {
        EngineSort::Name => None,
        EngineSort::LastContact => Some(LAST_CONTACT),
        // The oldest open due date first is the longest overdue first.
        EngineSort::DaysOverdue => Some("p.oldest_open_due"),
        EngineSort::Points => Some("p.points_balance"),
        EngineSort::TotalBought => Some("p.total_bought"),
        EngineSort::LastPurchase => Some("p.last_purchase_at"),
    };
    if let Some(column) = sort_column {
        let order = if sort == EngineSort::DaysOverdue { reverse(order.clone()) } else { order.clone() };
        // Customers without a value go last either way.
        rows.order_by_expr(Expr::cust(format!("CASE WHEN {column} IS NULL THEN 1 ELSE 0 END")), Order::Asc)
            .order_by_expr(Expr::cust(column), order);
    }
    rows.order_by((col("p"), col("sort_name")), order.clone())
        .order_by((col("p"), col("id")), order)
        .offset(offset)
        .limit(limit);
    rows
}

/// Every customer the segment selects, by name: what an export walks,
/// reading the rows a thousand at a time with [`rows_of`].
pub async fn ids_by_name(db: &Db, query: &EngineQuery) -> Result<Vec<Uuid>, DbError> {
    let mut ids = Query::select();
    ids.column((col("p"), col("id")))
        .from_as(col("parties"), col("p"))
        .and_where(Expr::col((col("p"), col("id"))).in_subquery(selected_ids(query)))
        .order_by((col("p"), col("sort_name")), Order::Asc)
        .order_by((col("p"), col("id")), Order::Asc);
    let rows: Vec<(Uuid,)> = fetch_all(db, &ids).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The grid's rows of these customers (a page the index chose), in no order.
pub async fn rows_of(db: &Db, org_id: domain::OrgId, ids: &[Uuid]) -> Result<Vec<EngineRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = Query::select();
    rows.expr(Expr::cust(ROW_COLUMNS))
        .from_as(col("parties"), col("p"))
        .and_where(Expr::col((col("p"), col("org_id"))).eq(org_id.0))
        .and_where(Expr::col((col("p"), col("id"))).is_in(ids.iter().copied()));
    fetch_all(db, &rows).await
}

fn reverse(order: Order) -> Order {
    match order {
        Order::Asc => Order::Desc,
        _ => Order::Asc,
    }
}

/// A customer's last contact: his latest interaction (a telemarketing
/// occurrence is one).
macro_rules! last_contact {
    () => {
        "(SELECT MAX(i.created_at) FROM interactions i WHERE i.org_id = p.org_id AND i.party_id = p.id)"
    };
}
const LAST_CONTACT: &str = last_contact!();

const ROW_COLUMNS: &str = concat!(
    "p.id, p.full_name, p.version, p.first_phone, \
    (SELECT ph.e164 FROM party_phones ph WHERE ph.party_id = p.id ORDER BY ph.position LIMIT 1 OFFSET 1) AS second_phone, ",
    last_contact!(),
    " AS last_contact, \
    p.oldest_open_due, p.points_balance, p.total_bought, p.last_purchase_at, \
    p.consent_sms_whatsapp, p.consent_email, p.consent_phone, p.consent_letter"
);

/// How the engine's fields read in SQL, for one organisation and window.
struct EngineFields {
    org_id: Uuid,
    window: PurchaseWindow,
}

fn party(column: &str) -> SimpleExpr {
    Expr::col((col("parties"), col(column))).into()
}

fn lower(column: SimpleExpr) -> SimpleExpr {
    Func::lower(column).into()
}

fn trimmed_lower(text: &str) -> String {
    text.trim().to_lowercase()
}

impl FieldSql<EngineField> for EngineFields {
    fn predicate(&self, field: EngineField, test: &Test, calendar: Calendar) -> SimpleExpr {
        use EngineField::*;
        let as_is: fn(&str) -> String = |text| text.trim().to_string();
        let (expr, kind) = match field {
            Name => (party("sort_name"), ColumnKind::Text(|t| sort_name(t.trim()))),
            CustomerStatus => (party("customer_status"), ColumnKind::Text(as_is)),
            CreditBureauStatus => (party("credit_bureau_status"), ColumnKind::Text(as_is)),
            Sex => (party("sex"), ColumnKind::Text(as_is)),
            Seller => (party("seller_id"), ColumnKind::Uuid),
            Profession => (lower(party("profession")), ColumnKind::Text(trimmed_lower)),
            FootballTeam => (lower(party("football_team")), ColumnKind::Text(trimmed_lower)),
            Agreement => (lower(party("agreement")), ColumnKind::Text(trimmed_lower)),
            CreditComplement => (lower(party("credit_complement")), ColumnKind::Text(trimmed_lower)),
            ShoeSize => (party("shoe_size"), ColumnKind::Number),
            City => (party("city_key"), ColumnKind::Text(|t| fold(t.trim()))),
            State => (party("state"), ColumnKind::Text(domain::address::canonical_state)),
            RevolvingCredit => (party("revolving_credit_limit"), ColumnKind::Number),
            ConsentSmsWhatsapp | ConsentEmail | ConsentPhone | ConsentLetter => {
                let wanted = matches!(test, Test::Equals(Value::Bool(true)));
                let column = party(field.as_str());
                return if wanted { column.eq(true) } else { column.eq(false) };
            }
            PointsBalance => (party("points_balance"), ColumnKind::Number),
            AvailableCredit => {
                (Expr::cust("(parties.revolving_credit_limit - parties.open_balance)"), ColumnKind::Number)
            }
            Birthday => return month_day_test(party("birth_date"), test),
            SpouseBirthday => return month_day_test(party("spouse_birth_date"), test),
            Age => return age_test(test, calendar),
            DaysOverdue => return days_overdue_test(test, calendar),
            AverageDelay => return average_delay_test(test),
            Neighbourhood => {
                return self.child(
                    "party_addresses",
                    lower(child_column("neighbourhood")),
                    trimmed_lower,
                    test,
                    calendar,
                );
            }
            AddressComplement => {
                return self.child(
                    "party_addresses",
                    lower(child_column("complement")),
                    trimmed_lower,
                    test,
                    calendar,
                );
            }
            Carrier => {
                return self.child(
                    "party_phones",
                    lower(child_column("carrier")),
                    trimmed_lower,
                    test,
                    calendar,
                );
            }
            Phone => return self.child("party_phones", child_column("e164"), digits, test, calendar),
            Email => return self.child("party_emails", child_column("email"), as_is, test, calendar),
            Tag => return self.child("party_tags", child_column("tag"), |t| fold(t.trim()), test, calendar),
            PurchaseCount | TotalBought | LargestPurchase | LastPurchase => {
                return self.purchase_figure(field, test, calendar);
            }
            SaleSeller => return self.has_sale(test, |s| s("seller_id"), calendar, true),
            StoresWithSales => return self.has_sale(test, |s| s("store_id"), calendar, false),
            StoresWithoutSales => return self.has_sale(test, |s| s("store_id"), calendar, false).not(),
            ProductGroup => return self.bought_product("group_id", test, calendar),
            ProductBrand => return self.bought_product("brand_id", test, calendar),
            ProductLine => return self.bought_product("line_id", test, calendar),
            LastCall => {
                let call = Expr::col((col("r"), col("channel"))).eq("call");
                return self.dated("interactions", call, ("created_at", ColumnKind::Instant), test, calendar);
            }
            PointsExpired => {
                let expired = Expr::col((col("r"), col("kind"))).eq("expired");
                return self.dated("points_entries", expired, ("at", ColumnKind::Instant), test, calendar);
            }
            PointsToExpire => {
                let open = Expr::col((col("r"), col("remaining"))).gt(0);
                return self.dated("points_entries", open, ("expires_on", ColumnKind::Date), test, calendar);
            }
        };
        filter::column_test(expr, kind, test, calendar)
    }
}

/// The party is one of the subquery's.
fn holds(rows: SelectStatement) -> SimpleExpr {
    Expr::col((col("parties"), col("id"))).in_subquery(rows)
}

fn child_column(name: &str) -> SimpleExpr {
    Expr::col((col("c"), col(name))).into()
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

impl EngineFields {
    /// The parties of the organisation's `table AS alias` rows (narrowed
    /// by the caller), for [`holds`]: a subquery read once, not once per
    /// party — a correlated `EXISTS` let SQLite probe sales by store for
    /// every customer (minutes at 100,000).
    fn party_ids_of(&self, table: &str, alias: &str) -> SelectStatement {
        let mut rows = Query::select();
        rows.column((col(alias), col("party_id")))
            .from_as(col(table), col(alias))
            .and_where(Expr::col((col(alias), col("org_id"))).eq(self.org_id));
        rows
    }

    /// Some row of `table AS r` that is `which` and whose date passes the test.
    fn dated(
        &self,
        table: &str,
        which: SimpleExpr,
        (column, kind): (&str, ColumnKind),
        test: &Test,
        calendar: Calendar,
    ) -> SimpleExpr {
        let mut rows = self.party_ids_of(table, "r");
        rows.and_where(which).and_where(filter::column_test(
            Expr::col((col("r"), col(column))).into(),
            kind,
            test,
            calendar,
        ));
        holds(rows)
    }

    /// Some child row (`table AS c`) whose column passes the test; "is
    /// empty" asks for no row with a value.
    fn child(
        &self,
        table: &str,
        column: SimpleExpr,
        normalise: fn(&str) -> String,
        test: &Test,
        calendar: Calendar,
    ) -> SimpleExpr {
        let mut rows = self.party_ids_of(table, "c");
        match test {
            Test::IsEmpty(empty) => {
                rows.and_where(column.is_not_null());
                let some = holds(rows);
                if *empty { some.not() } else { some }
            }
            other => {
                rows.and_where(filter::column_test(column, ColumnKind::Text(normalise), other, calendar));
                holds(rows)
            }
        }
    }

    /// The sales the window reads, of this party, not cancelled.
    fn sales_in(&self, calendar: Calendar, with_stores: bool) -> SelectStatement {
        let mut sales = self.party_ids_of("sales", "s");
        sales.and_where(Expr::col((col("s"), col("cancelled_at"))).is_null());
        if with_stores && !self.window.stores.is_empty() {
            sales.and_where(Expr::col((col("s"), col("store_id"))).is_in(self.window.stores.iter().copied()));
        }
        let sold = Expr::col((col("s"), col("sold_at")));
        if let Some(from) = self.window.from {
            sales.and_where(sold.clone().gte(calendar.start_of(from)));
        }
        if let Some(to) = self.window.to {
            sales.and_where(sold.lt(calendar.start_of(to + Duration::days(1))));
        }
        sales
    }

    /// Count, total, largest or last purchase within the window: the
    /// figures kept on the party when the window is everything.
    fn purchase_figure(&self, field: EngineField, test: &Test, calendar: Calendar) -> SimpleExpr {
        let (kept, aggregate, kind) = match field {
            EngineField::PurchaseCount => ("purchase_count", "COUNT(*)", ColumnKind::Number),
            EngineField::TotalBought => ("total_bought", "COALESCE(SUM(s.total), 0)", ColumnKind::Number),
            EngineField::LargestPurchase => {
                ("largest_purchase", "COALESCE(MAX(s.total), 0)", ColumnKind::Number)
            }
            _ => ("last_purchase_at", "MAX(s.sold_at)", ColumnKind::Instant),
        };
        let figure = if self.window.is_everything() {
            party(kept)
        } else {
            let mut sales = self.sales_in(calendar, true);
            sales.clear_selects();
            sales
                .expr(Expr::cust(aggregate))
                .and_where(Expr::col((col("s"), col("party_id"))).equals((col("parties"), col("id"))));
            SimpleExpr::SubQuery(None, Box::new(sales.into_sub_query_statement()))
        };
        filter::column_test(figure, kind, test, calendar)
    }

    /// Some sale in the window (of its stores when `with_stores`) whose
    /// column passes the test.
    fn has_sale(
        &self,
        test: &Test,
        column: impl Fn(&dyn Fn(&str) -> SimpleExpr) -> SimpleExpr,
        calendar: Calendar,
        with_stores: bool,
    ) -> SimpleExpr {
        let sale = |name: &str| -> SimpleExpr { Expr::col((col("s"), col(name))).into() };
        let mut sales = self.sales_in(calendar, with_stores);
        sales.and_where(filter::column_test(column(&sale), ColumnKind::Uuid, test, calendar));
        holds(sales)
    }

    /// Some item of a sale in the window of a product filed under a group,
    /// brand or line of that name.
    fn bought_product(&self, list: &str, test: &Test, calendar: Calendar) -> SimpleExpr {
        let mut sales = self.sales_in(calendar, true);
        let mut products = Query::select();
        products
            .expr(Expr::val(1))
            .from_as(col("sale_items"), col("si"))
            .join_as(
                sea_query::JoinType::InnerJoin,
                col("products"),
                col("pr"),
                Expr::col((col("pr"), col("id"))).equals((col("si"), col("product_id"))),
            )
            .join_as(
                sea_query::JoinType::InnerJoin,
                col("catalogue_lists"),
                col("cl"),
                Expr::col((col("cl"), col("id"))).equals((col("pr"), col(list))),
            )
            .and_where(Expr::col((col("si"), col("sale_id"))).equals((col("s"), col("id"))))
            .and_where(filter::column_test(
                Expr::col((col("cl"), col("name"))).into(),
                ColumnKind::Text(|t| t.trim().to_string()),
                test,
                calendar,
            ));
        sales.and_where(Expr::exists(products));
        holds(sales)
    }

    /// The party had the operation in the period.
    fn had(&self, removal: &Removal, calendar: Calendar) -> SimpleExpr {
        let (table, at, kind_column) = match removal.operation {
            Operation::Sale => ("sales", "sold_at", None),
            Operation::Contact => ("interactions", "created_at", Some("channel")),
            Operation::Message => ("messages", "sent_at", Some("channel")),
        };
        let mut rows = self.party_ids_of(table, "r");
        if removal.operation == Operation::Sale {
            rows.and_where(Expr::col((col("r"), col("cancelled_at"))).is_null());
        }
        if removal.operation == Operation::Message {
            rows.and_where(Expr::col((col("r"), col("sent_at"))).is_not_null());
        }
        if let (Some(column), Some(kind)) = (kind_column, removal.kind.as_deref()) {
            rows.and_where(Expr::col((col("r"), col(column))).eq(kind.trim()));
        }
        if let (Operation::Contact, Some(nature)) = (removal.operation, removal.nature.as_deref()) {
            rows.and_where(Expr::col((col("r"), col("nature"))).eq(nature.trim()));
        }
        let when = Expr::col((col("r"), col(at)));
        if let Some(from) = removal.from {
            rows.and_where(when.clone().gte(calendar.start_of(from)));
        }
        if let Some(to) = removal.to {
            rows.and_where(when.lt(calendar.start_of(to + Duration::days(1))));
        }
        holds(rows)
    }
}

/// A birthday between two days of the year (`MM-DD`), across the year's end
/// when the first comes after the second. The date's text is `YYYY-MM-DD`
/// on both databases.
fn month_day_test(column: SimpleExpr, test: &Test) -> SimpleExpr {
    let as_text = Func::cast_as(column.clone(), col("TEXT"));
    let month_day = SimpleExpr::from(Func::cust(col("SUBSTR")).arg(as_text).arg(6).arg(5));
    let text = |value: &Option<Value>| value.as_ref().and_then(Value::as_text).map(str::to_string);
    match test {
        Test::Equals(Value::Text(day)) => month_day.eq(day.clone()),
        Test::In(days) => month_day.is_in(days.iter().filter_map(Value::as_text).map(str::to_string)),
        Test::Range { from, to } => match (text(from), text(to)) {
            (Some(from), Some(to)) if from > to => month_day.clone().gte(from).or(month_day.lte(to)),
            (Some(from), Some(to)) => month_day.clone().gte(from).and(month_day.lte(to)),
            (Some(from), None) => month_day.gte(from),
            (None, Some(to)) => month_day.lte(to),
            (None, None) => column.is_not_null(),
        },
        Test::IsEmpty(true) => column.is_null(),
        Test::IsEmpty(false) => column.is_not_null(),
        _ => Expr::val(1).eq(0),
    }
}

/// Ages in whole years on the organisation's day, as birth dates.
fn age_test(test: &Test, calendar: Calendar) -> SimpleExpr {
    let born = party("birth_date");
    let years_ago = |years: i64| {
        u32::try_from(years)
            .ok()
            .and_then(|y| calendar.today.checked_sub_months(Months::new(y.saturating_mul(12))))
    };
    // Aged at least `n`: born on or before today n years ago; at most `n`:
    // born after today n + 1 years ago.
    let at_least = |n: i64| years_ago(n).map_or_else(|| Expr::val(1).eq(0), |day| born.clone().lte(day));
    let at_most =
        |n: i64| years_ago(n + 1).map_or_else(|| born.clone().is_not_null(), |day| born.clone().gt(day));
    match test {
        Test::Equals(Value::Number(n)) => at_least(*n).and(at_most(*n)),
        Test::Range { from, to } => {
            let number = |v: &Option<Value>| match v {
                Some(Value::Number(n)) => Some(*n),
                _ => None,
            };
            let lower = number(from).map(at_least);
            let upper = number(to).map(at_most);
            match (lower, upper) {
                (Some(l), Some(u)) => l.and(u),
                (Some(one), None) | (None, Some(one)) => one,
                (None, None) => born.is_not_null(),
            }
        }
        Test::IsEmpty(true) => born.is_null(),
        Test::IsEmpty(false) => born.is_not_null(),
        _ => Expr::val(1).eq(0),
    }
}

/// Days since the oldest open installment fell due (0 with none overdue).
fn days_overdue_test(test: &Test, calendar: Calendar) -> SimpleExpr {
    let due = party("oldest_open_due");
    // At least `n` days late: due on or before today − n (none late is 0 days).
    let at_least = |n: i64| {
        let day = calendar.today - Duration::days(n);
        if n <= 0 { Expr::val(1).eq(1) } else { due.clone().lte(day) }
    };
    let at_most = |n: i64| {
        if n < 0 {
            return Expr::val(1).eq(0);
        }
        let day = calendar.today - Duration::days(n);
        due.clone().is_null().or(due.clone().gte(day))
    };
    number_range(test, at_least, at_most)
}

/// The average delay of paid installments in days (0 with none paid),
/// compared without dividing: total delay against n × paid installments.
fn average_delay_test(test: &Test) -> SimpleExpr {
    let at_least = |n: i64| {
        party("delay_days_total").gte(Expr::val(n).mul(party("paid_installments"))).and(if n > 0 {
            party("paid_installments").gt(0)
        } else {
            Expr::val(1).eq(1)
        })
    };
    let at_most = |n: i64| party("delay_days_total").lte(Expr::val(n).mul(party("paid_installments")));
    number_range(test, at_least, at_most)
}

fn number_range(
    test: &Test,
    at_least: impl Fn(i64) -> SimpleExpr,
    at_most: impl Fn(i64) -> SimpleExpr,
) -> SimpleExpr {
    let number = |v: &Option<Value>| match v {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    };
    match test {
        Test::Equals(Value::Number(n)) => at_least(*n).and(at_most(*n)),
        Test::Range { from, to } => match (number(from).map(&at_least), number(to).map(&at_most)) {
            (Some(l), Some(u)) => l.and(u),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => Expr::val(1).eq(1),
        },
        _ => Expr::val(1).eq(0),
    }
}

// What the in-memory engine is built from: every live customer's figures,
// tags, sales and the catalogue lists of what each sale held — all of an
// organisation, or only the parties named (to bring them up to date).

/// A live customer's columns as the engine keeps them.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct IndexedCustomer {
    pub id: Uuid,
    pub sort_name: String,
    pub customer_status: Option<String>,
    pub credit_bureau_status: Option<String>,
    pub seller_id: Option<Uuid>,
    pub branch_id: Option<Uuid>,
    pub sex: Option<String>,
    pub city_key: String,
    pub state: String,
    pub shoe_size: Option<i64>,
    pub birth_date: Option<NaiveDate>,
    pub spouse_birth_date: Option<NaiveDate>,
    pub revolving_credit_limit: Option<i64>,
    pub open_balance: i64,
    pub oldest_open_due: Option<NaiveDate>,
    pub paid_installments: i64,
    pub delay_days_total: i64,
    pub points_balance: i64,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
    pub purchase_count: i64,
    pub total_bought: i64,
    pub largest_purchase: i64,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub has_email: bool,
    /// As SQL compares them: lowered by the database itself (SQLite's
    /// `lower` leaves letters outside ASCII as they are, PostgreSQL's does not).
    pub profession: Option<String>,
    pub football_team: Option<String>,
    pub agreement: Option<String>,
    pub credit_complement: Option<String>,
}

/// A sale as the engine reads it: cancelled ones too, flagged, so the
/// items read after them still follow the sales' order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndexedSale {
    pub id: Uuid,
    pub party_id: Uuid,
    pub store_id: Uuid,
    pub seller_id: Option<Uuid>,
    pub sold_at: DateTime<Utc>,
    pub total: i64,
    pub cancelled: bool,
}

/// An item of a sale: what its product is filed under, by list id.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndexedItem {
    pub sale_id: Uuid,
    pub group_id: Option<Uuid>,
    pub brand_id: Option<Uuid>,
    pub line_id: Option<Uuid>,
}

const SALES: &str = "SELECT s.id, s.party_id, s.store_id, s.seller_id, s.sold_at, s.total, \
    s.cancelled_at IS NOT NULL AS cancelled FROM sales s{scan} WHERE s.org_id = $1";

const ITEMS: &str = "SELECT si.sale_id, pr.group_id, pr.brand_id, pr.line_id \
    FROM sale_items si JOIN sales s ON s.id = si.sale_id JOIN products pr ON pr.id = si.product_id \
    WHERE s.org_id = $1";

/// An interaction as the engine reads it: when, how, and of what nature.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndexedContact {
    pub party_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub channel: String,
    pub nature: String,
}

const CONTACTS: &str =
    "SELECT r.party_id, r.created_at, r.channel, r.nature FROM interactions r{scan} WHERE r.org_id = $1";

/// Hands each interaction of the organisation to `sink` (every party's,
/// or those named), in the order they are stored.
pub async fn each_contact(
    db: &Db,
    org_id: domain::OrgId,
    parties: Option<&[Uuid]>,
    sink: &mut (dyn FnMut(IndexedContact) + Send),
) -> Result<(), DbError> {
    stream(db, org_id, parties, CONTACTS, "r.party_id", &contact_of, sink).await
}

fn contact_of(row: &rusqlite::Row<'_>) -> Result<IndexedContact, DbError> {
    let created_at: String = row.get(1)?;
    let created_at = DateTime::parse_from_rfc3339(&created_at).map_err(DbError::decode)?.with_timezone(&Utc);
    Ok(IndexedContact {
        party_id: required_id_at(row, 0)?,
        created_at,
        channel: row.get(2)?,
        nature: row.get(3)?,
    })
}

/// Hands each sale of the organisation to `sink` (every party's, or
/// those named), in the order they are stored: the engine files them
/// under their customers itself, and [`each_item`] follows the same
/// order. Millions of rows are streamed, never held: on SQLite through
/// rusqlite on a reader's connection (sqlx decodes a row several times
/// slower), on PostgreSQL as sqlx's stream.
pub async fn each_sale(
    db: &Db,
    org_id: domain::OrgId,
    parties: Option<&[Uuid]>,
    sink: &mut (dyn FnMut(IndexedSale) + Send),
) -> Result<(), DbError> {
    stream(db, org_id, parties, SALES, "s.party_id", &sale_of, sink).await
}

/// Hands each item of the organisation's sales to `sink`, in the order
/// they are stored (each sale's together, after their sale's order when
/// they were written with it). Reading every party's, the items are read
/// alone and their products looked up in memory: joining ten million
/// sales to their items a row at a time took SQLite three times as long.
pub async fn each_item(
    db: &Db,
    org_id: domain::OrgId,
    parties: Option<&[Uuid]>,
    sink: &mut (dyn FnMut(IndexedItem) + Send),
) -> Result<(), DbError> {
    if parties.is_some() {
        return stream(db, org_id, parties, ITEMS, "s.party_id", &item_of, sink).await;
    }
    #[derive(sqlx::FromRow)]
    struct Product {
        id: Uuid,
        group_id: Option<Uuid>,
        brand_id: Option<Uuid>,
        line_id: Option<Uuid>,
    }
    let products: Vec<Product> = fetch_all(db, &{
        let mut select = Query::select();
        select
            .columns([col("id"), col("group_id"), col("brand_id"), col("line_id")])
            .from(col("products"))
            .and_where(Expr::col(col("org_id")).eq(org_id.0));
        select
    })
    .await?;
    let products: std::collections::HashMap<Uuid, Product> =
        products.into_iter().map(|p| (p.id, p)).collect();
    let mut sold = |(sale_id, product_id): (Uuid, Uuid)| {
        let product = products.get(&product_id);
        sink(IndexedItem {
            sale_id,
            group_id: product.and_then(|p| p.group_id),
            brand_id: product.and_then(|p| p.brand_id),
            line_id: product.and_then(|p| p.line_id),
        });
    };
    let sql = "SELECT si.sale_id, si.product_id FROM sale_items si{scan} WHERE si.org_id = $1 AND si.product_id IS NOT NULL";
    stream(db, org_id, None, sql, "", &sold_product_of, &mut sold).await
}

/// The rows of `sql` (whose only parameter is the organisation) for every
/// party, or for those named a few hundred at a time (`party_column IN …`).
/// Reading every party's on SQLite, `{scan}` makes it read the table in
/// order (`NOT INDEXED`): SQLite would otherwise follow an index on the
/// organisation and fetch millions of rows a page at a time, in the
/// index's order (ten times slower).
async fn stream<T>(
    db: &Db,
    org_id: domain::OrgId,
    parties: Option<&[Uuid]>,
    sql: &str,
    party_column: &str,
    from_sqlite: &(dyn Fn(&rusqlite::Row<'_>) -> Result<T, DbError> + Sync),
    sink: &mut (dyn FnMut(T) + Send),
) -> Result<(), DbError>
where
    T: super::RowOfEither,
{
    use futures_util::TryStreamExt;
    match (db, parties) {
        (Db::Sqlite(sqlite), None) => {
            let mut conn = sqlite.reader().acquire().await?;
            crate::rows::on_sqlite_connection(&mut conn, |direct| {
                crate::with_page_cache(direct, SCAN_CACHE_KIB, || {
                    scan(direct, sql, org_id, from_sqlite, sink)
                })
            })
            .await
        }
        (_, None) => {
            crate::on_db!(db, pool => {
                let sql = sql.replace("{scan}", "");
                let mut rows = sqlx::query_as::<_, T>(&sql).bind(org_id.0).fetch(pool);
                while let Some(row) = rows.try_next().await? {
                    sink(row);
                }
            });
            Ok(())
        }
        (_, Some(parties)) => {
            for chunk in parties.chunks(IDS_PER_QUERY) {
                let sql = format!(
                    "{} AND {party_column} IN ({})",
                    sql.replace("{scan}", ""),
                    super::placeholders(2, chunk.len())
                );
                crate::on_db!(db, pool => {
                    let mut query = sqlx::query_as::<_, T>(&sql).bind(org_id.0);
                    for party in chunk {
                        query = query.bind(*party);
                    }
                    for row in query.fetch_all(pool).await? {
                        sink(row);
                    }
                });
            }
            Ok(())
        }
    }
}

/// The page cache a whole table's scan reads through: each page once, in
/// order, so a few MiB serve as well as the reader's 64.
const SCAN_CACHE_KIB: u64 = 4 << 10;

/// Reads every row of `sql` (`{scan}`: the table in order) on this
/// connection, decoded here and handed to `sink` on another thread, a
/// chunk at a time: the two halves of reading millions of rows, side by
/// side.
fn scan<T: Send>(
    direct: &rusqlite::Connection,
    sql: &str,
    org_id: domain::OrgId,
    from_sqlite: &(dyn Fn(&rusqlite::Row<'_>) -> Result<T, DbError> + Sync),
    sink: &mut (dyn FnMut(T) + Send),
) -> Result<(), DbError> {
    let sql = sql.replace("{scan}", " NOT INDEXED").replace("$1", "?1");
    let mut statement = direct.prepare(&sql)?;
    let mut rows = statement.query([org_id.0.as_bytes().as_slice()])?;
    std::thread::scope(|scope| {
        let (ready, received) = std::sync::mpsc::sync_channel::<Vec<T>>(CHUNKS_AHEAD);
        scope.spawn(move || received.iter().flatten().for_each(sink));
        let mut chunk = Vec::with_capacity(ROWS_PER_CHUNK);
        while let Some(row) = rows.next()? {
            chunk.push(from_sqlite(row)?);
            if chunk.len() == ROWS_PER_CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(ROWS_PER_CHUNK));
                // Refused only once the other thread has panicked, a
                // panic the scope raises again.
                if ready.send(full).is_err() {
                    break;
                }
            }
        }
        let _ = ready.send(chunk);
        Ok(())
    })
}

fn id_at(row: &rusqlite::Row<'_>, at: usize) -> Result<Option<Uuid>, DbError> {
    Ok(match row.get_ref(at)? {
        rusqlite::types::ValueRef::Blob(bytes) => Some(Uuid::from_slice(bytes).map_err(DbError::decode)?),
        rusqlite::types::ValueRef::Null => None,
        other => return Err(DbError::Bulk(format!("an id stored as {:?}", other.data_type()))),
    })
}

fn required_id_at(row: &rusqlite::Row<'_>, at: usize) -> Result<Uuid, DbError> {
    id_at(row, at)?.ok_or_else(|| DbError::Bulk("a missing id".into()))
}

fn sale_of(row: &rusqlite::Row<'_>) -> Result<IndexedSale, DbError> {
    let sold_at: String = row.get(4)?;
    let sold_at = DateTime::parse_from_rfc3339(&sold_at).map_err(DbError::decode)?.with_timezone(&Utc);
    Ok(IndexedSale {
        id: required_id_at(row, 0)?,
        party_id: required_id_at(row, 1)?,
        store_id: required_id_at(row, 2)?,
        seller_id: id_at(row, 3)?,
        sold_at,
        total: row.get(5)?,
        cancelled: row.get(6)?,
    })
}

fn item_of(row: &rusqlite::Row<'_>) -> Result<IndexedItem, DbError> {
    Ok(IndexedItem {
        sale_id: required_id_at(row, 0)?,
        group_id: id_at(row, 1)?,
        brand_id: id_at(row, 2)?,
        line_id: id_at(row, 3)?,
    })
}

fn sold_product_of(row: &rusqlite::Row<'_>) -> Result<(Uuid, Uuid), DbError> {
    Ok((required_id_at(row, 0)?, required_id_at(row, 1)?))
}

/// Rows handed from the reading thread to the filing one at a time.
const ROWS_PER_CHUNK: usize = 4_096;
/// Chunks that may wait between the two threads: the reader runs at most
/// this far ahead, so memory stays a few chunks whatever the table's size.
const CHUNKS_AHEAD: usize = 4;

/// How many ids one `IN (…)` names when parties are read again.
const IDS_PER_QUERY: usize = 500;

fn only(select: &mut SelectStatement, column: (&str, &str), parties: Option<&[Uuid]>) {
    if let Some(parties) = parties {
        select.and_where(Expr::col((col(column.0), col(column.1))).is_in(parties.iter().copied()));
    }
}

/// The rows of a statement over all parties, or over the named ones a
/// few hundred at a time.
async fn in_chunks<T>(
    db: &Db,
    parties: Option<&[Uuid]>,
    statement: impl Fn(Option<&[Uuid]>) -> SelectStatement,
) -> Result<Vec<T>, DbError>
where
    T: super::RowOfEither,
{
    match parties {
        None => fetch_all(db, &statement(None)).await,
        Some(parties) => {
            let mut all = Vec::new();
            for chunk in parties.chunks(IDS_PER_QUERY) {
                all.extend(fetch_all(db, &statement(Some(chunk))).await?);
            }
            Ok(all)
        }
    }
}

const CUSTOMERS: &str = "SELECT p.id, p.sort_name, p.customer_status, p.credit_bureau_status, p.seller_id, \
    p.branch_id, p.sex, p.city_key, p.state, p.shoe_size, p.birth_date, p.spouse_birth_date, \
    p.revolving_credit_limit, p.open_balance, p.oldest_open_due, p.paid_installments, p.delay_days_total, \
    p.points_balance, p.consent_sms_whatsapp, p.consent_email, p.consent_phone, p.consent_letter, \
    p.purchase_count, p.total_bought, p.largest_purchase, p.last_purchase_at, \
    EXISTS (SELECT 1 FROM party_emails e WHERE e.party_id = p.id) AS has_email, \
    lower(p.profession) AS profession, lower(p.football_team) AS football_team, \
    lower(p.agreement) AS agreement, lower(p.credit_complement) AS credit_complement \
    FROM parties p{scan} WHERE p.org_id = $1 AND p.merged_into IS NULL AND p.archived_at IS NULL";

/// Hands each live customer to `sink` (all, or those of `parties` still live).
pub async fn each_customer(
    db: &Db,
    org_id: domain::OrgId,
    parties: Option<&[Uuid]>,
    sink: &mut (dyn FnMut(IndexedCustomer) + Send),
) -> Result<(), DbError> {
    stream(db, org_id, parties, CUSTOMERS, "p.id", &customer_of, sink).await
}

fn customer_of(row: &rusqlite::Row<'_>) -> Result<IndexedCustomer, DbError> {
    let date = |at: usize| -> Result<Option<NaiveDate>, DbError> {
        row.get::<_, Option<String>>(at)?
            .map(|text| NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(DbError::decode))
            .transpose()
    };
    let instant = |at: usize| -> Result<Option<DateTime<Utc>>, DbError> {
        row.get::<_, Option<String>>(at)?
            .map(|text| {
                DateTime::parse_from_rfc3339(&text).map(|t| t.with_timezone(&Utc)).map_err(DbError::decode)
            })
            .transpose()
    };
    Ok(IndexedCustomer {
        id: required_id_at(row, 0)?,
        sort_name: row.get(1)?,
        customer_status: row.get(2)?,
        credit_bureau_status: row.get(3)?,
        seller_id: id_at(row, 4)?,
        branch_id: id_at(row, 5)?,
        sex: row.get(6)?,
        city_key: row.get(7)?,
        state: row.get(8)?,
        shoe_size: row.get(9)?,
        birth_date: date(10)?,
        spouse_birth_date: date(11)?,
        revolving_credit_limit: row.get(12)?,
        open_balance: row.get(13)?,
        oldest_open_due: date(14)?,
        paid_installments: row.get(15)?,
        delay_days_total: row.get(16)?,
        points_balance: row.get(17)?,
        consent_sms_whatsapp: row.get(18)?,
        consent_email: row.get(19)?,
        consent_phone: row.get(20)?,
        consent_letter: row.get(21)?,
        purchase_count: row.get(22)?,
        total_bought: row.get(23)?,
        largest_purchase: row.get(24)?,
        last_purchase_at: instant(25)?,
        has_email: row.get(26)?,
        profession: row.get(27)?,
        football_team: row.get(28)?,
        agreement: row.get(29)?,
        credit_complement: row.get(30)?,
    })
}

/// Each customer's tags, as stored (folded).
pub async fn indexed_tags(
    db: &Db,
    org_id: domain::OrgId,
    parties: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, String)>, DbError> {
    in_chunks(db, parties, |parties| {
        let mut select = Query::select();
        select
            .columns([(col("t"), col("party_id")), (col("t"), col("tag"))])
            .from_as(col("party_tags"), col("t"))
            .and_where(Expr::col((col("t"), col("org_id"))).eq(org_id.0));
        only(&mut select, ("t", "party_id"), parties);
        select
    })
    .await
}

/// The organisation's catalogue lists: id, kind (`group`, `brand`, `line`) and name.
pub async fn catalogue_lists(db: &Db, org_id: domain::OrgId) -> Result<Vec<(Uuid, String, String)>, DbError> {
    let mut select = Query::select();
    select
        .columns([col("id"), col("kind"), col("name")])
        .from(col("catalogue_lists"))
        .and_where(Expr::col(col("org_id")).eq(org_id.0));
    fetch_all(db, &select).await
}

/// The events stamped at or after `since` (every movement leaves one in
/// its party's history, in its own transaction): id, party and when.
pub async fn moved_since(
    db: &Db,
    org_id: domain::OrgId,
    since: DateTime<Utc>,
) -> Result<Vec<(Uuid, Uuid, DateTime<Utc>)>, DbError> {
    let mut select = Query::select();
    select
        .columns([col("id"), col("party_id"), col("at")])
        .from(col("party_events"))
        .and_where(Expr::col(col("org_id")).eq(org_id.0))
        .and_where(Expr::col(col("at")).gte(since));
    fetch_all(db, &select).await
}

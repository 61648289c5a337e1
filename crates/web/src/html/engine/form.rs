//! The engine's form as the browser sends it, read into a [`Segment`]:
//! every field left empty asks nothing; a value that does not read is a
//! message on its field, never a silent "any".
use crate::html::components::{Pairs, number, value, values};
use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::engine::{EngineField, EngineSort, Operation, Removal, Segment};
use domain::filter::{Filter, Test, Value};
use domain::money::Money;

/// The grid's sort, direction and page, as the form's hidden fields and
/// the headers' links carry them.
pub fn grid_view(pairs: &Pairs, errors: &mut ValidationErrors) -> app::engine::GridView {
    let sort = match value(pairs, "sort").trim() {
        "" => EngineSort::Name,
        code => EngineSort::parse(code).unwrap_or_else(|message| {
            errors.add("sort", message);
            EngineSort::Name
        }),
    };
    let page = match value(pairs, "page").trim() {
        "" => 1,
        text => text.parse().unwrap_or_else(|_| {
            errors.add("page", "error-page-out-of-range");
            1
        }),
    };
    app::engine::GridView { sort, descending: value(pairs, "desc") == "1", page }
}

/// The segment the form asks for, or every field's message.
pub fn segment_of(pairs: &Pairs) -> Result<Segment, ValidationErrors> {
    let mut reader = Reader { pairs, errors: ValidationErrors::new(), clauses: Vec::new() };
    reader.read_customer();
    reader.read_consents();
    reader.read_purchases();
    reader.read_finances();
    let window = domain::engine::PurchaseWindow {
        stores: reader.ids("store"),
        from: reader.date("period_from"),
        to: reader.date("period_to"),
    };
    if matches!((window.from, window.to), (Some(from), Some(to)) if from > to) {
        reader.errors.add("period_to", "error-period-reversed");
    }
    let remove = reader.removal().into_iter().collect();
    let limit = reader.whole("limit").map(|n| u32::try_from(n).unwrap_or(0));
    if limit == Some(0) || limit.is_some_and(|n| n > domain::engine::MAX_LIMIT) {
        reader.errors.add("limit", "error-engine-limit");
    }
    let Reader { errors, clauses, .. } = reader;
    errors.into_result()?;
    Ok(Segment { window, filter: Filter::all(clauses), remove, limit })
}

struct Reader<'a> {
    pairs: &'a Pairs,
    errors: ValidationErrors,
    clauses: Vec<Filter<EngineField>>,
}

/// What a field's typed value becomes in a clause.
enum Typed {
    Contains,
    Equals,
}

impl Reader<'_> {
    fn text(&self, name: &str) -> Option<String> {
        Some(value(self.pairs, name).trim().to_string()).filter(|text| !text.is_empty())
    }

    fn push(&mut self, field: EngineField, test: Test) {
        self.clauses.push(Filter::is(field, test));
    }

    fn typed(&mut self, field: EngineField, how: Typed) {
        if let Some(text) = self.text(field.as_str()) {
            let test = match how {
                Typed::Contains => Test::Contains(text),
                Typed::Equals => Test::Equals(Value::Text(text)),
            };
            self.push(field, test);
        }
    }

    /// A whole number; a thousands dot is allowed (1.000).
    fn whole(&mut self, name: &'static str) -> Option<i64> {
        number(self.pairs, name, &mut self.errors)
    }

    fn money(&mut self, name: &'static str) -> Option<i64> {
        let text = self.text(name)?;
        Money::parse(&text).map(|m| m.0).map_err(|message| self.errors.add(name, message)).ok()
    }

    fn date(&mut self, name: &'static str) -> Option<NaiveDate> {
        let text = self.text(name)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| self.errors.add(name, "error-date-invalid"))
            .ok()
    }

    /// A day of the year typed `dd/mm`, as the engine's `MM-DD`.
    fn month_day(&mut self, name: &'static str) -> Option<String> {
        let text = self.text(name)?;
        let read = text.split_once('/').and_then(|(day, month)| {
            let (day, month): (u32, u32) = (day.trim().parse().ok()?, month.trim().parse().ok()?);
            NaiveDate::from_ymd_opt(2000, month, day).map(|_| format!("{month:02}-{day:02}"))
        });
        read.or_else(|| {
            self.errors.add(name, "error-month-day-invalid");
            None
        })
    }

    fn ids(&mut self, name: &'static str) -> Vec<uuid::Uuid> {
        let mut ids = Vec::new();
        for text in values(self.pairs, name).map(str::trim).filter(|t| !t.is_empty()) {
            match text.parse() {
                Ok(id) => ids.push(id),
                Err(_) => self.errors.add(name, "error-not-found"),
            }
        }
        ids
    }

    /// The ids chosen in a field's (multiple) select: any of them.
    fn any_of(&mut self, field: EngineField) {
        let chosen: Vec<Value> =
            self.ids(field.as_str()).iter().map(|id| Value::Text(id.to_string())).collect();
        if !chosen.is_empty() {
            self.push(field, Test::In(chosen));
        }
    }

    /// `<name>_from` and `<name>_to` as a range clause, when either is set.
    fn range(&mut self, field: EngineField, read: impl Fn(&mut Self, &'static str) -> Option<Value>) {
        let (from_name, to_name) = range_names(field);
        let (from, to) = (read(self, from_name), read(self, to_name));
        if from.is_some() || to.is_some() {
            self.push(field, Test::Range { from, to });
        }
    }

    fn number_range(&mut self, field: EngineField) {
        self.range(field, |r, name| r.whole(name).map(Value::Number));
    }

    fn money_range(&mut self, field: EngineField) {
        self.range(field, |r, name| r.money(name).map(Value::Number));
    }

    fn date_range(&mut self, field: EngineField) {
        self.range(field, |r, name| r.date(name).map(|d| Value::Text(d.to_string())));
    }

    fn read_customer(&mut self) {
        use EngineField::*;
        self.typed(Name, Typed::Contains);
        for field in [CustomerStatus, CreditBureauStatus, Sex, State, City, Carrier, Tag] {
            self.typed(field, Typed::Equals);
        }
        for field in [Profession, FootballTeam, Neighbourhood, AddressComplement, Agreement, CreditComplement]
        {
            self.typed(field, Typed::Contains);
        }
        if let Some(digits) = self.text("phone") {
            if digits.chars().any(|c| c.is_ascii_digit()) {
                self.push(Phone, Test::Contains(digits.chars().filter(char::is_ascii_digit).collect()));
            } else {
                self.errors.add("phone", "error-phone-digits");
            }
        }
        self.any_of(Seller);
        self.number_range(ShoeSize);
        self.number_range(Age);
        self.range(Birthday, |r, name| r.month_day(name).map(Value::Text));
        self.range(SpouseBirthday, |r, name| r.month_day(name).map(Value::Text));
        match value(self.pairs, "email").trim() {
            "" => {}
            "yes" => self.push(Email, Test::IsEmpty(false)),
            "no" => self.push(Email, Test::IsEmpty(true)),
            _ => self.errors.add("email", "error-filter-invalid"),
        }
        self.money_range(RevolvingCredit);
    }

    fn read_consents(&mut self) {
        use EngineField::*;
        for field in [ConsentSmsWhatsapp, ConsentEmail, ConsentPhone, ConsentLetter] {
            if self.text(field.as_str()).is_some() {
                self.push(field, Test::Equals(Value::Bool(true)));
            }
        }
    }

    fn read_purchases(&mut self) {
        use EngineField::*;
        self.date_range(LastPurchase);
        self.number_range(PurchaseCount);
        self.money_range(TotalBought);
        self.money_range(LargestPurchase);
        self.any_of(SaleSeller);
        for field in [ProductGroup, ProductBrand, ProductLine] {
            self.typed(field, Typed::Equals);
        }
        self.any_of(StoresWithSales);
        self.any_of(StoresWithoutSales);
    }

    fn read_finances(&mut self) {
        use EngineField::*;
        self.money_range(AvailableCredit);
        // "Dias de atraso": leave out who is later than this.
        if let Some(days) = self.whole("days_overdue") {
            self.push(DaysOverdue, Test::Range { from: None, to: Some(Value::Number(days)) });
        }
        if let Some(days) = self.whole("average_delay") {
            self.push(AverageDelay, Test::Range { from: None, to: Some(Value::Number(days)) });
        }
        self.date_range(LastCall);
        self.number_range(PointsBalance);
        self.date_range(PointsExpired);
        self.date_range(PointsToExpire);
    }

    fn removal(&mut self) -> Option<Removal> {
        let operation = match value(self.pairs, "remove_operation").trim() {
            "" => None,
            code => {
                Operation::parse(code).map_err(|message| self.errors.add("remove_operation", message)).ok()
            }
        };
        let (from, to) = (self.date("remove_from"), self.date("remove_to"));
        if matches!((from, to), (Some(from), Some(to)) if from > to) {
            self.errors.add("remove_to", "error-period-reversed");
        }
        let kind = self.text("remove_kind");
        let nature = self.text("remove_nature");
        if nature.is_some() && operation.is_some_and(|o| o != Operation::Contact) {
            self.errors.add("remove_nature", "error-remove-nature-contact");
        }
        Some(Removal { operation: operation?, kind, nature, from, to })
    }
}

/// The form's fields that ask `segment`: what [`segment_of`] reads back
/// into the same question (clauses in the form's order). `None` when the
/// form cannot show it: a tree of `any`/`not`, a relative date, a test
/// the form does not offer, more than one removal (the API allows them).
pub fn pairs_of(segment: &Segment) -> Option<Pairs> {
    let mut out = Pairs::new();
    let clauses = match &segment.filter {
        Filter::All { all } => all.iter().collect(),
        single @ Filter::Is(_) => vec![single],
        Filter::Any { .. } | Filter::Not { .. } => return None,
    };
    for clause in clauses {
        let Filter::Is(predicate) = clause else { return None };
        write_clause(&mut out, predicate.field, &predicate.test)?;
    }
    let window = &segment.window;
    out.extend(window.stores.iter().map(|id| ("store".to_string(), id.to_string())));
    out.extend(window.from.map(|day| ("period_from".to_string(), day.to_string())));
    out.extend(window.to.map(|day| ("period_to".to_string(), day.to_string())));
    match segment.remove.as_slice() {
        [] => {}
        [removal] => {
            out.push(("remove_operation".into(), removal.operation.as_str().into()));
            out.extend(removal.kind.clone().map(|kind| ("remove_kind".to_string(), kind)));
            out.extend(removal.nature.clone().map(|nature| ("remove_nature".to_string(), nature)));
            out.extend(removal.from.map(|day| ("remove_from".to_string(), day.to_string())));
            out.extend(removal.to.map(|day| ("remove_to".to_string(), day.to_string())));
        }
        _ => return None,
    }
    out.extend(segment.limit.map(|limit| ("limit".to_string(), limit.to_string())));
    Some(out)
}

/// One clause as the form's field(s) write it, or `None` when no field does.
fn write_clause(out: &mut Pairs, field: EngineField, test: &Test) -> Option<()> {
    use EngineField::*;
    let mut put = |name: &str, text: String| out.push((name.to_string(), text));
    let money = |value: &Value| match value {
        Value::Number(cents) => Some(Money(*cents).format_plain()),
        _ => None,
    };
    let whole = |value: &Value| match value {
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let text = |value: &Value| match value {
        Value::Text(text) => Some(text.clone()),
        _ => None,
    };
    // `MM-DD` as the form's `dd/mm`.
    let month_day = |value: &Value| match value {
        Value::Text(text) => text.split_once('-').map(|(month, day)| format!("{day}/{month}")),
        _ => None,
    };
    match (field, test) {
        (
            Name | Profession | FootballTeam | Neighbourhood | AddressComplement | Agreement
            | CreditComplement | Phone,
            Test::Contains(text),
        ) => put(field.as_str(), text.clone()),
        (
            CustomerStatus | CreditBureauStatus | Sex | State | City | Carrier | Tag | ProductGroup
            | ProductBrand | ProductLine,
            Test::Equals(Value::Text(text)),
        ) => put(field.as_str(), text.clone()),
        (Seller | SaleSeller | StoresWithSales | StoresWithoutSales, Test::In(ids)) => {
            for id in ids {
                put(field.as_str(), text(id)?);
            }
        }
        (Email, Test::IsEmpty(empty)) => put("email", if *empty { "no" } else { "yes" }.into()),
        (
            ConsentSmsWhatsapp | ConsentEmail | ConsentPhone | ConsentLetter,
            Test::Equals(Value::Bool(true)),
        ) => put(field.as_str(), "on".into()),
        (DaysOverdue | AverageDelay, Test::Range { from: None, to: Some(days) }) => {
            put(field.as_str(), whole(days)?)
        }
        (_, Test::Range { from, to }) => {
            let write: &dyn Fn(&Value) -> Option<String> = match field {
                ShoeSize | Age | PurchaseCount | PointsBalance => &whole,
                RevolvingCredit | TotalBought | LargestPurchase | AvailableCredit => &money,
                Birthday | SpouseBirthday => &month_day,
                LastPurchase | LastCall | PointsExpired | PointsToExpire => &text,
                _ => return None,
            };
            let (from_name, to_name) = range_names(field);
            if let Some(from) = from {
                put(from_name, write(from)?);
            }
            if let Some(to) = to {
                put(to_name, write(to)?);
            }
        }
        _ => return None,
    }
    Some(())
}

/// The form's names of a range's two ends.
pub fn range_names(field: EngineField) -> (&'static str, &'static str) {
    use EngineField::*;
    match field {
        ShoeSize => ("shoe_size_from", "shoe_size_to"),
        Age => ("age_from", "age_to"),
        Birthday => ("birthday_from", "birthday_to"),
        SpouseBirthday => ("spouse_birthday_from", "spouse_birthday_to"),
        RevolvingCredit => ("revolving_credit_from", "revolving_credit_to"),
        LastPurchase => ("last_purchase_from", "last_purchase_to"),
        PurchaseCount => ("purchase_count_from", "purchase_count_to"),
        TotalBought => ("total_bought_from", "total_bought_to"),
        LargestPurchase => ("largest_purchase_from", "largest_purchase_to"),
        AvailableCredit => ("available_credit_from", "available_credit_to"),
        LastCall => ("last_call_from", "last_call_to"),
        PointsBalance => ("points_from", "points_to"),
        PointsExpired => ("points_expired_from", "points_expired_to"),
        PointsToExpire => ("points_to_expire_from", "points_to_expire_to"),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_form_at_its_defaults_asks_for_everyone() {
        let defaults =
            pairs(&[("name", ""), ("email", ""), ("store", ""), ("remove_operation", ""), ("limit", "")]);
        assert_eq!(segment_of(&defaults), Ok(Segment::default()));
    }

    #[test]
    fn each_field_reads_into_its_clause() {
        let store = uuid::Uuid::now_v7().to_string();
        let form = pairs(&[
            ("state", "SP"),
            ("consent_sms_whatsapp", "on"),
            ("last_purchase_to", "2025-12-03"),
            ("birthday_from", "20/12"),
            ("birthday_to", "10/1"),
            ("total_bought_from", "6.000,00"),
            ("stores_without_sales", &store),
            ("store", &store),
            ("period_from", "2026-01-01"),
            ("days_overdue", "30"),
            ("remove_operation", "contact"),
            ("remove_kind", "call"),
            ("remove_nature", "offer"),
            ("remove_from", "2026-11-26"),
            ("limit", "1.000"),
            ("name", "Silva"),
            ("email", "no"),
            ("age_from", "30"),
            ("product_group", "Calçados"),
            ("phone", "(11) 9876"),
            ("sale_seller", &store),
            ("largest_purchase_to", "1.234,56"),
        ]);
        let segment = segment_of(&form).expect("reads");
        assert_eq!(segment.filter.check(), Ok(()));
        let json = serde_json::to_string(&segment.filter).expect("json");
        for part in [
            r#"{"field":"state","equals":"SP"}"#,
            r#"{"field":"consent_sms_whatsapp","equals":true}"#,
            r#"{"field":"birthday","range":{"from":"12-20","to":"01-10"}}"#,
            r#"{"field":"total_bought","range":{"from":600000,"to":null}}"#,
            r#"{"field":"days_overdue","range":{"from":null,"to":30}}"#,
        ] {
            assert!(json.contains(part), "{part} in {json}");
        }
        assert_eq!(segment.window.stores.len(), 1);
        assert_eq!(segment.limit, Some(1000));
        assert_eq!(segment.remove[0].kind.as_deref(), Some("call"));
        assert_eq!(segment.remove[0].nature.as_deref(), Some("offer"));
        let written = pairs_of(&segment).expect("the form shows what it asked");
        assert_eq!(segment_of(&written), Ok(segment), "read back from {written:?}");
    }

    #[test]
    fn what_the_form_cannot_show_is_not_written() {
        let either = Segment {
            filter: Filter::Any {
                any: vec![Filter::is(EngineField::State, Test::Equals(Value::text("SP")))],
            },
            ..Segment::default()
        };
        assert_eq!(pairs_of(&either), None);
        let relative = Segment {
            filter: Filter::is(EngineField::LastPurchase, Test::Relative { from: None, to: Some(-365) }),
            ..Segment::default()
        };
        assert_eq!(pairs_of(&relative), None);
        assert_eq!(pairs_of(&Segment::default()), Some(Vec::new()));
    }

    #[test]
    fn what_does_not_read_is_a_message_on_its_field() {
        let form = pairs(&[
            ("birthday_from", "31/02"),
            ("total_bought_to", "muito"),
            ("period_from", "2026-05-01"),
            ("period_to", "2026-04-01"),
            ("store", "loja"),
            ("limit", "0"),
            ("phone", "abc"),
        ]);
        let errors = segment_of(&form).expect_err("refused");
        let mut fields: Vec<&str> = errors.fields().collect();
        fields.sort_unstable();
        assert_eq!(fields, ["birthday_from", "limit", "period_to", "phone", "store", "total_bought_to"]);
    }
}

//! The relationship engine [motor de relacionamento] (seed 004): which
//! customers a segment selects, from what their registration says, what
//! they let the store send, how they bought and paid, their points, less
//! those who had some operation lately, up to a number of customers.
//!
//! The clauses are a [`Filter`] tree over [`EngineField`]; the purchase
//! fields (how many, how much, the largest, the last, seller, product
//! group, brand and line) are read within the segment's [`PurchaseWindow`]
//! — the stores analysed and the purchase period — as the seed's screen
//! reads them.
use crate::ValidationErrors;
use crate::filter::{Field, FieldKind, Filter};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

string_enum!(
    /// A clause of the engine's filters, grouped as seed 004 groups them.
    EngineField {
        // Cliente
        Name = "name",
        CustomerStatus = "customer_status",
        CreditBureauStatus = "credit_bureau_status",
        Seller = "seller",
        Profession = "profession",
        FootballTeam = "football_team",
        ShoeSize = "shoe_size",
        Sex = "sex",
        Neighbourhood = "neighbourhood",
        City = "city",
        State = "state",
        AddressComplement = "address_complement",
        Birthday = "birthday",
        Age = "age",
        SpouseBirthday = "spouse_birthday",
        Carrier = "carrier",
        Phone = "phone",
        Email = "email",
        Agreement = "agreement",
        CreditComplement = "credit_complement",
        RevolvingCredit = "revolving_credit",
        Tag = "tag",
        // Cliente autorizou enviar
        ConsentSmsWhatsapp = "consent_sms_whatsapp",
        ConsentEmail = "consent_email",
        ConsentPhone = "consent_phone",
        ConsentLetter = "consent_letter",
        // Comportamento de compra (within the window)
        PurchaseCount = "purchase_count",
        TotalBought = "total_bought",
        LargestPurchase = "largest_purchase",
        LastPurchase = "last_purchase",
        SaleSeller = "sale_seller",
        ProductGroup = "product_group",
        ProductBrand = "product_brand",
        ProductLine = "product_line",
        StoresWithSales = "stores_with_sales",
        StoresWithoutSales = "stores_without_sales",
        // Comportamento financeiro
        AvailableCredit = "available_credit",
        DaysOverdue = "days_overdue",
        AverageDelay = "average_delay",
        LastCall = "last_call",
        // Cartão fidelidade
        PointsBalance = "points_balance",
        PointsExpired = "points_expired",
        PointsToExpire = "points_to_expire",
    } error "error-filter-field-invalid"
);

impl Field for EngineField {
    const FIELDS: &'static [EngineField] = EngineField::ALL;

    fn kind(self) -> FieldKind {
        use EngineField::*;
        match self {
            // A phone is asked by the digits it holds (others are ignored).
            Name | Profession | FootballTeam | Neighbourhood | City | AddressComplement | Carrier
            | Agreement | CreditComplement | Tag | Phone => FieldKind::Text,
            // By the name the organisation's list gives it.
            ProductGroup | ProductBrand | ProductLine => FieldKind::Text,
            // The organisation's own codes: any may be asked for.
            CustomerStatus | CreditBureauStatus | Sex | State => FieldKind::OwnCode,
            Seller | SaleSeller | StoresWithSales | StoresWithoutSales => FieldKind::Id,
            Birthday | SpouseBirthday => FieldKind::MonthDay,
            ShoeSize | Age | RevolvingCredit | PurchaseCount | TotalBought | LargestPurchase
            | AvailableCredit | DaysOverdue | AverageDelay | PointsBalance => FieldKind::Number,
            LastPurchase | LastCall | PointsExpired | PointsToExpire => FieldKind::Date,
            ConsentSmsWhatsapp | ConsentEmail | ConsentPhone | ConsentLetter => FieldKind::Flag,
            // "Has an e-mail".
            Email => FieldKind::Presence,
        }
    }

    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl EngineField {
    /// Amounts of credit: read only by those who may see financial figures.
    pub fn is_financial_amount(self) -> bool {
        matches!(self, EngineField::RevolvingCredit | EngineField::AvailableCredit)
    }
}

/// The purchases the purchase clauses read: at these stores (none: all),
/// sold on these days (both ends included; an open end is open).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PurchaseWindow {
    pub stores: Vec<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PurchaseWindow {
    /// Every purchase ever made, at any store: the figures kept on each
    /// customer answer it without reading the sales.
    pub fn is_everything(&self) -> bool {
        self.stores.is_empty() && self.from.is_none() && self.to.is_none()
    }
}

string_enum!(
    /// What a customer may have had lately to be removed from the result:
    /// a purchase (not cancelled), an interaction (of any channel or the
    /// one named), a message sent from the outbox (likewise).
    Operation {
        Sale = "sale",
        Contact = "contact",
        Message = "message",
    } error "error-engine-operation-invalid"
);

/// "Remover do resultado filtrado": customers who had `operation` (of
/// `kind`, and for a contact of the occurrence type `nature`, when named)
/// between `from` and `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Removal {
    pub operation: Operation,
    /// The interaction's or message's channel (`call`, `email`, …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub kind: Option<String>,
    /// A contact's type: the interaction's nature (`offer`, `collection`, …);
    /// only with the operation `contact`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub nature: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The most customers a segment may be limited to.
pub const MAX_LIMIT: u32 = 1_000_000;

/// A whole question to the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    #[serde(default)]
    pub window: PurchaseWindow,
    #[serde(default = "everyone")]
    pub filter: Filter<EngineField>,
    #[serde(default)]
    pub remove: Vec<Removal>,
    /// "Nº de clientes na pesquisa": at most this many, the first by name.
    #[serde(default)]
    pub limit: Option<u32>,
}

fn everyone() -> Filter<EngineField> {
    Filter::all(Vec::new())
}

impl Default for Segment {
    fn default() -> Segment {
        Segment { window: PurchaseWindow::default(), filter: everyone(), remove: Vec::new(), limit: None }
    }
}

impl Segment {
    /// Refuses what cannot be asked: a clause that does not fit its field,
    /// periods that end before they start, a limit out of bounds. Each
    /// error names its field.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Err((field, message)) = self.filter.check() {
            errors.add(field, message);
        }
        if matches!((self.window.from, self.window.to), (Some(from), Some(to)) if from > to) {
            errors.add("window.to", "error-period-reversed");
        }
        for (index, removal) in self.remove.iter().enumerate() {
            if matches!((removal.from, removal.to), (Some(from), Some(to)) if from > to) {
                errors.add(format!("remove.{index}.to"), "error-period-reversed");
            }
            if removal.kind.as_deref().is_some_and(|kind| kind.trim().is_empty()) {
                errors.add(format!("remove.{index}.kind"), "error-filter-invalid");
            }
            if let Some(nature) = removal.nature.as_deref()
                && (nature.trim().is_empty() || removal.operation != Operation::Contact)
            {
                errors.add(format!("remove.{index}.nature"), "error-filter-invalid");
            }
        }
        if self.limit.is_some_and(|limit| limit == 0 || limit > MAX_LIMIT) {
            errors.add("limit", "error-engine-limit");
        }
        errors.into_result()
    }

    /// The fields its clauses use, for permission checks.
    pub fn fields(&self) -> Vec<EngineField> {
        let mut out = Vec::new();
        fields_of(&self.filter, &mut out);
        out
    }
}

fn fields_of(filter: &Filter<EngineField>, out: &mut Vec<EngineField>) {
    match filter {
        Filter::All { all: branches } | Filter::Any { any: branches } => {
            branches.iter().for_each(|branch| fields_of(branch, out))
        }
        Filter::Not { not } => fields_of(not, out),
        Filter::Is(predicate) => out.push(predicate.field),
    }
}

string_enum!(
    /// The columns the result grid sorts by.
    EngineSort {
        Name = "name",
        LastContact = "last_contact",
        DaysOverdue = "days_overdue",
        Points = "points",
        TotalBought = "total_bought",
        LastPurchase = "last_purchase",
    } error "error-sort-invalid"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Test, Value};

    #[test]
    fn a_segment_reads_from_json_with_defaults() {
        let segment: Segment = serde_json::from_str(
            r#"{"window": {"stores": [], "from": "2026-01-01"},
                "filter": {"all": [{"field": "state", "equals": "SP"},
                                   {"field": "consent_sms_whatsapp", "equals": true},
                                   {"field": "birthday", "range": {"from": "12-20", "to": "01-10"}},
                                   {"field": "email", "is_empty": false}]},
                "remove": [{"operation": "contact", "kind": "call", "from": "2026-11-01", "to": null}],
                "limit": 500}"#,
        )
        .expect("parses");
        assert_eq!(segment.check(), Ok(()));
        assert_eq!(segment.window.from, NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(segment.fields().len(), 4);
        let empty: Segment = serde_json::from_str("{}").expect("parses");
        assert_eq!(empty, Segment::default());
    }

    #[test]
    fn what_cannot_be_asked_is_refused_by_field() {
        let mut segment = Segment {
            filter: Filter::all(vec![Filter::is(
                EngineField::Birthday,
                Test::Range { from: Some(Value::text("02-30")), to: None },
            )]),
            window: PurchaseWindow {
                from: NaiveDate::from_ymd_opt(2026, 5, 1),
                to: NaiveDate::from_ymd_opt(2026, 4, 1),
                ..Default::default()
            },
            remove: Vec::new(),
            limit: Some(0),
        };
        let errors = segment.check().expect_err("refused");
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["filter.birthday", "window.to", "limit"]);
        segment.filter = Filter::is(EngineField::Email, Test::Equals(Value::text("x")));
        assert!(segment.check().is_err(), "e-mail takes only is_empty");
    }
}

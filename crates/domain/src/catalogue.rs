//! The catalogue [produtos e serviços] and the stores [lojas/empresas] that
//! sell it: what a sale names, and what the relationship engine filters
//! on (a product's group, brand and line; the store of a purchase).
use crate::document::{Document, DocumentKind};
use crate::{Money, UserId, ValidationErrors};
use serde::{Deserialize, Serialize};

string_enum!(
    /// The organisation's own lists a product is sorted by.
    ListKind { Group = "group", Brand = "brand", Line = "line" } error "error-catalogue-list-invalid"
);

/// A store as typed: its code is the one the ERP uses for it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StoreDraft {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub cnpj: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidStore {
    pub code: String,
    pub name: String,
    pub cnpj: Option<Document>,
}

impl StoreDraft {
    pub fn validate(&self) -> Result<ValidStore, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = required_code(&self.code, "code", &mut errors);
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "error-required");
        }
        let cnpj = match self.cnpj.trim() {
            "" => None,
            typed => errors.check("cnpj", Document::parse(DocumentKind::Cnpj, typed)),
        };
        errors.into_result()?;
        Ok(ValidStore { code, name, cnpj })
    }
}

/// A product or service as typed; the price in the user's writing
/// ("1.234,56"), group, brand and line by name (a new name joins its list).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProductDraft {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub price: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub line: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidProduct {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price: Money,
    /// Per list, the name it is filed under (none when left empty).
    pub lists: Vec<(ListKind, String)>,
    pub active: bool,
}

impl ProductDraft {
    pub fn validate(&self) -> Result<ValidProduct, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = required_code(&self.code, "code", &mut errors);
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "error-required");
        } else if name.chars().count() > 200 {
            errors.add("name", "error-too-long");
        }
        let unit = match self.unit.trim() {
            "" => "UN".to_string(),
            typed if typed.chars().count() > 6 => {
                errors.add("unit", "error-too-long");
                String::new()
            }
            typed => typed.to_uppercase(),
        };
        let price = errors.check("price", Money::parse(&self.price)).unwrap_or_default();
        if price.0 < 0 {
            errors.add("price", "error-money-negative");
        }
        let mut lists = Vec::new();
        for (kind, typed) in
            [(ListKind::Group, &self.group), (ListKind::Brand, &self.brand), (ListKind::Line, &self.line)]
        {
            let name = typed.trim();
            if name.chars().count() > 80 {
                errors.add(kind.as_str(), "error-too-long");
            } else if !name.is_empty() {
                lists.push((kind, name.to_string()));
            }
        }
        errors.into_result()?;
        Ok(ValidProduct { code, name, unit, price, lists, active: self.active })
    }
}

/// A code as the ERP writes it: required, at most 40 characters, no spaces
/// at the ends, compared as typed.
/// A seller code of the ERP [código do vendedor] as typed, and the user
/// (by id) whose sales it marks.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SellerCodeDraft {
    pub code: String,
    pub user_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSellerCode {
    pub code: String,
    pub user_id: UserId,
}

impl SellerCodeDraft {
    pub fn validate(&self) -> Result<ValidSellerCode, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = required_code(&self.code, "code", &mut errors);
        let user = match self.user_id.trim() {
            "" => {
                errors.add("user_id", "error-required");
                None
            }
            typed => errors
                .check("user_id", typed.parse::<uuid::Uuid>().map(UserId).map_err(|_| "error-not-found")),
        };
        errors.into_result()?;
        Ok(ValidSellerCode { code, user_id: user.unwrap_or(UserId(uuid::Uuid::nil())) })
    }
}

fn required_code(typed: &str, field: &'static str, errors: &mut ValidationErrors) -> String {
    let code = typed.trim();
    if code.is_empty() {
        errors.add(field, "error-required");
    } else if code.chars().count() > 40 {
        errors.add(field, "error-too-long");
    }
    code.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_reads_its_price_and_lists() {
        let draft = ProductDraft {
            code: " 7891 ".into(),
            name: "Pneu 175/70 R14".into(),
            unit: "un".into(),
            price: "389,90".into(),
            group: "Pneus".into(),
            brand: "Pirelli".into(),
            line: String::new(),
            active: true,
        };
        let product = draft.validate().expect("valid");
        assert_eq!(
            (product.code.as_str(), product.unit.as_str(), product.price),
            ("7891", "UN", Money(38990))
        );
        assert_eq!(
            product.lists,
            vec![(ListKind::Group, "Pneus".into()), (ListKind::Brand, "Pirelli".into())]
        );
        let bad = ProductDraft { price: "abc".into(), ..Default::default() }.validate().expect_err("invalid");
        assert_eq!(bad.fields().collect::<Vec<_>>(), ["code", "name", "price"]);
    }

    #[test]
    fn a_store_checks_its_cnpj() {
        let store =
            StoreDraft { code: "01".into(), name: "Loja Centro".into(), cnpj: "11.222.333/0001-81".into() };
        assert_eq!(store.validate().expect("valid").cnpj.map(|c| c.value), Some("11222333000181".into()));
        let bad = StoreDraft { cnpj: "11.222.333/0001-00".into(), ..store };
        assert_eq!(bad.validate().expect_err("invalid").fields().collect::<Vec<_>>(), ["cnpj"]);
    }
}

//! What a person types into the registration sheet, and its validation
//! into a party the rest of the system can trust.
use super::{Lifecycle, PartyKind, PhoneKind, ProspectState, Sex};
use crate::address::{Address, parse_district, parse_postal_code, parse_uf};
use crate::document::{Document, DocumentKind};
use crate::money::Money;
use crate::phone::{Country, Phone};
use crate::{Email, UserId, ValidationErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Raw input: every field as typed; empty means "not given".
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PartyDraft {
    /// `person` or `company`
    pub kind: String,
    /// `prospect` or `customer`
    pub lifecycle: String,
    /// For prospects: `in_progress` or `archived`
    pub prospect_state: String,
    /// For customers: one of the organisation's statuses (`active`, `simplified`, `special`, `blocked`, …)
    pub customer_status: String,
    pub full_name: String,
    /// Nome fantasia
    pub trade_name: String,
    /// `cpf`, `cnpj` or `nif`; guessed from the number when empty
    pub document_kind: String,
    pub document: String,
    /// YYYY-MM-DD
    pub birth_date: String,
    /// `f`, `m` or `x`
    pub sex: String,
    pub profession: String,
    pub football_team: String,
    pub shoe_size: String,
    pub spouse_name: String,
    /// YYYY-MM-DD
    pub spouse_birth_date: String,
    /// The responsible seller's user id
    pub seller_id: String,
    /// Status SCPC: `nada_consta`, `reabilitado`, `seprocado`, `negativado`
    pub credit_bureau_status: String,
    /// Convênio
    pub agreement: String,
    /// Complemento crediário
    pub credit_complement: String,
    /// Crédito rotativo, e.g. "1.500,00"
    pub revolving_credit_limit: String,
    pub company_sector: String,
    pub phones: Vec<PhoneDraft>,
    pub emails: Vec<String>,
    pub address: AddressDraft,
    pub tags: Vec<String>,
    /// Values of the organisation's own fields, by key.
    pub custom: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PhoneDraft {
    pub number: String,
    /// `mobile`, `landline`, `work` or `whatsapp`
    pub kind: String,
    /// Operadora
    pub carrier: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AddressDraft {
    pub street: String,
    pub number: String,
    pub complement: String,
    pub neighbourhood: String,
    pub city: String,
    /// UF in Brazil
    pub state: String,
    /// CEP in Brazil, código postal in Portugal
    pub postal_code: String,
    /// `BR` or `PT`; the organisation's country when empty
    pub country: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidPhone {
    pub phone: Phone,
    pub kind: PhoneKind,
    pub carrier: Option<String>,
}

/// A party's registration data, every field valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidParty {
    pub kind: PartyKind,
    pub lifecycle: Lifecycle,
    pub prospect_state: Option<ProspectState>,
    pub customer_status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub document: Option<Document>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub profession: Option<String>,
    pub football_team: Option<String>,
    pub shoe_size: Option<i64>,
    pub spouse_name: Option<String>,
    pub spouse_birth_date: Option<NaiveDate>,
    pub seller_id: Option<UserId>,
    pub credit_bureau_status: Option<String>,
    pub agreement: Option<String>,
    pub credit_complement: Option<String>,
    pub revolving_credit_limit: Option<Money>,
    pub company_sector: Option<String>,
    pub phones: Vec<ValidPhone>,
    pub emails: Vec<Email>,
    pub address: Option<Address>,
    pub tags: Vec<String>,
}

fn optional(
    value: &str,
    max_chars: usize,
    field: &'static str,
    errors: &mut ValidationErrors,
) -> Option<String> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max_chars {
        errors.add(field, "error-too-long");
        return None;
    }
    Some(value)
}

fn date(
    value: &str,
    field: &'static str,
    today: NaiveDate,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"));
    match parsed {
        Ok(date) if date > today => {
            errors.add(field, "error-date-future");
            None
        }
        Ok(date) if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(date) => {
            errors.add(field, "error-date-invalid");
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "error-date-invalid");
            None
        }
    }
}

/// Guesses the kind of a document from its length when the form left it
/// to us: 11 digits CPF, 14 characters CNPJ, 9 digits NIF.
fn guess_document_kind(compact: &str) -> Option<DocumentKind> {
    match compact.len() {
        11 => Some(DocumentKind::Cpf),
        14 => Some(DocumentKind::Cnpj),
        9 => Some(DocumentKind::Nif),
        _ => None,
    }
}

impl PartyDraft {
    /// Validates every field, collecting all problems at once.
    pub fn validate(
        &self,
        default_country: Country,
        today: NaiveDate,
    ) -> Result<ValidParty, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = if self.kind.trim().is_empty() {
            Some(PartyKind::Person)
        } else {
            errors.check("kind", PartyKind::parse(&self.kind))
        };
        let lifecycle = if self.lifecycle.trim().is_empty() {
            Some(Lifecycle::Customer)
        } else {
            errors.check("lifecycle", Lifecycle::parse(&self.lifecycle))
        };
        let prospect_state = match lifecycle {
            Some(Lifecycle::Prospect) if self.prospect_state.trim().is_empty() => {
                Some(ProspectState::InProgress)
            }
            Some(Lifecycle::Prospect) => {
                errors.check("prospect_state", ProspectState::parse(&self.prospect_state))
            }
            _ => None,
        };
        let customer_status = match lifecycle {
            Some(Lifecycle::Customer) => {
                let status = crate::search::fold(self.customer_status.trim());
                Some(if status.is_empty() { "active".to_string() } else { status })
            }
            _ => None,
        };

        let full_name = optional(&self.full_name, 200, "full_name", &mut errors);
        if full_name.is_none() && !errors.0.iter().any(|e| e.field == "full_name") {
            errors.add("full_name", "error-required");
        }
        let trade_name = optional(&self.trade_name, 200, "trade_name", &mut errors);

        let document = {
            let compact = crate::document::compact(&self.document);
            if compact.is_empty() {
                None
            } else {
                let kind = if self.document_kind.trim().is_empty() {
                    guess_document_kind(&compact)
                } else {
                    DocumentKind::parse(self.document_kind.trim())
                };
                match kind {
                    Some(doc_kind) => {
                        let wrong_for_party = matches!(
                            (kind_or_person(self), doc_kind),
                            (PartyKind::Person, DocumentKind::Cnpj) | (PartyKind::Company, DocumentKind::Cpf)
                        );
                        if wrong_for_party {
                            errors.add("document", "error-document-kind-mismatch");
                            None
                        } else {
                            errors.check("document", Document::parse(doc_kind, &self.document))
                        }
                    }
                    None => {
                        errors.add("document", "error-document-invalid");
                        None
                    }
                }
            }
        };

        let birth_date = date(&self.birth_date, "birth_date", today, &mut errors);
        let spouse_birth_date = date(&self.spouse_birth_date, "spouse_birth_date", today, &mut errors);
        let sex = if self.sex.trim().is_empty() { None } else { errors.check("sex", Sex::parse(&self.sex)) };
        let shoe_size = match self.shoe_size.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(size) if (15..=50).contains(&size) => Some(size),
                _ => {
                    errors.add("shoe_size", "error-shoe-size-invalid");
                    None
                }
            },
        };
        let seller_id = match self.seller_id.trim() {
            "" => None,
            text => errors.check("seller_id", text.parse::<UserId>().map_err(|_| "error-seller-invalid")),
        };
        let credit_bureau_status = match self.credit_bureau_status.trim() {
            "" => None,
            text if super::CREDIT_BUREAU_STATUSES.contains(&text) => Some(text.to_string()),
            _ => {
                errors.add("credit_bureau_status", "error-credit-bureau-invalid");
                None
            }
        };
        let revolving_credit_limit = match self.revolving_credit_limit.trim() {
            "" => None,
            text => match Money::parse(text) {
                Ok(money) if money.0 < 0 => {
                    errors.add("revolving_credit_limit", "error-money-negative");
                    None
                }
                other => errors.check("revolving_credit_limit", other),
            },
        };

        let mut phones = Vec::new();
        for (index, draft) in self.phones.iter().enumerate() {
            if draft.number.trim().is_empty() {
                continue;
            }
            let field = phone_field(index);
            let phone = errors.check(field, Phone::parse(&draft.number, default_country));
            let kind = if draft.kind.trim().is_empty() {
                Some(PhoneKind::Mobile)
            } else {
                errors.check(field, PhoneKind::parse(&draft.kind))
            };
            let carrier = optional(&draft.carrier, 40, field, &mut errors);
            if let (Some(phone), Some(kind)) = (phone, kind) {
                if !phones.iter().any(|p: &ValidPhone| p.phone == phone) {
                    phones.push(ValidPhone { phone, kind, carrier });
                }
            }
        }
        let mut emails = Vec::new();
        for (index, raw) in self.emails.iter().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            if let Some(email) = errors.check(email_field(index), Email::parse(raw)) {
                if !emails.contains(&email) {
                    emails.push(email);
                }
            }
        }

        let address = self.validate_address(default_country, &mut errors);
        let mut tags = Vec::new();
        for tag in &self.tags {
            if tag.trim().is_empty() {
                continue;
            }
            if let Some(tag) = errors.check("tags", super::parse_tag(tag)) {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }

        let profession = optional(&self.profession, 120, "profession", &mut errors);
        let football_team = optional(&self.football_team, 80, "football_team", &mut errors);
        let spouse_name = optional(&self.spouse_name, 200, "spouse_name", &mut errors);
        let agreement = optional(&self.agreement, 120, "agreement", &mut errors);
        let credit_complement = optional(&self.credit_complement, 200, "credit_complement", &mut errors);
        let company_sector = optional(&self.company_sector, 120, "company_sector", &mut errors);

        match (kind, lifecycle, full_name) {
            (Some(kind), Some(lifecycle), Some(full_name)) if errors.is_empty() => Ok(ValidParty {
                kind,
                lifecycle,
                prospect_state,
                customer_status,
                full_name,
                trade_name,
                document,
                birth_date,
                sex,
                profession,
                football_team,
                shoe_size,
                spouse_name,
                spouse_birth_date,
                seller_id,
                credit_bureau_status,
                agreement,
                credit_complement,
                revolving_credit_limit,
                company_sector,
                phones,
                emails,
                address,
                tags,
            }),
            _ => Err(errors),
        }
    }

    fn validate_address(&self, default_country: Country, errors: &mut ValidationErrors) -> Option<Address> {
        let a = &self.address;
        let country = if a.country.trim().is_empty() {
            default_country
        } else {
            match Country::parse(&a.country) {
                Some(country) => country,
                None => {
                    errors.add("address.country", "error-country-invalid");
                    return None;
                }
            }
        };
        let mut address = Address {
            street: optional(&a.street, 200, "address.street", errors).unwrap_or_default(),
            number: optional(&a.number, 20, "address.number", errors).unwrap_or_default(),
            complement: optional(&a.complement, 120, "address.complement", errors).unwrap_or_default(),
            neighbourhood: optional(&a.neighbourhood, 120, "address.neighbourhood", errors)
                .unwrap_or_default(),
            city: optional(&a.city, 120, "address.city", errors).unwrap_or_default(),
            state: String::new(),
            postal_code: String::new(),
            country,
        };
        if !a.state.trim().is_empty() {
            address.state = match country {
                Country::Brazil => errors.check("address.state", parse_uf(&a.state)).unwrap_or_default(),
                Country::Portugal => {
                    errors.check("address.state", parse_district(&a.state)).unwrap_or_default()
                }
            };
        }
        if !a.postal_code.trim().is_empty() {
            address.postal_code = errors
                .check("address.postal_code", parse_postal_code(&a.postal_code, country))
                .unwrap_or_default();
        }
        if address.is_empty() { None } else { Some(address) }
    }
}

fn kind_or_person(draft: &PartyDraft) -> PartyKind {
    PartyKind::parse(&draft.kind).unwrap_or(PartyKind::Person)
}

/// Field names for the n-th phone and e-mail, as the form names them.
pub fn phone_field(index: usize) -> &'static str {
    ["phones.0", "phones.1", "phones.2", "phones.3", "phones.4", "phones.5"]
        .get(index)
        .copied()
        .unwrap_or("phones")
}

pub fn email_field(index: usize) -> &'static str {
    ["emails.0", "emails.1", "emails.2", "emails.3", "emails.4", "emails.5"]
        .get(index)
        .copied()
        .unwrap_or("emails")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn joao() -> PartyDraft {
        PartyDraft {
            full_name: "  João   Conceição ".into(),
            document: "529.982.247-25".into(),
            birth_date: "1980-05-17".into(),
            phones: vec![PhoneDraft { number: "(11) 98765-4321".into(), ..Default::default() }],
            emails: vec!["Joao@Exemplo.com.br".into()],
            address: AddressDraft {
                city: "São Paulo".into(),
                state: "sp".into(),
                postal_code: "01310100".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_person_validates() {
        let party = joao().validate(Country::Brazil, today()).expect("valid");
        assert_eq!(party.full_name, "João Conceição");
        assert_eq!(party.kind, PartyKind::Person);
        assert_eq!(party.lifecycle, Lifecycle::Customer);
        assert_eq!(party.customer_status.as_deref(), Some("active"));
        assert_eq!(party.document.as_ref().map(|d| d.kind), Some(DocumentKind::Cpf));
        assert_eq!(party.phones[0].phone.e164(), "+5511987654321");
        assert_eq!(party.emails[0].as_str(), "joao@exemplo.com.br");
        let address = party.address.expect("address");
        assert_eq!((address.state.as_str(), address.postal_code.as_str()), ("SP", "01310-100"));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let draft = PartyDraft {
            full_name: String::new(),
            document: "123.456.789-00".into(),
            birth_date: "2099-01-01".into(),
            shoe_size: "99".into(),
            phones: vec![PhoneDraft { number: "123".into(), ..Default::default() }],
            emails: vec!["sem-arroba".into()],
            address: AddressDraft { state: "XX".into(), postal_code: "123".into(), ..Default::default() },
            ..Default::default()
        };
        let errors = draft.validate(Country::Brazil, today()).expect_err("invalid");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
        for field in [
            "full_name",
            "document",
            "birth_date",
            "shoe_size",
            "phones.0",
            "emails.0",
            "address.state",
            "address.postal_code",
        ] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn a_company_cannot_have_a_cpf() {
        let draft = PartyDraft { kind: "company".into(), ..joao() };
        let errors = draft.validate(Country::Brazil, today()).expect_err("invalid");
        assert_eq!(errors.0[0].message, "error-document-kind-mismatch");
    }
}

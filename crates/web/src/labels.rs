//! The names people read for the organisation's codes: roles, customer
//! statuses and lifecycles, interaction natures and statuses, negotiation
//! stages.
use crate::i18n::Tr;

/// A default role's translated name; a role an organisation added keeps its own.
pub fn role_name(t: &Tr, name: &str) -> String {
    let key = format!("role-name-{name}");
    if t.has(&key) { t.get(&key) } else { name.to_string() }
}

/// A negotiation stage's name: the organisation's own, or the catalogue's.
pub fn stage_label(
    t: &Tr,
    names: &app::pipeline::StageNames,
    stage: domain::pipeline::NegotiationStage,
) -> String {
    match names.own(stage) {
        Some(name) => name.to_string(),
        None => t.get(&format!("pipeline-stage-{}", stage.as_str())),
    }
}

/// A seller's name, marked when his user is disabled.
pub fn seller_label(t: &Tr, seller: &app::parties::Seller) -> String {
    if seller.active {
        seller.name.clone()
    } else {
        format!("{} ({})", seller.name, t.get("status-disabled"))
    }
}

/// Labels of statuses, kinds and channels in the user's language.
pub struct Labels;

impl Labels {
    /// (label, code) pairs for a status select: the organisation's own
    /// labels, or the catalogue's for the built-in statuses.
    pub fn options(t: &Tr, statuses: Vec<app::registry_settings::StatusView>) -> Vec<(String, String)> {
        statuses
            .into_iter()
            .map(|s| {
                let label =
                    if s.label.is_empty() { Labels::status(t, "customer", Some(&s.code)) } else { s.label };
                (label, s.code)
            })
            .collect()
    }

    pub fn status(t: &Tr, lifecycle: &str, status: Option<&str>) -> String {
        match status {
            Some(status) if lifecycle == "prospect" => t.get(&format!("prospect-{status}")),
            Some(status) => {
                let key = format!("status-customer-{status}");
                if t.has(&key) { t.get(&key) } else { status.to_string() }
            }
            None => String::new(),
        }
    }
}

/// A message's last answer: the mail server's own words as it gave them,
/// or a rule that stopped the message (stored as its message key) in the
/// reader's language.
pub fn message_answer(t: &Tr, answer: &str) -> String {
    if answer.starts_with("message-") { t.get(answer) } else { answer.to_string() }
}

/// The words a quote's documents print, in the reader's language.
pub fn quote_sheet(t: &Tr) -> render::quote::SheetLabels {
    render::quote::SheetLabels {
        cash: t.get("payment-terms-cash"),
        installments: t.with("quote-installments-of", "count", "{count}"),
        title: t.get("quote-document-title"),
        number: t.get("quote-document-number"),
        revision: t.get("quote-document-revision"),
        customer: t.get("quote-document-customer"),
        issued_on: t.get("quote-issued-on"),
        valid_until: t.get("quote-valid-until"),
        description: t.get("quote-line-description"),
        quantity: t.get("quote-line-quantity"),
        unit_price: t.get("quote-line-unit-price"),
        discount: t.get("quote-line-discount"),
        total: t.get("quote-line-total"),
        subtotal: t.get("quote-subtotal"),
        quote_discount: t.get("quote-discount"),
        freight: t.get("quote-freight"),
        grand_total: t.get("quote-total"),
        payment_terms: t.get("quote-payment-terms"),
        delivery_terms: t.get("quote-delivery-terms"),
        notes: t.get("quote-notes"),
        seller: t.get("quote-document-seller"),
        page: t.get("quote-document-page"),
    }
}

/// The words a sales contact's step writes: its notes, and the contracts
/// a won sale with surplus products files.
pub fn step_words(t: &Tr) -> app::follow_up::progress::StepWords {
    app::follow_up::progress::StepWords {
        contract_title: t.get("closing-contract-title"),
        surplus_contract_title: t.get("closing-surplus-contract-title"),
        customer: t.get("quote-document-customer"),
        contact: t.get("sales-contact-name"),
        date: t.get("sales-contact-contacted-on"),
        code: t.get("quote-line-product"),
        product: t.get("quote-line-description"),
        page: t.get("quote-document-page"),
        signatures: t.get("closing-contract-signatures"),
        yes: t.get("answer-yes"),
        no: t.get("answer-no"),
        won: t.get("closing-won"),
        lost: t.get("closing-lost"),
        returns_in: t.get("workflow-returns-in"),
        reopened: t.get("reopening-done"),
    }
}

/// The words of a contact's visit sheet and of the e-mail that carries it.
pub fn sheet_words(t: &Tr) -> app::follow_up::sheets::SheetWords {
    app::follow_up::sheets::SheetWords {
        title: t.get("visit-sheet"),
        customer: t.get("quote-document-customer"),
        phones: t.get("visit-sheet-phones"),
        emails: t.get("visit-sheet-emails"),
        address: t.get("visit-sheet-address"),
        contact: t.get("sales-contact-name"),
        date: t.get("sales-contact-contacted-on"),
        kind: t.get("sales-contact-type"),
        responsible: t.get("sales-contact-responsible"),
        next_return: t.get("sales-contact-next-return"),
        code: t.get("quote-line-product"),
        product: t.get("quote-line-description"),
        cycle: t.get("cycle-title"),
        notes: t.get("note-history"),
        report: ["visit-sheet-visited-on", "visit-sheet-report", "visit-sheet-signature"]
            .iter()
            .map(|key| t.get(key))
            .collect(),
        page: t.get("quote-document-page"),
        email_text: t.get("visit-sheet-email-text"),
    }
}

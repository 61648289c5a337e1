//! The customer page: the registration sheet, consent per channel and
//! its history, notes, relationships and merges, and the profile parts.
use super::profile::{HistoryQuery, ProfileParts, profile_parts, sections_of};
use super::tabs::{ProfileTab, tab_links};
use crate::error::PageResult;
use crate::extract::{Id, Page, Query};
use crate::html::components::TabLink;
use crate::i18n::Tr;
use crate::labels::{Labels, seller_label, stage_label};
use crate::layout::Shell;
use app::parties::{ConsentEventView, MergeView, NoteView, PartyView, RelationshipView};
use app::{Actor, App, AppError};
use askama::Template;
use domain::PartyId;
use domain::access::Permission;
use domain::party::{Channel, RelationshipKind};
use serde::Deserialize;

pub struct SheetFact {
    pub label: String,
    pub value: String,
}

pub struct ConsentBadge {
    pub channel: &'static str,
    pub label: String,
    pub granted: bool,
}

pub struct ConsentLine {
    pub event: ConsentEventView,
    pub channel: String,
    pub when: String,
    pub source: String,
}

/// Where a consent was recorded, in the reader's language when Vínculo
/// recorded it; what an API client or an import wrote, as written.
fn consent_source(t: &Tr, source: &str) -> String {
    match source {
        "sheet" => t.get("consent-source-screen"),
        "cadastro" => t.get("consent-source-registration"),
        "demo" => t.get("consent-source-demo"),
        other => other.to_string(),
    }
}

#[derive(Template)]
#[template(path = "customers/sheet.html")]
struct SheetPage {
    t: Tr,
    shell: Shell,
    party: PartyView,
    /// The open tab's code, and the strip to the others.
    tab: &'static str,
    tabs: Vec<TabLink>,
    status: String,
    /// A prospect's stage on the board, in words.
    negotiation: Option<String>,
    kind: String,
    lifecycle: String,
    facts: Vec<SheetFact>,
    badges: Vec<ConsentBadge>,
    consent_history: Vec<ConsentLine>,
    notes: Vec<(NoteView, String)>,
    relationships: Vec<(RelationshipView, String)>,
    merges: Vec<(MergeView, String)>,
    relationship_kinds: Vec<(&'static str, String)>,
    possible_duplicates: bool,
    address_line: String,
    /// Controls shown only to who may use them.
    can_edit: bool,
    can_delete: bool,
    profile: ProfileParts,
}

#[derive(Deserialize, Default)]
pub struct SheetQuery {
    tab: Option<String>,
    possible_duplicates: Option<String>,
    /// The history's filter: one event kind.
    history: Option<String>,
    /// The history's page: the last event of the previous one.
    before: Option<String>,
    /// The sales contacts' filter: `all` (open and closed) or open only.
    contacts: Option<String>,
}

pub async fn show(page: Page, Id(party_id): Id<PartyId>, Query(query): Query<SheetQuery>) -> PageResult {
    let actor = &page.actor;
    let app = page.app();
    let tab = ProfileTab::parse(query.tab.as_deref());
    let mut view = app.parties().profile(actor, party_id, sections_of(tab)).await?;
    let t = page.t;
    let history_query = HistoryQuery::parse(query.history.as_deref(), query.before.as_deref());
    let contacts_all = query.contacts.as_deref() == Some("all");
    let profile = profile_parts(app, actor, &t, &mut view, tab, &history_query, contacts_all).await?;
    let (party, notes) = (view.party, view.notes);
    let (facts, history, relationships, merges) = match tab {
        ProfileTab::Sheet => {
            let parties = app.parties();
            tokio::try_join!(
                sheet_facts(app, actor, &party, &t),
                parties.consent_history(actor, party_id),
                parties.relationships(actor, party_id),
                parties.merges_into(actor, party_id),
            )?
        }
        _ => Default::default(),
    };
    let portfolio = party.portfolio();
    // The organisation's stage names, for a prospect in negotiation's badge.
    let stage_names = match party.negotiation_stage {
        Some(_) => app.pipeline().stage_names(actor).await?,
        None => Default::default(),
    };
    page.render(&SheetPage {
        tab: tab.code(),
        tabs: tab_links(&t, party_id, tab, actor.can(Permission::FinancialFields)),
        can_edit: actor.may_change(Permission::PartiesEdit, portfolio),
        can_delete: actor.may_change(Permission::PartiesDelete, portfolio),
        status: Labels::status(
            &t,
            &party.lifecycle,
            party.customer_status.as_deref().or(party.prospect_state.as_deref()),
        ),
        negotiation: party
            .negotiation_stage
            .map(|stage| t.with("pipeline-at-stage", "stage", stage_label(&t, &stage_names, stage))),
        kind: t.get(&format!("kind-{}", party.kind)),
        lifecycle: t.get(&format!("lifecycle-{}", party.lifecycle)),
        facts,
        badges: Channel::ALL
            .iter()
            .map(|c| ConsentBadge {
                channel: c.as_str(),
                label: t.get(&format!("channel-{}", c.as_str())),
                granted: party.consent_for(*c),
            })
            .collect(),
        consent_history: history
            .into_iter()
            .map(|event| ConsentLine {
                channel: t.get(&format!("channel-{}", event.channel)),
                when: t.datetime(&event.at),
                source: consent_source(&t, &event.source),
                event,
            })
            .collect(),
        notes: notes
            .into_iter()
            .map(|n| {
                let when = t.datetime(&n.created_at);
                (n, when)
            })
            .collect(),
        relationships: relationships
            .into_iter()
            .map(|r| {
                let kind = t.get(&format!("relationship-{}", r.kind));
                (r, kind)
            })
            .collect(),
        merges: merges
            .into_iter()
            .map(|m| {
                let when = t.datetime(&m.at);
                (m, when)
            })
            .collect(),
        relationship_kinds: RelationshipKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.get(&format!("relationship-{}", k.as_str()))))
            .collect(),
        possible_duplicates: query.possible_duplicates.is_some(),
        profile,
        address_line: party
            .address
            .as_ref()
            .map(|a| {
                [
                    format!("{} {}", a.street, a.number).trim().to_string(),
                    a.complement.clone(),
                    a.neighbourhood.clone(),
                    format!("{} {}", a.city, a.state).trim().to_string(),
                    a.postal_code.clone(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .unwrap_or_default(),
        t,
        shell: page.shell("customers"),
        party,
    })
}

/// The sheet's facts: the seller first, then the fixed fields, then the
/// organisation's own.
async fn sheet_facts(
    app: &App,
    actor: &Actor,
    party: &PartyView,
    t: &Tr,
) -> Result<Vec<SheetFact>, AppError> {
    let mut facts = facts(party, t);
    for field in app.registry().custom_fields(actor).await? {
        if let Some(value) = party.custom.get(&field.key) {
            facts.push(SheetFact { label: field.label, value: value.clone() });
        }
    }
    if let Some(id) = party.seller_id {
        let sellers = app.parties().sellers(actor).await?;
        if let Some(seller) = sellers.into_iter().find(|s| s.id == id) {
            facts.insert(0, SheetFact { label: t.get("party-seller"), value: seller_label(t, &seller) });
        }
    }
    Ok(facts)
}

fn facts(party: &PartyView, t: &Tr) -> Vec<SheetFact> {
    let mut facts = Vec::new();
    let mut add = |key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            facts.push(SheetFact { label: t.get(key), value });
        }
    };
    add("party-trade-name", party.trade_name.clone());
    add("party-document", party.document_formatted.clone());
    add("party-birth-date", party.birth_date.map(|d| t.date(&d)));
    add("party-sex", party.sex.as_ref().map(|s| t.get(&format!("sex-{s}"))));
    add("party-profession", party.profession.clone());
    add("party-football-team", party.football_team.clone());
    add("party-shoe-size", party.shoe_size.map(|s| s.to_string()));
    add("party-spouse-name", party.spouse_name.clone());
    add("party-spouse-birth-date", party.spouse_birth_date.map(|d| t.date(&d)));
    add(
        "party-credit-bureau",
        party.credit_bureau_status.as_ref().map(|s| t.get(&format!("credit-bureau-{s}"))),
    );
    add("party-agreement", party.agreement.clone());
    add("party-credit-complement", party.credit_complement.clone());
    add("party-revolving-credit", party.revolving_credit_limit.map(|c| t.money(c)));
    add("party-company-sector", party.company_sector.clone());
    add("party-tags", Some(party.tags.join(", ")));
    facts
}

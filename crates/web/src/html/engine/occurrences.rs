//! The customer's detail from the engine's grid (F9, as in SetaERP):
//! what the agent needs before calling, and the occurrence he records
//! after, perhaps booking the next call on his agenda.
use super::call_lists::{detail_link, next_pending};
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, Pairs, local_path, option_label, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::engine::CustomerDetail;
use askama::Template;
use domain::PartyId;
use domain::interaction::InteractionChannel;
use domain::occurrence::OccurrenceDraft;
use uuid::Uuid;

/// A contact as the detail lists it.
pub struct ContactLine {
    pub when: String,
    pub kind: String,
    pub channel: String,
    pub result: String,
    pub by: String,
    pub notes: String,
}

/// A purchase as the detail lists it.
pub struct PurchaseLine {
    pub when: String,
    pub store: String,
    pub total: String,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "engine/detail.html")]
struct DetailPage {
    t: Tr,
    shell: Shell,
    id: Uuid,
    name: String,
    back: String,
    phones: Vec<(String, String)>,
    emails: Vec<String>,
    consents: Vec<(String, bool)>,
    days_overdue: i64,
    points: String,
    total_bought: String,
    last_purchase: String,
    contacts: Vec<ContactLine>,
    purchases: Vec<PurchaseLine>,
    kinds: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    results: Vec<(String, String)>,
    form: Pairs,
    errors: FieldMessages,
    /// Working a call list: its id, and the next customer to skip to.
    call_list: String,
    skip: Option<String>,
}

impl DetailPage {
    fn sent(&self, name: &str) -> String {
        value(&self.form, name).to_string()
    }
}

/// The call list the detail was opened from, if any.
fn call_list_of(pairs: &Pairs) -> Option<Uuid> {
    value(pairs, "call_list").parse().ok()
}

/// Where to go back to: the engine's grid (or call list) the agent came from.
fn back_of(pairs: &Pairs) -> String {
    let back = local_path(Some(value(pairs, "back")));
    if back.starts_with("/engine") { back } else { "/engine".into() }
}

pub async fn detail(page: Page, Id(id): Id<Uuid>, Query(pairs): Query<Pairs>) -> PageResult {
    show(&page, id, pairs, None).await
}

async fn show(page: &Page, id: Uuid, form: Pairs, refused: Option<AppError>) -> PageResult {
    let detail = page.app().engine().customer_detail(&page.actor, PartyId(id)).await?;
    let outcome = FormOutcome::of(refused, &page.t)?;
    let mut screen = detail_page(page, id, detail, form, outcome.errors);
    if let Some(list) = call_list_of(&screen.form) {
        let (_, entries) = page.app().engine().call_list(&page.actor, list).await?;
        screen.call_list = list.to_string();
        screen.skip = next_pending(&entries, Some(id)).map(|next| detail_link(list, next));
    }
    Ok(render_with_status(outcome.status, &screen))
}

fn detail_page(
    page: &Page,
    id: Uuid,
    detail: CustomerDetail,
    form: Pairs,
    errors: FieldMessages,
) -> DetailPage {
    let t = page.t;
    let CustomerDetail { line, profile, purchases } = detail;
    let party = &profile.party;
    let consent = &party.consent;
    let name_of = |prefix: &str, options: &[app::registry_settings::StatusView], code: &str| {
        option_label(&t, prefix, options, code)
    };
    let contacts = profile
        .interactions
        .iter()
        .take(5)
        .map(|i| ContactLine {
            when: t.datetime(&i.created_at),
            kind: name_of("nature", &profile.interaction_lists.natures, &i.nature),
            channel: t.get(&format!("interaction-channel-{}", i.channel)),
            result: i
                .result
                .as_deref()
                .map(|r| name_of("occurrence-result", &profile.interaction_lists.results, r))
                .unwrap_or_default(),
            by: i.responsible.clone(),
            notes: i.description.clone(),
        })
        .collect();
    let options = |prefix: &str, list: &[app::registry_settings::StatusView]| {
        list.iter().map(|o| (o.code.clone(), name_of(prefix, list, &o.code))).collect::<Vec<_>>()
    };
    DetailPage {
        shell: page.shell("engine"),
        id,
        name: line.name.clone(),
        back: back_of(&form),
        phones: party
            .phones
            .iter()
            .map(|p| (p.formatted.clone(), p.carrier.clone().unwrap_or_default()))
            .collect(),
        emails: party.emails.clone(),
        consents: [
            ("sms_whatsapp", consent.sms_whatsapp),
            ("email", consent.email),
            ("phone", consent.phone),
            ("letter", consent.letter),
        ]
        .into_iter()
        .map(|(code, given)| (t.get(&format!("channel-{code}")), given))
        .collect(),
        days_overdue: line.days_overdue,
        points: t.integer(line.points),
        total_bought: t.money(line.total_bought.0),
        last_purchase: line.last_purchase.map(|at| t.day(&at)).unwrap_or_default(),
        contacts,
        purchases: purchases
            .iter()
            .map(|s| PurchaseLine {
                when: t.day(&s.sold_at),
                store: s.store_name.clone(),
                total: t.money(s.total.0),
                cancelled: s.cancelled_at.is_some(),
            })
            .collect(),
        kinds: options("nature", &profile.interaction_lists.natures),
        channels: [InteractionChannel::Call, InteractionChannel::WhatsApp, InteractionChannel::Sms]
            .iter()
            .map(|c| (c.as_str().to_string(), t.get(&format!("interaction-channel-{}", c.as_str()))))
            .collect(),
        results: options("occurrence-result", &profile.interaction_lists.results),
        form,
        errors,
        call_list: String::new(),
        skip: None,
        t,
    }
}

/// Records the occurrence and goes back to the grid; a refusal shows the
/// detail again with what was typed and the messages.
pub async fn register(page: Page, Id(id): Id<Uuid>, Form(form): Form<Pairs>) -> PageResult {
    let draft = OccurrenceDraft {
        kind: value(&form, "kind").to_string(),
        channel: value(&form, "channel").to_string(),
        result: value(&form, "result").to_string(),
        notes: value(&form, "notes").to_string(),
        next_contact_at: value(&form, "next_contact_at").to_string(),
        call_list_id: call_list_of(&form),
    };
    match page.app().engine().register_occurrence(&page.actor, PartyId(id), &draft).await {
        Ok(registered) => {
            let said = if registered.call_back.is_some() {
                "engine-occurrence-saved-call-back"
            } else {
                "engine-occurrence-saved"
            };
            // Working a list: on to its next customer, or back to it when done.
            let to = match draft.call_list_id {
                Some(list) => {
                    let (_, entries) = page.app().engine().call_list(&page.actor, list).await?;
                    next_pending(&entries, Some(id))
                        .map_or_else(|| format!("/engine/call-lists/{list}"), |next| detail_link(list, next))
                }
                None => back_of(&form),
            };
            page.redirect_with(&to, Flash::notice(said)).await
        }
        Err(refused @ AppError::Validation(_)) => show(&page, id, form, Some(refused)).await,
        Err(other) => Err(other.into()),
    }
}

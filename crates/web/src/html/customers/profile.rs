//! Perfil do cliente: what the customer page adds to the registration
//! sheet — vehicles owned and of interest, interactions, appointments, a
//! relationship summary and the history, read in one pass (seed 000).
use super::tabs::ProfileTab;
use crate::html::agenda::AppointmentLine;
use crate::html::components::{InteractionLabels, InteractionLine, option_label};
use crate::i18n::Tr;
use app::interactions::InteractionLists;
use app::parties::{ProfileSections, ProfileView};
use app::sales::PurchaseFigures;
use app::vehicles::{VehicleInterestView, VehicleView};
use app::{Actor, App, AppError};
use chrono::{DateTime, Utc};
use domain::PartyId;
use domain::timeline::EventKind;

/// How many open interactions and upcoming appointments the summary
/// lists; their tabs list more.
const SUMMARY_ROWS: usize = 5;

/// The notes the summary shows; the history holds all of them.
const PROFILE_NOTES: u32 = 20;

/// How many open or recent interactions, and upcoming or past
/// appointments, their tabs list; the rest are in the history.
const TAB_ROWS: usize = 50;

pub struct HistoryLine {
    pub when: String,
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub by: String,
    pub link: Option<String>,
}

pub struct InterestLine {
    pub id: uuid::Uuid,
    pub what: String,
    pub years: String,
    pub prices: String,
}

/// What the open tab shows; the parts of the other tabs stay empty.
#[derive(Default)]
pub struct ProfileParts {
    pub vehicles: Vec<VehicleView>,
    pub interests: Vec<InterestLine>,
    pub open_interactions: Vec<InteractionLine>,
    pub recent_interactions: Vec<InteractionLine>,
    pub upcoming: Vec<AppointmentLine>,
    pub past: Vec<AppointmentLine>,
    pub summary: Vec<(String, String)>,
    pub history: Vec<HistoryLine>,
    /// The kind the history is filtered on; empty for all.
    pub history_kind: String,
    pub history_kinds: Vec<(String, String)>,
    /// The address of the next (older) page of history.
    pub history_older: Option<String>,
    pub purchase_figures: Vec<(String, String)>,
    pub sales: Vec<SaleLine>,
    /// The address of the next (older) page of purchases.
    pub sales_older: Option<String>,
    pub quotes: Vec<QuoteLine>,
    pub orders: Vec<OrderLine>,
    pub contracts: Vec<crate::html::contracts::ContractLine>,
    /// The sales contacts [Vendas (follow up)], open ones or all.
    pub sales_contacts: Vec<crate::html::follow_up::list::Row>,
    pub contacts_all: bool,
    /// The revenue estimate and what it adds up.
    pub estimate_figures: Vec<(String, String)>,
    pub credit_figures: Vec<(String, String)>,
    pub installments: Vec<InstallmentLine>,
    /// Today in the organisation's zone, as a date field holds it.
    pub today: String,
    pub points_figures: Vec<(String, String)>,
    pub points: Vec<PointsLine>,
    /// Code, value and validity of the coupons for this customer.
    pub coupons: Vec<(String, String, String)>,
    /// The bonus credit the customer may spend today.
    pub bonus_available: String,
    pub bonus: Vec<BonusLine>,
}

/// A quote on the quotes tab.
pub struct QuoteLine {
    pub id: uuid::Uuid,
    pub number: i64,
    pub issued_on: String,
    pub valid_until: String,
    pub state: &'static str,
    pub state_label: String,
    pub total: String,
}

/// An order on the quotes tab.
pub struct OrderLine {
    pub id: uuid::Uuid,
    pub number: i64,
    pub quote_number: i64,
    pub destination: String,
    pub state: &'static str,
    pub state_label: String,
    pub total: String,
}

/// A lot of bonus credit on the loyalty tab.
pub struct BonusLine {
    pub when: String,
    pub by: String,
    pub amount: String,
    pub remaining: String,
    pub valid_until: String,
    /// Why it was granted, or that a sale earned it.
    pub source: String,
    /// `expired`, `cancelled`, or empty while it counts.
    pub state: &'static str,
    pub state_label: String,
}

pub struct PointsLine {
    pub when: String,
    pub kind: String,
    pub points: String,
    pub reason: String,
    pub by: String,
    pub expires: String,
}

pub struct SaleLine {
    pub id: uuid::Uuid,
    pub when: String,
    pub store: String,
    pub total: String,
    pub payment: String,
    pub seller: String,
    pub fiscal: String,
    pub cancelled: bool,
    pub cancel_reason: String,
    pub version: i64,
    /// The coupon and what it took off, when one was used.
    pub coupon: String,
    /// The bonus credit spent on it, when some was.
    pub bonus: String,
    /// Product, quantity, unit price, discount and total of each item.
    pub items: Vec<(String, String, String, String, String)>,
}

pub struct InstallmentLine {
    pub id: uuid::Uuid,
    pub sale_id: uuid::Uuid,
    pub number: String,
    pub due: String,
    pub amount: String,
    pub paid: String,
    /// `open`, `overdue`, `paid`, `renegotiated` or `cancelled`.
    pub state: &'static str,
    /// Made by a renegotiation.
    pub renegotiated: bool,
    pub state_label: String,
    /// What is still to pay, as the payment form starts it; empty when closed.
    pub open: String,
    pub paid_on: String,
    pub version: i64,
}

/// Which part of the history to show: `history=<kind>` and
/// `before=<at>,<id>` of the page's query.
pub struct HistoryQuery {
    pub kind: Option<EventKind>,
    pub before: Option<(DateTime<Utc>, uuid::Uuid)>,
}

impl HistoryQuery {
    pub fn parse(kind: Option<&str>, before: Option<&str>) -> HistoryQuery {
        let before = before.and_then(|b| b.split_once(',')).and_then(|(at, id)| {
            Some((DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc), id.parse().ok()?))
        });
        HistoryQuery { kind: kind.and_then(|k| EventKind::parse(k).ok()), before }
    }
}

fn interest_line(t: &Tr, i: VehicleInterestView) -> InterestLine {
    let range = |from: Option<String>, to: Option<String>| match (from, to) {
        (Some(a), Some(b)) if a == b => a,
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (Some(a), None) => format!("≥ {a}"),
        (None, Some(b)) => format!("≤ {b}"),
        (None, None) => String::new(),
    };
    InterestLine {
        id: i.id,
        what: [i.make, i.model].join(" ").trim().to_string(),
        years: range(i.year_from.map(|y| y.to_string()), i.year_to.map(|y| y.to_string())),
        prices: range(i.price_min.map(|p| t.money(p)), i.price_max.map(|p| t.money(p))),
    }
}

/// What the customer's page reads for a tab.
pub fn sections_of(tab: ProfileTab) -> ProfileSections {
    ProfileSections {
        vehicles: matches!(tab, ProfileTab::Summary | ProfileTab::Vehicles),
        interactions: matches!(tab, ProfileTab::Summary | ProfileTab::Interactions),
        appointments: matches!(tab, ProfileTab::Summary | ProfileTab::Agenda),
        notes: if tab == ProfileTab::Summary { PROFILE_NOTES } else { 0 },
        figures: tab == ProfileTab::Summary,
    }
}

/// The open tab's parts, from what [`sections_of`] read; the history tab
/// reads its page of events here.
pub async fn profile_parts(
    app: &App,
    actor: &Actor,
    t: &Tr,
    profile: &mut ProfileView,
    tab: ProfileTab,
    history: &HistoryQuery,
    contacts_all: bool,
) -> Result<ProfileParts, AppError> {
    let mut parts = ProfileParts::default();
    let party = PartyId(profile.party.id);
    let rows = if tab == ProfileTab::Summary { SUMMARY_ROWS } else { TAB_ROWS };
    parts.vehicles = std::mem::take(&mut profile.vehicles);
    parts.interests =
        std::mem::take(&mut profile.interests).into_iter().map(|i| interest_line(t, i)).collect();
    let InteractionLists { natures, statuses, results } = std::mem::take(&mut profile.interaction_lists);
    let labels = InteractionLabels { natures, statuses, results };
    let (open, closed): (Vec<_>, Vec<_>) =
        std::mem::take(&mut profile.interactions).into_iter().partition(|i| !i.closed);
    let interaction_counts = (open.len() + closed.len(), open.len());
    parts.open_interactions = labels.lines(t, open.into_iter().take(rows).collect());
    if tab == ProfileTab::Interactions {
        parts.recent_interactions = labels.lines(t, closed.into_iter().take(rows).collect());
    }
    let appointments = std::mem::take(&mut profile.appointments);
    let now = app.now();
    let line = |a: &app::agenda::AppointmentView| AppointmentLine::of(t, a);
    // Newest first: the upcoming ones are read soonest first.
    let upcoming: Vec<_> =
        appointments.iter().filter(|a| a.cancelled_at.is_none() && a.ends_at >= now).rev().collect();
    let upcoming_count = upcoming.len();
    parts.upcoming = upcoming.into_iter().take(rows).map(line).collect();
    if tab == ProfileTab::Agenda {
        parts.past = appointments
            .iter()
            .filter(|a| a.cancelled_at.is_some() || a.ends_at < now)
            .take(rows)
            .map(line)
            .collect();
    }
    if tab == ProfileTab::Summary {
        parts.summary = summary_figures(t, &parts, interaction_counts, upcoming_count);
        if let Some((figures, estimate)) = profile.figures.take() {
            parts.summary.extend(purchase_figures(t, &figures).into_iter().take(3));
            parts.summary.push((t.get("estimate-total"), t.money(estimate.total.0)));
        }
    }
    if tab == ProfileTab::Purchases {
        purchase_parts(app, actor, t, party, history, &mut parts).await?;
    }
    if tab == ProfileTab::Quotes {
        let estimate = app.quotes().revenue_estimate(actor, party).await?;
        parts.estimate_figures = vec![
            (t.get("estimate-total"), t.money(estimate.total.0)),
            (t.get("estimate-sales"), t.money(estimate.sales_12_months.0)),
            (t.get("estimate-open-quotes"), t.money(estimate.open_quotes.0)),
        ];
        parts.quotes = app
            .quotes()
            .quotes_of(actor, party)
            .await?
            .into_iter()
            .map(|quote| QuoteLine {
                id: quote.id,
                number: quote.number,
                issued_on: t.date(&quote.issued_on),
                valid_until: t.date(&quote.valid_until),
                state: quote.state.as_str(),
                state_label: t.get(&format!("quote-state-{}", quote.state.as_str())),
                total: quote.currency.written(quote.total),
            })
            .collect();
        parts.orders = app
            .orders()
            .orders_of(actor, party)
            .await?
            .into_iter()
            .map(|order| OrderLine {
                id: order.id,
                number: order.number,
                quote_number: order.quote_number,
                destination: t.get(&format!("order-destination-{}", order.destination.as_str())),
                state: order.state.as_str(),
                state_label: t.get(&format!("order-state-{}", order.state.as_str())),
                total: order.currency.written(order.total),
            })
            .collect();
    }
    if tab == ProfileTab::FollowUp {
        parts.contacts_all = contacts_all;
        parts.sales_contacts = app
            .follow_up()
            .contacts_of(actor, party, !contacts_all)
            .await?
            .into_iter()
            .map(|contact| crate::html::follow_up::list::Row::of_contact(t, contact))
            .collect();
    }
    if tab == ProfileTab::Contracts {
        parts.contracts = app
            .contracts()
            .contracts_of(actor, party)
            .await?
            .into_iter()
            .map(|contract| crate::html::contracts::ContractLine::of(t, contract))
            .collect();
    }
    if tab == ProfileTab::Finance {
        finance_parts(app, actor, t, party, &mut parts).await?;
    }
    if tab == ProfileTab::Loyalty {
        loyalty_parts(app, actor, t, party, &mut parts).await?;
    }
    if tab == ProfileTab::History {
        history_parts(app, actor, t, party, history, &mut parts).await?;
    }
    Ok(parts)
}

/// What was bought, in figures: count, total, the last twelve months
/// first (the summary shows those), then the rest.
fn purchase_figures(t: &Tr, figures: &PurchaseFigures) -> Vec<(String, String)> {
    let when = |at: &Option<DateTime<Utc>>| at.as_ref().map(|at| t.day(at)).unwrap_or_else(|| "—".into());
    vec![
        (t.get("figures-purchases"), t.integer(figures.purchase_count)),
        (t.get("figures-total-bought"), t.money(figures.total_bought.0)),
        (t.get("figures-revenue-12-months"), t.money(figures.revenue_12_months.0)),
        (t.get("figures-average-ticket"), t.money(figures.average_ticket.0)),
        (t.get("figures-largest"), t.money(figures.largest_purchase.0)),
        (t.get("figures-first"), when(&figures.first_purchase_at)),
        (t.get("figures-last"), when(&figures.last_purchase_at)),
        (t.get("figures-last-store"), figures.last_store.clone().unwrap_or_else(|| "—".into())),
    ]
}

async fn purchase_parts(
    app: &App,
    actor: &Actor,
    t: &Tr,
    party: PartyId,
    history: &HistoryQuery,
    parts: &mut ProfileParts,
) -> Result<(), AppError> {
    let sales = app.sales();
    let (figures, page) =
        tokio::try_join!(sales.figures(actor, party), sales.sales_of(actor, party, history.before))?;
    parts.purchase_figures = purchase_figures(t, &figures);
    parts.sales_older = page.next.map(|(at, id)| {
        format!("?tab=purchases&before={},{id}", at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
    });
    parts.sales = page
        .sales
        .into_iter()
        .map(|sale| SaleLine {
            id: sale.id,
            when: t.datetime(&sale.sold_at),
            store: sale.store_name,
            total: t.money(sale.total.0),
            payment: t.get(&format!("payment-{}", sale.payment.as_str())),
            seller: sale.seller_name.unwrap_or(sale.seller_code),
            fiscal: [sale.fiscal_number, sale.fiscal_key]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            cancelled: sale.cancelled_at.is_some(),
            cancel_reason: sale.cancel_reason.unwrap_or_default(),
            version: sale.version,
            bonus: if sale.bonus_used.0 > 0 { t.money(sale.bonus_used.0) } else { String::new() },
            coupon: sale
                .coupon_code
                .map(|code| format!("{code} −{}", t.money(sale.coupon_discount.0)))
                .unwrap_or_default(),
            items: sale
                .items
                .into_iter()
                .map(|item| {
                    (
                        match item.product_code {
                            Some(code) => format!("{code} · {}", item.description),
                            None => item.description,
                        },
                        domain::sale::format_quantity(item.quantity_milli),
                        t.money(item.unit_price.0),
                        if item.discount.0 == 0 { String::new() } else { t.money(item.discount.0) },
                        t.money(item.total.0),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(())
}

async fn finance_parts(
    app: &App,
    actor: &Actor,
    t: &Tr,
    party: PartyId,
    parts: &mut ProfileParts,
) -> Result<(), AppError> {
    let sales = app.sales();
    let (figures, installments) =
        tokio::try_join!(sales.figures(actor, party), sales.installments(actor, party))?;
    let Some(credit) = figures.credit else { return Err(AppError::Forbidden) };
    parts.today = app.today(actor).to_string();
    let optional = |money: Option<domain::Money>| money.map(|m| t.money(m.0)).unwrap_or_else(|| "—".into());
    parts.credit_figures = vec![
        (t.get("figures-open-balance"), t.money(credit.open_balance.0)),
        (t.get("figures-days-overdue"), t.integer(credit.days_overdue)),
        (
            t.get("figures-average-delay"),
            credit
                .average_delay_days
                .map(|days| t.with("figures-days", "days", t.one_decimal(days)))
                .unwrap_or_else(|| "—".into()),
        ),
        (t.get("figures-credit-limit"), optional(credit.revolving_credit_limit)),
        (t.get("figures-available-credit"), optional(credit.available_credit)),
        (
            t.get("figures-bureau"),
            credit
                .credit_bureau_status
                .map(|s| t.get(&format!("credit-bureau-{s}")))
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    parts.installments = installments
        .into_iter()
        .map(|i| {
            let state = if i.replaced {
                "renegotiated"
            } else if i.cancelled {
                "cancelled"
            } else if i.paid >= i.amount {
                "paid"
            } else if i.overdue {
                "overdue"
            } else {
                "open"
            };
            InstallmentLine {
                id: i.id,
                sale_id: i.sale_id,
                renegotiated: i.renegotiation_id.is_some(),
                number: i.number.to_string(),
                due: t.date(&i.due_on),
                amount: t.money(i.amount.0),
                paid: t.money(i.paid.0),
                state,
                state_label: t.get(&format!("installment-state-{state}")),
                open: if matches!(state, "open" | "overdue") {
                    domain::Money(i.amount.0 - i.paid.0).format_plain()
                } else {
                    String::new()
                },
                paid_on: i.paid_on.map(|day| t.date(&day)).unwrap_or_default(),
                version: i.version,
            }
        })
        .collect();
    Ok(())
}

async fn loyalty_parts(
    app: &App,
    actor: &Actor,
    t: &Tr,
    party: PartyId,
    parts: &mut ProfileParts,
) -> Result<(), AppError> {
    let loyalty = app.loyalty();
    let (points, coupons, bonus) = tokio::try_join!(
        loyalty.points(actor, party),
        loyalty.coupons(actor, Some(party)),
        loyalty.bonus(actor, party)
    )?;
    parts.bonus_available = t.money(bonus.available.0);
    parts.today = app.today(actor).to_string();
    parts.bonus = bonus
        .lots
        .into_iter()
        .map(|lot| {
            let state = if lot.cancelled {
                "cancelled"
            } else if lot.expired {
                "expired"
            } else {
                ""
            };
            BonusLine {
                when: t.datetime(&lot.granted_at),
                by: lot.granted_by,
                amount: t.money(lot.amount.0),
                remaining: t.money(lot.remaining.0),
                valid_until: lot.valid_until.map(|d| t.date(&d)).unwrap_or_else(|| t.get("bonus-lasts")),
                source: if lot.earned_on_sale.is_some() { t.get("bonus-earned-on-sale") } else { lot.reason },
                state,
                state_label: if state.is_empty() {
                    String::new()
                } else {
                    t.get(&format!("bonus-state-{state}"))
                },
            }
        })
        .collect();
    parts.points_figures = vec![
        (t.get("points-balance"), t.integer(points.balance)),
        (t.get("points-expiring-30"), t.integer(points.expiring_30_days)),
        (t.get("points-expired-12"), t.integer(points.expired_12_months)),
        (
            t.get("points-minimum"),
            points.minimum_redeem.map(|m| t.integer(m)).unwrap_or_else(|| t.get("loyalty-off")),
        ),
    ];
    parts.points = points
        .entries
        .into_iter()
        .map(|e| PointsLine {
            when: t.datetime(&e.at),
            kind: t.get(&format!("points-kind-{}", e.kind)),
            points: format!("{:+}", e.points),
            reason: e.reason,
            by: e.by_label,
            expires: e.expires_on.filter(|_| e.remaining > 0).map(|d| t.date(&d)).unwrap_or_default(),
        })
        .collect();
    parts.coupons = coupons
        .iter()
        .map(|c| {
            let until = c.valid_until.map(|d| t.date(&d)).unwrap_or_default();
            (c.code.clone(), crate::html::loyalty::coupon_value(t, c), until)
        })
        .collect();
    Ok(())
}

fn summary_figures(
    t: &Tr,
    parts: &ProfileParts,
    (total_interactions, open_interactions): (usize, usize),
    upcoming: usize,
) -> Vec<(String, String)> {
    let vehicles = &parts.vehicles;
    let bought_here = vehicles.iter().filter(|v| v.bought_here).count();
    vec![
        (
            t.get("summary-vehicles"),
            if bought_here == vehicles.len() && bought_here > 0 {
                t.count("summary-vehicles-all-here", bought_here as i64)
            } else {
                t.counts(
                    "summary-vehicles-value",
                    &[("count", vehicles.len() as i64), ("here", bought_here as i64)],
                )
            },
        ),
        (
            t.get("summary-interactions"),
            t.with_args(
                "summary-interactions-value",
                &[("count", total_interactions.to_string()), ("open", open_interactions.to_string())],
            ),
        ),
        (t.get("summary-appointments"), t.with("summary-appointments-value", "count", upcoming)),
        (t.get("summary-interests"), parts.interests.len().to_string()),
    ]
}

async fn history_parts(
    app: &App,
    actor: &Actor,
    t: &Tr,
    party: PartyId,
    history: &HistoryQuery,
    parts: &mut ProfileParts,
) -> Result<(), AppError> {
    let events = app.timeline().history(actor, party, history.kind, history.before).await?;
    let labels = InteractionLabels::load(app, actor).await?;
    let (natures, statuses) = (&labels.natures, &labels.statuses);
    let history_older = (events.len() as i64 == app::timeline::HISTORY_PAGE).then(|| {
        let last = &events[events.len() - 1];
        let kind = history.kind.map(|k| format!("history={}&", k.as_str())).unwrap_or_default();
        format!(
            "?tab=history&{kind}before={},{}",
            last.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            last.id
        )
    });
    let history_lines = events
        .into_iter()
        .map(|e| {
            let detail = match e.kind.as_str() {
                "consent" => t.get(&format!("channel-{}", e.detail)),
                "interaction" if e.action == "timeline-interaction-opened" => {
                    option_label(t, "nature", natures, &e.detail)
                }
                "interaction" if e.action == "timeline-occurrence-registered" => {
                    let (nature, result) = e.detail.split_once('/').unwrap_or((&e.detail, ""));
                    format!(
                        "{} · {}",
                        option_label(t, "nature", natures, nature),
                        option_label(t, "occurrence-result", &labels.results, result)
                    )
                }
                "interaction" => option_label(t, "interaction-status", statuses, &e.detail),
                "registration" if e.action == "timeline-party-updated" => e
                    .detail
                    .split(", ")
                    .filter(|f| !f.is_empty())
                    .map(|f| {
                        let key = format!("field-{f}");
                        if t.has(&key) { t.get(&key) } else { f.to_string() }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => e.detail.clone(),
            };
            let link = match (e.kind.as_str(), e.subject_id) {
                ("vehicle", Some(id)) if !e.action.contains("interest") => Some(format!("/vehicles/{id}")),
                ("interaction", Some(id)) => Some(format!("/interactions/{id}")),
                ("appointment", Some(id)) => Some(format!("/appointments/{id}")),
                ("quote", Some(id)) => Some(format!("/quotes/{id}")),
                ("order", Some(id)) => Some(format!("/orders/{id}")),
                ("sale" | "loyalty", Some(id)) => {
                    Some(ProfileTab::Purchases.url(party, Some(&format!("sale-{id}"))))
                }
                _ => None,
            };
            let action = t.get(&e.action);
            HistoryLine {
                when: t.datetime(&e.at),
                kind_label: t.get(&format!("event-kind-{}", e.kind)),
                text: if detail.is_empty() { action } else { format!("{action}: {detail}") },
                kind: e.kind,
                by: e.by,
                link,
            }
        })
        .collect();
    let mut history_kinds = vec![(String::new(), t.get("history-all"))];
    history_kinds.extend(
        EventKind::ALL.iter().map(|k| (k.as_str().to_string(), t.get(&format!("event-kind-{}", k.as_str())))),
    );
    parts.history = history_lines;
    parts.history_kind = history.kind.map(|k| k.as_str().to_string()).unwrap_or_default();
    parts.history_kinds = history_kinds;
    parts.history_older = history_older;
    Ok(())
}

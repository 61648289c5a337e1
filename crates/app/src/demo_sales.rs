//! Demo stores, a catalogue of parts and services, a points program and
//! three years of purchases for the first demo customers — repeat buyers,
//! a busier end of year, credit sales in installments (most paid, some
//! late, some still overdue) — so the Compras, Financeiro and Fidelidade
//! tabs have something to show.
use crate::AppError;
use crate::Demo;
use crate::demo::Rng;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use db::bulk::purchases::{
    KeptFigures, LoadedInstallment, LoadedPoints, LoadedSale, PartyPurchases, PurchasesOrigin, load_purchases,
};
use db::repo::{catalogue, loyalty, sale, timeline};
use domain::catalogue::{ProductDraft, StoreDraft};
use domain::document::cnpj_with_check_digits;
use domain::loyalty::{PointsKind, Program};
use domain::sale::{
    CatalogueProduct, PaymentForm, SaleContext, SaleDraft, SaleItemDraft, ValidItem, ValidSale,
    default_first_due, delay_days, split_installments,
};
use domain::timeline::{Event, EventKind};
use domain::{Money, OrgId, PartyId, ProductId, SaleId, StoreId};
use std::collections::HashMap;

const STORES: &[(&str, &str, &str)] = &[
    ("01", "Loja Centro", "11222333"),
    ("02", "Loja Shopping", "44555666"),
    ("03", "Loja Zona Norte", "77888999"),
];

/// Code, name, price, group, brand, line.
pub(crate) const PRODUCTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("REV10", "Revisão 10.000 km", "690,00", "Serviços", "Oficina", "Manutenção"),
    ("REV20", "Revisão 20.000 km", "1.190,00", "Serviços", "Oficina", "Manutenção"),
    ("OLEO", "Troca de óleo e filtro", "289,90", "Serviços", "Oficina", "Manutenção"),
    ("ALINH", "Alinhamento e balanceamento", "159,90", "Serviços", "Oficina", "Suspensão"),
    ("PN205", "Pneu 205/55 R16", "689,00", "Peças", "Pirelli", "Pneus"),
    ("PN185", "Pneu 185/65 R15", "479,00", "Peças", "Michelin", "Pneus"),
    ("BAT60", "Bateria 60Ah", "549,00", "Peças", "Moura", "Elétrica"),
    ("PAST", "Pastilhas de freio dianteiras", "329,00", "Peças", "Bosch", "Freios"),
    ("PELIC", "Película de proteção solar", "890,00", "Acessórios", "3M", "Estética"),
    ("TAPETE", "Jogo de tapetes de borracha", "219,90", "Acessórios", "Original", "Interior"),
    ("ENGATE", "Engate reboque", "1.350,00", "Acessórios", "Original", "Exterior"),
    ("MULTI", "Central multimídia", "2.490,00", "Acessórios", "Pioneer", "Som"),
];

/// At most this many purchases per demo customer.
const MOST_PURCHASES: usize = 9;

impl Demo<'_> {
    /// Adds the stores, the catalogue, the program and the purchases of the
    /// customers given, in one transaction; nothing when the organisation
    /// has stores already (a second load leaves them alone).
    pub(crate) async fn load_demo_sales(
        &self,
        org_id: OrgId,
        seed: u64,
        parties: &[PartyId],
    ) -> Result<usize, AppError> {
        if !catalogue::stores(&self.db, org_id).await?.is_empty() {
            return Ok(0);
        }
        let mut rng = Rng(seed ^ 0x5A1E_5000_0000_0014);
        let now = self.now();
        let zone = chrono_tz::America::Sao_Paulo;
        let today = now.with_timezone(&zone).date_naive();
        let mut tx = self.db.begin().await?;
        let mut stores = HashMap::new();
        for (code, name, base) in STORES {
            let draft = StoreDraft {
                code: (*code).into(),
                name: (*name).into(),
                cnpj: cnpj_with_check_digits(&format!("{base}0001")),
            };
            let store = draft.validate()?;
            stores.insert(code.to_string(), catalogue::insert_store(&mut tx, org_id, &store, now).await?);
        }
        let mut products = HashMap::new();
        for (code, name, price, group, brand, line) in PRODUCTS {
            let draft = ProductDraft {
                code: (*code).into(),
                name: (*name).into(),
                unit: "UN".into(),
                price: (*price).into(),
                group: (*group).into(),
                brand: (*brand).into(),
                line: (*line).into(),
                active: true,
            };
            let product = draft.validate()?;
            let id = catalogue::insert_product(&mut tx, org_id, &product, now).await?;
            products.insert(
                code.to_string(),
                CatalogueProduct { id, name: product.name, price: product.price, active: true },
            );
        }
        let program = Program { points_per_unit: 1, expiry_months: 12, minimum_redeem: 100, active: true };
        loyalty::save_program(&mut tx, org_id, 0, &program, now).await?;

        let store = |code: &str| stores.get(code).copied();
        let product = |code: &str| products.get(code).cloned();
        let no_coupon = |_: &str, _: Money, _: NaiveDate| Err("error-coupon-unknown");
        let no_bonus = |_: NaiveDate| Money(0);
        let context =
            SaleContext { store: &store, product: &product, coupon: &no_coupon, bonus: &no_bonus, now, zone };
        let codes: Vec<&str> = PRODUCTS.iter().map(|p| p.0).collect();
        let mut written = 0;
        for party in parties {
            // Some never bought, most bought a few times, a few keep coming back.
            let count = match rng.below(10) {
                0..=1 => 0,
                2..=7 => 1 + rng.below(4),
                _ => 5 + rng.below(MOST_PURCHASES - 4),
            };
            for _ in 0..count {
                let day = purchase_day(&mut rng, today);
                let items = (0..1 + rng.below(3))
                    .map(|_| SaleItemDraft {
                        product: (*rng.pick(&codes)).into(),
                        quantity: "1".into(),
                        ..Default::default()
                    })
                    .collect();
                let on_credit = rng.chance(40);
                let draft = SaleDraft {
                    store: (*rng.pick(&["01", "01", "02", "03"])).into(),
                    sold_at: format!("{day}T{:02}:{:02}", 9 + rng.below(10), rng.below(60)),
                    items,
                    payment: if on_credit {
                        "store_credit".into()
                    } else {
                        (*rng.pick(&["cash", "card", "card", "pix"])).into()
                    },
                    installments: if on_credit { (2 + rng.below(9)).to_string() } else { String::new() },
                    ..Default::default()
                };
                let valid = draft.validate(&context)?;
                let id = domain::SaleId::new();
                let new =
                    sale::NewSale { id, party: *party, sale: &valid, seller_id: None, external_id: None };
                sale::insert_many(&mut tx, org_id, &[new], "demo", now).await?;
                let detail = format!(
                    "{} · {}",
                    valid.total.format_plain(),
                    valid.items.iter().map(|i| i.description.as_str()).collect::<Vec<_>>().join(", ")
                );
                timeline::record(
                    &mut tx,
                    org_id,
                    &[(*party, &Event::new(EventKind::Sale, "timeline-sale-recorded", detail, Some(id.0)))],
                    "demo",
                    valid.sold_at,
                )
                .await?;
                let points = program.points_for(valid.total);
                let entry = loyalty::NewEntry {
                    party: *party,
                    kind: PointsKind::Earned.as_str(),
                    points,
                    remaining: points,
                    expires_on: program.expires_on(day),
                    sale_id: Some(id.0),
                    reason: "",
                    by: "demo",
                };
                loyalty::insert_entries(&mut tx, org_id, &[entry], valid.sold_at).await?;
                pay_past_installments(&mut tx, &mut rng, org_id, id.0, today, now).await?;
                written += 1;
            }
            sale::refresh_summary(&mut tx, org_id, *party).await?;
            loyalty::refresh_balance(&mut tx, org_id, *party).await?;
        }
        tx.commit().await?;
        Ok(written)
    }
}

/// A day in the last three years, a third of them in the weeks before Christmas.
fn purchase_day(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    let day = today - Duration::days(1 + rng.below(3 * 365) as i64);
    if !rng.chance(33) {
        return day;
    }
    let christmas = NaiveDate::from_ymd_opt(day.year(), 12, 24).unwrap_or(day);
    let before = christmas - Duration::days(rng.below(35) as i64);
    if before < today { before } else { day }
}

/// When a demo installment was paid: most that fell due were, seven in ten
/// on the day and the rest up to 25 days late; a defaulter's last four
/// months are still open, as is all that is not due yet.
fn demo_payment(rng: &mut Rng, due_on: NaiveDate, today: NaiveDate, defaulter: bool) -> Option<NaiveDate> {
    if due_on >= today || (defaulter && due_on > today - Duration::days(120)) {
        return None;
    }
    let late = if rng.chance(70) { 0 } else { 1 + rng.below(25) as i64 };
    Some((due_on + Duration::days(late)).min(today))
}

/// Most installments that fell due were paid, some late; a few are still open.
async fn pay_past_installments(
    tx: &mut db::Tx,
    rng: &mut Rng,
    org_id: OrgId,
    sale_id: uuid::Uuid,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let defaulter = rng.chance(12);
    for row in sale::installments_of_sale_in(tx, org_id, sale_id).await? {
        let Some(paid_on) = demo_payment(rng, row.due_on, today, defaulter) else { continue };
        let payment = sale::Payment {
            amount: row.amount,
            paid_on,
            closing_delay: Some(delay_days(row.due_on, paid_on)),
            by: "demo",
        };
        sale::pay(tx, org_id, row.id, row.version, &payment, now).await?;
    }
    Ok(())
}

/// Parties whose purchases go to the writer together.
const PARTIES_PER_BATCH: usize = 2_000;

/// The demo's stores, products and program as stored.
struct DemoCatalogue {
    stores: Vec<StoreId>,
    products: Vec<CatalogueProduct>,
    program: Option<Program>,
}

impl Demo<'_> {
    /// Adds `purchases` purchases spread over the demo customers who have
    /// none yet: a fifth buy nothing, most a few times, a fifth keep coming
    /// back; three years with a busier end of year; a fifth on credit, the
    /// installments that fell due mostly paid (some late, some still
    /// open); points earned, the old ones expired. Written by the bulk
    /// loader with each party's kept figures, the database to itself.
    pub async fn load_demo_purchases(
        &self,
        org_id: OrgId,
        purchases: u64,
        seed: u64,
    ) -> Result<u64, AppError> {
        let written = self.write_demo_purchases(org_id, purchases, seed).await?;
        self.db.refresh_statistics().await?;
        Ok(written)
    }

    /// [`Self::load_demo_purchases`] without refreshing the planner's statistics.
    pub(crate) async fn write_demo_purchases(
        &self,
        org_id: OrgId,
        purchases: u64,
        seed: u64,
    ) -> Result<u64, AppError> {
        let read = std::time::Instant::now();
        let catalogue = self.demo_catalogue(org_id).await?;
        let parties = sale::parties_without_purchases(&self.db, org_id).await?;
        tracing::info!(
            parties = parties.len(),
            reading_s = read.elapsed().as_secs_f64(),
            "demo purchases: buyers read"
        );
        if parties.is_empty() || catalogue.stores.is_empty() || catalogue.products.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let (sender, batches) = tokio::sync::mpsc::channel::<Vec<PartyPurchases>>(2);
        let generator = tokio::task::spawn_blocking(move || {
            let mut rng = Rng(seed ^ 0x00C0_FFEE_0000_0014);
            let zone = chrono_tz::America::Sao_Paulo;
            let today = now.with_timezone(&zone).date_naive();
            // How much each party buys, then the purchases shared out in
            // that proportion so they add up to exactly `purchases`.
            let weights: Vec<u64> = parties
                .iter()
                .map(|_| match rng.below(10) {
                    0..=1 => 0,
                    2..=7 => 1 + rng.below(4) as u64,
                    _ => 5 + rng.below(16) as u64,
                })
                .collect();
            let all: u64 = weights.iter().sum::<u64>().max(1);
            let (mut so_far, mut given) = (0_u64, 0_u64);
            let mut batch = Vec::with_capacity(PARTIES_PER_BATCH);
            for (party, weight) in parties.iter().zip(weights) {
                so_far += weight;
                let due = (u128::from(purchases) * u128::from(so_far) / u128::from(all)) as u64;
                let count = due - given;
                given = due;
                if count == 0 {
                    continue;
                }
                batch.push(party_purchases(&mut rng, &catalogue, *party, count, now, today, zone));
                if batch.len() == PARTIES_PER_BATCH
                    && sender
                        .blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(PARTIES_PER_BATCH)))
                        .is_err()
                {
                    // The writer stopped; its error tells why.
                    return;
                }
            }
            if !batch.is_empty() {
                let _ = sender.blocking_send(batch);
            }
        });
        let origin = PurchasesOrigin { org_id, by_label: "demo".into(), now };
        let written = load_purchases(&self.db, origin, purchases, db::bulk::Access::Exclusive, batches).await;
        generator.await.map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(written?)
    }

    /// The demo's stores, products and program, created first if missing.
    async fn demo_catalogue(&self, org_id: OrgId) -> Result<DemoCatalogue, AppError> {
        if catalogue::stores(&self.db, org_id).await?.is_empty() {
            self.load_demo_sales(org_id, 0, &[]).await?;
        }
        let mut tx = self.db.begin().await?;
        let stores = catalogue::stores_in(&mut tx, org_id).await?;
        let codes: Vec<String> = PRODUCTS.iter().map(|p| p.0.to_string()).collect();
        let products = catalogue::products_by_code(&mut tx, org_id, &codes).await?;
        let program = loyalty::program_in(&mut tx, org_id).await?;
        drop(tx);
        Ok(DemoCatalogue {
            stores: stores.into_iter().filter(|s| s.active).map(|s| StoreId(s.id)).collect(),
            products: products
                .into_iter()
                .filter(|p| p.active)
                .map(|p| CatalogueProduct {
                    id: ProductId(p.id),
                    name: p.name,
                    price: Money(p.price),
                    active: true,
                })
                .collect(),
            program: program.as_ref().map(crate::loyalty::program_of),
        })
    }
}

/// One party's `count` purchases in time order, with the figures the
/// sales use cases would have kept.
fn party_purchases(
    rng: &mut Rng,
    catalogue: &DemoCatalogue,
    party: PartyId,
    count: u64,
    now: DateTime<Utc>,
    today: NaiveDate,
    zone: chrono_tz::Tz,
) -> PartyPurchases {
    let mut moments: Vec<(DateTime<Utc>, NaiveDate)> = (0..count)
        .map(|_| {
            let day = purchase_day(rng, today);
            let local =
                day.and_hms_opt(9 + rng.below(10) as u32, rng.below(60) as u32, 0).unwrap_or_default();
            (zone.from_local_datetime(&local).earliest().map_or(now, |at| at.to_utc()), day)
        })
        .collect();
    moments.sort_unstable();
    let mut figures = KeptFigures::default();
    let mut sales = Vec::with_capacity(moments.len());
    for (sold_at, day) in moments {
        let lines = 1 + usize::from(rng.chance(40)) + usize::from(rng.chance(15));
        let items: Vec<ValidItem> = (0..lines)
            .map(|_| {
                let product = rng.pick(&catalogue.products);
                ValidItem {
                    product_id: Some(product.id),
                    description: product.name.clone(),
                    quantity_milli: 1000,
                    unit_price: product.price,
                    discount: Money(0),
                    total: product.price,
                }
            })
            .collect();
        let total = Money(items.iter().map(|i| i.total.0).sum());
        let on_credit = rng.chance(20);
        let payment = if on_credit { PaymentForm::StoreCredit } else { *rng.pick(&CASH_FORMS) };
        let split = if on_credit {
            split_installments(total, 2 + rng.below(5) as u32, default_first_due(day))
        } else {
            Vec::new()
        };
        let defaulter = rng.chance(12);
        let installments: Vec<LoadedInstallment> = split
            .iter()
            .map(|(due_on, amount)| LoadedInstallment {
                due_on: *due_on,
                amount: amount.0,
                paid_on: demo_payment(rng, *due_on, today, defaulter),
            })
            .collect();
        let store_id = *rng.pick(&catalogue.stores);
        let points = catalogue.program.as_ref().map_or(0, |p| p.points_for(total));
        let lot = (points > 0).then(|| {
            let expires_on = catalogue.program.as_ref().and_then(|p| p.expires_on(day));
            LoadedPoints { points, expires_on, expired: expires_on.is_some_and(|d| d <= today) }
        });
        figures.purchase_count += 1;
        figures.total_bought += total.0;
        figures.largest_purchase = figures.largest_purchase.max(total.0);
        figures.first_purchase_at = figures.first_purchase_at.or(Some(sold_at));
        if figures.last_purchase_at.is_none_or(|last| sold_at >= last) {
            figures.last_purchase_at = Some(sold_at);
            figures.last_store_id = Some(store_id);
        }
        for installment in &installments {
            match installment.paid_on {
                Some(paid_on) => {
                    figures.paid_installments += 1;
                    figures.delay_days_total += delay_days(installment.due_on, paid_on);
                }
                None if installment.amount > 0 => {
                    figures.open_balance += installment.amount;
                    figures.oldest_open_due = Some(
                        figures.oldest_open_due.map_or(installment.due_on, |d| d.min(installment.due_on)),
                    );
                }
                None => {}
            }
        }
        if let Some(lot) = lot.as_ref().filter(|lot| !lot.expired) {
            figures.points_balance += lot.points;
        }
        let history = format!(
            "{} · {}",
            total.format_plain(),
            items.iter().map(|i| i.description.as_str()).collect::<Vec<_>>().join(", ")
        );
        let sale = ValidSale {
            store_id,
            sold_at,
            seller_code: String::new(),
            items,
            total,
            coupon: None,
            bonus: Money(0),
            payment,
            installments: split,
            fiscal_number: String::new(),
            fiscal_key: String::new(),
        };
        sales.push(LoadedSale { id: SaleId::new(), sale, installments, points: lot, history });
    }
    PartyPurchases { party, sales, figures }
}

const CASH_FORMS: [PaymentForm; 4] =
    [PaymentForm::Cash, PaymentForm::Card, PaymentForm::Card, PaymentForm::Pix];

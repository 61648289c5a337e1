//! Demo stores, a catalogue of parts and services, a points program and
//! three years of purchases for the first demo customers — repeat buyers,
//! a busier end of year, credit sales in installments (most paid, some
//! late, some still overdue) — so the Compras, Financeiro and Fidelidade
//! tabs have something to show.
use crate::AppError;
use crate::Demo;
use crate::demo::Rng;
use chrono::{Datelike, Duration, NaiveDate};
use db::repo::{catalogue, loyalty, sale, timeline};
use domain::catalogue::{ProductDraft, StoreDraft};
use domain::document::cnpj_with_check_digits;
use domain::loyalty::{PointsKind, Program};
use domain::sale::{CatalogueProduct, SaleContext, SaleDraft, SaleItemDraft, delay_days};
use domain::timeline::{Event, EventKind};
use domain::{Money, OrgId, PartyId};
use std::collections::HashMap;

const STORES: &[(&str, &str, &str)] = &[
    ("01", "Loja Centro", "11222333"),
    ("02", "Loja Shopping", "44555666"),
    ("03", "Loja Zona Norte", "77888999"),
];

/// Code, name, price, group, brand, line.
const PRODUCTS: &[(&str, &str, &str, &str, &str, &str)] = &[
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
        let context = SaleContext { store: &store, product: &product, coupon: &no_coupon, now, zone };
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
                let origin = sale::SaleOrigin { seller_id: None, external_id: None, by: "demo" };
                let id = sale::insert(&mut tx, org_id, *party, &valid, &origin, now).await?;
                let detail = format!(
                    "{} · {}",
                    valid.total.format_plain(),
                    valid.items.iter().map(|i| i.description.as_str()).collect::<Vec<_>>().join(", ")
                );
                timeline::record(
                    &mut tx,
                    org_id,
                    *party,
                    &Event::new(EventKind::Sale, "timeline-sale-recorded", detail, Some(id.0)),
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
                loyalty::insert_entry(&mut tx, org_id, &entry, valid.sold_at).await?;
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
    for row in sale::installments_of_sale(tx, org_id, sale_id).await? {
        if row.due_on >= today || (defaulter && row.due_on > today - Duration::days(120)) {
            continue;
        }
        let late = if rng.chance(70) { 0 } else { 1 + rng.below(25) as i64 };
        let paid_on = (row.due_on + Duration::days(late)).min(today);
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

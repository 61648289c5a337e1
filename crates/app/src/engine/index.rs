//! The relationship engine in memory: one organisation's customers as
//! rows of narrow values, their purchases as columns (16 bytes a sale)
//! grouped per customer and sorted by day, and each clause of a segment
//! evaluated to a set of customers (a bitmap). It answers exactly what the
//! SQL compiler answers, three-valued logic included: a clause on a value
//! the customer does not have is unknown, and `not` of unknown is still
//! unknown (the property test holds the two paths together).
use chrono::{Datelike, Duration, Months, NaiveDate};
use chrono_tz::Tz;
use db::repo::engine::{IndexedCustomer, IndexedSaleItem};
use domain::access::Reach;
use domain::engine::{EngineField, EngineSort, Operation, PurchaseWindow, Segment};
use domain::filter::{Filter, Test, Value};
use roaring::RoaringBitmap;
use std::collections::HashMap;
use uuid::Uuid;

/// Interned text: each distinct value once.
#[derive(Default)]
struct Symbols {
    ids: HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Symbols {
    fn of(&mut self, text: &str) -> u32 {
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }
}

/// A customer's values as the clauses read them.
struct Customer {
    id: Uuid,
    alive: bool,
    sort_name: Box<str>,
    customer_status: Option<u32>,
    credit_bureau_status: Option<u32>,
    sex: Option<u32>,
    city_key: u32,
    state: u32,
    seller: Option<Uuid>,
    branch: Option<Uuid>,
    shoe_size: Option<i64>,
    birth: Option<NaiveDate>,
    spouse_birth: Option<NaiveDate>,
    revolving_credit: Option<i64>,
    open_balance: i64,
    oldest_open_due: Option<NaiveDate>,
    paid_installments: i64,
    delay_days_total: i64,
    points: i64,
    consents: [bool; 4],
    has_email: bool,
    /// The kept figures the grid sorts by, as SQL reads them.
    total_bought: i64,
    last_purchase_at: Option<chrono::DateTime<chrono::Utc>>,
    tags: Box<[u32]>,
    /// Where its sales are in the fact columns.
    facts: std::ops::Range<u32>,
}

/// The sales, one entry per column: 16 bytes a sale.
#[derive(Default)]
struct Facts {
    /// The organisation's local day it was made on (days from the common era).
    day: Vec<i32>,
    store: Vec<u16>,
    /// 0: none; otherwise the seller's place in `sellers` + 1.
    seller: Vec<u16>,
    /// Cents; a sale over u32::MAX cents (R$ 42.9 million) is kept at that.
    amount: Vec<u32>,
    /// What its items were filed under: a place in `baskets`.
    basket: Vec<u32>,
}

/// Why the index cannot answer a segment (the SQL path does).
#[derive(Debug, PartialEq, Eq)]
pub struct NotIndexed(pub &'static str);

/// One organisation's customers and purchases.
pub struct EngineIndex {
    zone: Tz,
    customers: Vec<Customer>,
    /// The customers still live, as a set.
    alive: RoaringBitmap,
    by_id: HashMap<Uuid, u32>,
    symbols: Symbols,
    facts: Facts,
    /// Sale columns no customer points at any more (replaced on an update).
    stale_facts: usize,
    stores: Vec<Uuid>,
    store_ids: HashMap<Uuid, u16>,
    sellers: Vec<Uuid>,
    seller_ids: HashMap<Uuid, u16>,
    /// Catalogue list id → (kind, name).
    lists: HashMap<Uuid, (u8, u32)>,
    /// Each distinct set of (kind, name) an item was filed under.
    baskets: Vec<Box<[(u8, u32)]>>,
    basket_ids: HashMap<Box<[(u8, u32)]>, u32>,
}

/// A clause's answer: who it holds for, and who it fails for; the rest is unknown.
#[derive(Clone, Debug, Default)]
pub struct Tri {
    pub holds: RoaringBitmap,
    pub fails: RoaringBitmap,
}

impl Tri {
    fn not(self) -> Tri {
        Tri { holds: self.fails, fails: self.holds }
    }

    fn and(self, other: &Tri) -> Tri {
        Tri { holds: self.holds & &other.holds, fails: self.fails | &other.fails }
    }

    fn or(self, other: &Tri) -> Tri {
        Tri { holds: self.holds | &other.holds, fails: self.fails & &other.fails }
    }
}

const LIST_KINDS: [&str; 3] = ["group", "brand", "line"];

impl EngineIndex {
    /// An empty index for the organisation's zone and catalogue lists;
    /// [`EngineIndex::put_customers`] then [`EngineIndex::feed`] fill it.
    pub fn new(zone: Tz, lists: Vec<(Uuid, String, String)>) -> EngineIndex {
        let mut index = EngineIndex {
            zone,
            customers: Vec::new(),
            alive: RoaringBitmap::new(),
            by_id: HashMap::new(),
            symbols: Symbols::default(),
            facts: Facts::default(),
            stale_facts: 0,
            stores: Vec::new(),
            store_ids: HashMap::new(),
            sellers: Vec::new(),
            seller_ids: HashMap::new(),
            lists: HashMap::new(),
            baskets: vec![Box::new([])],
            basket_ids: HashMap::new(),
        };
        for (id, kind, name) in lists {
            if let Some(k) = LIST_KINDS.iter().position(|known| *known == kind) {
                let name = index.symbols.of(&name);
                index.lists.insert(id, (k as u8, name));
            }
        }
        index
    }

    /// Forgets the parties that moved before they are read again (a party
    /// no longer read is gone: merged or archived). Their old sales stay in
    /// the columns, unreferenced.
    pub fn forget(&mut self, moved: &[Uuid]) {
        for id in moved {
            if let Some(&at) = self.by_id.get(id) {
                let customer = &mut self.customers[at as usize];
                customer.alive = false;
                self.alive.remove(at);
                self.stale_facts += customer.facts.len();
                customer.facts = 0..0;
            }
        }
    }

    /// How much of the fact columns no customer points at.
    pub fn stale_share(&self) -> f64 {
        if self.facts.day.is_empty() { 0.0 } else { self.stale_facts as f64 / self.facts.day.len() as f64 }
    }

    pub fn customers(&self) -> usize {
        self.customers.iter().filter(|c| c.alive).count()
    }

    pub fn sales(&self) -> usize {
        self.facts.day.len() - self.stale_facts
    }

    /// Puts the customers read (new ones, or again), without their sales:
    /// the feed that follows gives them.
    pub fn put_customers(
        &mut self,
        customers: Vec<IndexedCustomer>,
        tags: Vec<(Uuid, String)>,
    ) -> SalesFeed<'_> {
        let mut tags_of: HashMap<Uuid, Vec<u32>> = HashMap::new();
        for (party, tag) in tags {
            let tag = self.symbols.of(&tag);
            tags_of.entry(party).or_default().push(tag);
        }
        let mut fed: HashMap<Uuid, u32> = HashMap::with_capacity(customers.len());
        self.customers.reserve(customers.len());
        for row in customers {
            let customer = Customer {
                id: row.id,
                alive: true,
                sort_name: row.sort_name.into_boxed_str(),
                customer_status: row.customer_status.as_deref().map(|s| self.symbols.of(s)),
                credit_bureau_status: row.credit_bureau_status.as_deref().map(|s| self.symbols.of(s)),
                sex: row.sex.as_deref().map(|s| self.symbols.of(s)),
                city_key: self.symbols.of(&row.city_key),
                state: self.symbols.of(&row.state),
                seller: row.seller_id,
                branch: row.branch_id,
                shoe_size: row.shoe_size,
                birth: row.birth_date,
                spouse_birth: row.spouse_birth_date,
                revolving_credit: row.revolving_credit_limit,
                open_balance: row.open_balance,
                oldest_open_due: row.oldest_open_due,
                paid_installments: row.paid_installments,
                delay_days_total: row.delay_days_total,
                points: row.points_balance,
                consents: [
                    row.consent_sms_whatsapp,
                    row.consent_email,
                    row.consent_phone,
                    row.consent_letter,
                ],
                has_email: row.has_email,
                total_bought: row.total_bought,
                last_purchase_at: row.last_purchase_at,
                tags: tags_of.remove(&row.id).unwrap_or_default().into_boxed_slice(),
                facts: 0..0,
            };
            let at = match self.by_id.get(&row.id) {
                Some(&at) => {
                    self.customers[at as usize] = customer;
                    at
                }
                None => {
                    let at = self.customers.len() as u32;
                    self.customers.push(customer);
                    self.by_id.insert(row.id, at);
                    at
                }
            };
            fed.insert(row.id, at);
            self.alive.insert(at);
        }
        SalesFeed { index: self, fed, sale: None, basket: Vec::new(), last_party: None }
    }

    fn basket(&mut self, entries: Vec<(u8, u32)>) -> u32 {
        if entries.is_empty() {
            return 0;
        }
        let entries = entries.into_boxed_slice();
        if let Some(&id) = self.basket_ids.get(&entries) {
            return id;
        }
        let id = self.baskets.len() as u32;
        self.baskets.push(entries.clone());
        self.basket_ids.insert(entries, id);
        id
    }

    fn store(&mut self, id: Uuid) -> u16 {
        if let Some(&at) = self.store_ids.get(&id) {
            return at;
        }
        let at = self.stores.len() as u16;
        self.stores.push(id);
        self.store_ids.insert(id, at);
        at
    }

    fn seller(&mut self, id: Uuid) -> u16 {
        if let Some(&at) = self.seller_ids.get(&id) {
            return at;
        }
        let at = self.sellers.len() as u16;
        self.sellers.push(id);
        self.seller_ids.insert(id, at);
        at
    }

    /// Whether every clause of the segment is one the index keeps.
    pub fn answers(segment: &Segment) -> Result<(), NotIndexed> {
        use EngineField::*;
        for field in segment.fields() {
            if matches!(
                field,
                Profession
                    | FootballTeam
                    | Neighbourhood
                    | AddressComplement
                    | Carrier
                    | Phone
                    | Agreement
                    | CreditComplement
                    | LastCall
                    | PointsExpired
                    | PointsToExpire
            ) {
                return Err(NotIndexed(field.as_str()));
            }
        }
        if segment.remove.iter().any(|r| r.operation != Operation::Sale) {
            return Err(NotIndexed("remove"));
        }
        Ok(())
    }

    /// The customers within the reach: alive, and the branch's or the seller's.
    fn reached(&self, reach: Reach) -> RoaringBitmap {
        if reach == Reach::Everything {
            return self.alive.clone();
        }
        self.customers
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.alive
                    && match reach {
                        Reach::Everything => true,
                        Reach::Branch(branch) => c.branch == Some(branch.0),
                        Reach::OwnedBy(user) => c.seller == Some(user.0),
                    }
            })
            .map(|(at, _)| at as u32)
            .collect()
    }

    /// Who the segment selects within the reach, on `today`, with each
    /// clause's answer taken from `cache` when it holds one.
    pub fn select(
        &self,
        segment: &Segment,
        reach: Reach,
        today: NaiveDate,
        cache: &mut ClauseCache,
    ) -> Result<RoaringBitmap, NotIndexed> {
        EngineIndex::answers(segment)?;
        let reached = self.reached(reach);
        let mut chosen = self.tree(&segment.filter, &segment.window, today, cache).holds & &reached;
        for removal in &segment.remove {
            let from = removal.from.map(|d| d.num_days_from_ce());
            let to = removal.to.map(|d| d.num_days_from_ce());
            let had: RoaringBitmap = chosen
                .iter()
                .filter(|&at| {
                    self.sales_of(at).any(|f| {
                        let day = self.facts.day[f];
                        from.is_none_or(|from| day >= from) && to.is_none_or(|to| day <= to)
                    })
                })
                .collect();
            chosen -= had;
        }
        if let Some(limit) = segment.limit {
            chosen = self.first_by_name(&chosen, limit as usize);
        }
        Ok(chosen)
    }

    /// The first `limit` of the chosen by (name, id), as the SQL orders them.
    fn first_by_name(&self, chosen: &RoaringBitmap, limit: usize) -> RoaringBitmap {
        let mut all: Vec<u32> = chosen.iter().collect();
        if all.len() <= limit {
            return chosen.clone();
        }
        let key = |at: &u32| {
            let c = &self.customers[*at as usize];
            (&c.sort_name, c.id)
        };
        all.select_nth_unstable_by(limit, |a, b| key(a).cmp(&key(b)));
        all.truncate(limit);
        all.into_iter().collect()
    }

    /// How many of the chosen allow each channel (SMS/WhatsApp, e-mail, phone, letter).
    pub fn channels(&self, chosen: &RoaringBitmap) -> [u64; 4] {
        let mut counts = [0; 4];
        for at in chosen {
            let consents = self.customers[at as usize].consents;
            for (count, allowed) in counts.iter_mut().zip(consents) {
                *count += u64::from(allowed);
            }
        }
        counts
    }

    /// The ids of the chosen on one page of the grid, sorted as the SQL
    /// sorts it (customers without the value last, then by name and id);
    /// `None` for a column the index does not keep (the last contact).
    pub fn page(
        &self,
        chosen: &RoaringBitmap,
        sort: EngineSort,
        descending: bool,
        offset: usize,
        limit: usize,
    ) -> Option<Vec<Uuid>> {
        use std::cmp::Ordering;
        let directed = |order: Ordering| if descending { order.reverse() } else { order };
        let by_name =
            |a: &Customer, b: &Customer| directed(a.sort_name.cmp(&b.sort_name).then(a.id.cmp(&b.id)));
        fn none_last<T: Ord>(a: &Option<T>, b: &Option<T>, order: impl Fn(&T, &T) -> Ordering) -> Ordering {
            match (a, b) {
                (Some(a), Some(b)) => order(a, b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        let compare = |a: &u32, b: &u32| {
            let (a, b) = (&self.customers[*a as usize], &self.customers[*b as usize]);
            let first = match sort {
                EngineSort::Name => Ordering::Equal,
                // The oldest due date first is the longest overdue first.
                EngineSort::DaysOverdue => {
                    none_last(&a.oldest_open_due, &b.oldest_open_due, |x, y| directed(x.cmp(y).reverse()))
                }
                EngineSort::Points => directed(a.points.cmp(&b.points)),
                EngineSort::TotalBought => directed(a.total_bought.cmp(&b.total_bought)),
                EngineSort::LastPurchase => {
                    none_last(&a.last_purchase_at, &b.last_purchase_at, |x, y| directed(x.cmp(y)))
                }
                EngineSort::LastContact => Ordering::Equal,
            };
            first.then_with(|| by_name(a, b))
        };
        if sort == EngineSort::LastContact {
            return None;
        }
        let mut all: Vec<u32> = chosen.iter().collect();
        let end = (offset + limit).min(all.len());
        if end < all.len() {
            all.select_nth_unstable_by(end, compare);
            all.truncate(end);
        }
        all.sort_unstable_by(compare);
        Some(all.into_iter().skip(offset).map(|at| self.customers[at as usize].id).collect())
    }

    fn tree(
        &self,
        filter: &Filter<EngineField>,
        window: &PurchaseWindow,
        today: NaiveDate,
        cache: &mut ClauseCache,
    ) -> Tri {
        match filter {
            Filter::All { all } => {
                let mut answer = Tri { holds: self.everyone(), fails: RoaringBitmap::new() };
                for branch in all {
                    answer = answer.and(&self.tree(branch, window, today, cache));
                }
                answer
            }
            Filter::Any { any } => {
                let mut answer = Tri { holds: RoaringBitmap::new(), fails: self.everyone() };
                for branch in any {
                    answer = answer.or(&self.tree(branch, window, today, cache));
                }
                answer
            }
            Filter::Not { not } => self.tree(not, window, today, cache).not(),
            Filter::Is(predicate) => {
                let key = clause_key(predicate.field, &predicate.test, window, today);
                if let Some(answer) = cache.clauses.get(&key) {
                    return answer.clone();
                }
                let answer = self.clause(predicate.field, &predicate.test, window, today, cache);
                cache.clauses.insert(key, answer.clone());
                answer
            }
        }
    }

    fn everyone(&self) -> RoaringBitmap {
        self.alive.clone()
    }

    fn sales_of(&self, at: u32) -> impl Iterator<Item = usize> + '_ {
        let range = &self.customers[at as usize].facts;
        (range.start as usize)..(range.end as usize)
    }

    /// One clause over every live customer. Texts are judged once per
    /// distinct value, the window's figures once per window.
    fn clause(
        &self,
        field: EngineField,
        test: &Test,
        window: &PurchaseWindow,
        today: NaiveDate,
        cache: &mut ClauseCache,
    ) -> Tri {
        use EngineField::*;
        let as_is: fn(&str) -> String = |t| t.trim().to_string();
        let normalise: Option<fn(&str) -> String> = match field {
            CustomerStatus | CreditBureauStatus | Sex | ProductGroup | ProductBrand | ProductLine => {
                Some(as_is)
            }
            City | Tag => Some(|t| domain::search::fold(t.trim())),
            State => Some(domain::address::canonical_state),
            _ => None,
        };
        let verdicts = normalise.map(|normalise| {
            let prepared = prepare(test, normalise);
            let of_text =
                self.symbols.texts.iter().map(|text| prepared_text_test(Some(text), &prepared)).collect();
            Verdicts { of_text, of_none: prepared_text_test(None, &prepared) }
        });
        let figures =
            matches!(field, PurchaseCount | TotalBought | LargestPurchase | LastPurchase).then(|| {
                let key = serde_json::to_string(window).unwrap_or_default();
                cache
                    .figures
                    .entry(key)
                    .or_insert_with(|| std::sync::Arc::new(self.figures(&self.window(window))))
                    .clone()
            });
        let judge = Judge {
            index: self,
            field,
            test,
            name_test: (field == Name).then(|| prepare(test, |t| domain::party::sort_name(t.trim()))),
            verdicts,
            figures,
            window: self.window(window),
            today,
        };
        let mut answer = Tri::default();
        for (at, customer) in self.customers.iter().enumerate() {
            if !customer.alive {
                continue;
            }
            // `insert`, not `push`: roaring's `push` looks for a dense
            // container's maximum from its end, 1,024 words, at every call.
            match judge.of(at as u32, customer) {
                Some(true) => {
                    answer.holds.insert(at as u32);
                }
                Some(false) => {
                    answer.fails.insert(at as u32);
                }
                None => {}
            }
        }
        answer
    }

    /// Each customer's count, total, largest and last purchase in the window.
    fn figures(&self, window: &Window) -> WindowFigures {
        let n = self.customers.len();
        let mut figures = WindowFigures {
            count: vec![0; n],
            total: vec![0; n],
            largest: vec![0; n],
            last: vec![i32::MIN; n],
        };
        let facts = &self.facts;
        for (at, customer) in self.customers.iter().enumerate() {
            for f in (customer.facts.start as usize)..(customer.facts.end as usize) {
                let day = facts.day[f];
                if !window.in_period(day)
                    || window.stores.as_ref().is_some_and(|stores| !stores.contains(&facts.store[f]))
                {
                    continue;
                }
                let amount = i64::from(facts.amount[f]);
                figures.count[at] += 1;
                figures.total[at] += amount;
                figures.largest[at] = figures.largest[at].max(amount);
                figures.last[at] = figures.last[at].max(day);
            }
        }
        figures
    }

    fn window(&self, window: &PurchaseWindow) -> Window {
        Window {
            stores: (!window.stores.is_empty())
                .then(|| window.stores.iter().filter_map(|s| self.store_ids.get(s).copied()).collect()),
            from: window.from.map(|d| d.num_days_from_ce()),
            to: window.to.map(|d| d.num_days_from_ce()),
        }
    }
}

/// Takes the sales of the customers just put, item by item in the order
/// of each one's history ([`db::repo::engine::each_sale_item`]), and
/// writes each sale's columns once its items are all in.
pub struct SalesFeed<'a> {
    index: &'a mut EngineIndex,
    /// The customers put, by id: only their sales are taken.
    fed: HashMap<Uuid, u32>,
    /// The sale being read: its customer and first row.
    sale: Option<(u32, IndexedSaleItem)>,
    basket: Vec<(u8, u32)>,
    last_party: Option<u32>,
}

impl SalesFeed<'_> {
    pub fn push(&mut self, row: IndexedSaleItem) {
        if self.sale.as_ref().is_none_or(|(_, sale)| sale.sale_id != row.sale_id) {
            self.flush();
            let Some(&at) = self.fed.get(&row.party_id) else {
                return;
            };
            self.sale = Some((at, row.clone()));
        }
        if self.sale.is_none() {
            return;
        }
        // Filed by the column that names the list, as the SQL joins it.
        for (kind, list) in [(0u8, row.group_id), (1, row.brand_id), (2, row.line_id)] {
            if let Some(&(_, name)) = list.and_then(|list| self.index.lists.get(&list)) {
                self.basket.push((kind, name));
            }
        }
    }

    /// Writes the last sale.
    pub fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        let Some((at, sale)) = self.sale.take() else {
            return;
        };
        let mut basket = std::mem::take(&mut self.basket);
        basket.sort_unstable();
        basket.dedup();
        let index = &mut *self.index;
        let basket = index.basket(basket);
        let fact = index.facts.day.len() as u32;
        let customer = &mut index.customers[at as usize];
        if self.last_party == Some(at) {
            customer.facts.end = fact + 1;
        } else {
            customer.facts = fact..fact + 1;
        }
        self.last_party = Some(at);
        let store = index.store(sale.store_id);
        let seller = sale.seller_id.map_or(0, |s| index.seller(s) + 1);
        index.facts.day.push(sale.sold_at.with_timezone(&index.zone).date_naive().num_days_from_ce());
        index.facts.store.push(store);
        index.facts.seller.push(seller);
        index.facts.amount.push(u32::try_from(sale.total.max(0)).unwrap_or(u32::MAX));
        index.facts.basket.push(basket);
    }
}

/// Answers of clauses already evaluated, and each window's figures, for
/// one state of the index.
#[derive(Default)]
pub struct ClauseCache {
    clauses: HashMap<String, Tri>,
    figures: HashMap<String, std::sync::Arc<WindowFigures>>,
}

/// Per customer, within one window: how many purchases, their total, the
/// largest, and the last day (`i32::MIN`: none).
struct WindowFigures {
    count: Vec<i64>,
    total: Vec<i64>,
    largest: Vec<i64>,
    last: Vec<i32>,
}

/// A text clause judged once per distinct text, and for no text at all.
struct Verdicts {
    of_text: Vec<Option<bool>>,
    of_none: Option<bool>,
}

impl Verdicts {
    fn of(&self, symbol: Option<u32>) -> Option<bool> {
        symbol.map_or(self.of_none, |s| self.of_text[s as usize])
    }
}

impl ClauseCache {
    pub fn len(&self) -> usize {
        self.clauses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Keeps the cache from growing without end on a busy screen.
    pub fn trim(&mut self, most: usize) {
        if self.clauses.len() > most {
            self.clauses.clear();
        }
        // A window's figures are a few arrays of the customers' size.
        if self.figures.len() > 8 {
            self.figures.clear();
        }
    }
}

fn clause_key(field: EngineField, test: &Test, window: &PurchaseWindow, today: NaiveDate) -> String {
    let test = serde_json::to_string(test).unwrap_or_default();
    let window = serde_json::to_string(window).unwrap_or_default();
    format!("{}|{test}|{window}|{today}", field.as_str())
}

/// The window as the fact columns read it.
struct Window {
    stores: Option<Vec<u16>>,
    from: Option<i32>,
    to: Option<i32>,
}

impl Window {
    fn in_period(&self, day: i32) -> bool {
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }
}

/// Judges one clause customer by customer, as SQL would.
struct Judge<'a> {
    index: &'a EngineIndex,
    field: EngineField,
    test: &'a Test,
    /// The name test with its values normalised once.
    name_test: Option<Test>,
    verdicts: Option<Verdicts>,
    figures: Option<std::sync::Arc<WindowFigures>>,
    window: Window,
    today: NaiveDate,
}

impl Judge<'_> {
    fn of(&self, at: u32, c: &Customer) -> Option<bool> {
        use EngineField::*;
        let verdict = |symbol: Option<u32>| self.verdicts.as_ref().and_then(|v| v.of(symbol));
        match self.field {
            Name => prepared_text_test(Some(&c.sort_name), self.name_test.as_ref().unwrap_or(self.test)),
            CustomerStatus => verdict(c.customer_status),
            CreditBureauStatus => verdict(c.credit_bureau_status),
            Sex => verdict(c.sex),
            City => verdict(Some(c.city_key)),
            State => verdict(Some(c.state)),
            Seller => id_test(c.seller, self.test),
            ShoeSize => number_test(c.shoe_size, self.test),
            RevolvingCredit => number_test(c.revolving_credit, self.test),
            PointsBalance => number_test(Some(c.points), self.test),
            AvailableCredit => number_test(c.revolving_credit.map(|limit| limit - c.open_balance), self.test),
            ConsentSmsWhatsapp => Some(c.consents[0] == wanted(self.test)),
            ConsentEmail => Some(c.consents[1] == wanted(self.test)),
            ConsentPhone => Some(c.consents[2] == wanted(self.test)),
            ConsentLetter => Some(c.consents[3] == wanted(self.test)),
            Birthday => month_day_test(c.birth, self.test),
            SpouseBirthday => month_day_test(c.spouse_birth, self.test),
            Age => age_test(c.birth, self.test, self.today),
            DaysOverdue => days_overdue_test(c.oldest_open_due, self.test, self.today),
            AverageDelay => average_delay_test(c.delay_days_total, c.paid_installments, self.test),
            Email => match self.test {
                Test::IsEmpty(empty) => Some(c.has_email != *empty),
                _ => Some(false),
            },
            Tag => Some(match self.test {
                Test::IsEmpty(empty) => c.tags.is_empty() == *empty,
                _ => c.tags.iter().any(|t| verdict(Some(*t)) == Some(true)),
            }),
            PurchaseCount | TotalBought | LargestPurchase | LastPurchase => self.purchase_figure(at),
            SaleSeller => Some(self.sales(at, true).any(|f| {
                let seller = self.index.facts.seller[f];
                let seller = (seller > 0).then(|| self.index.sellers[seller as usize - 1]);
                id_test(seller, self.test) == Some(true)
            })),
            StoresWithSales | StoresWithoutSales => {
                let some = self.sales(at, false).any(|f| {
                    let store = self.index.stores[self.index.facts.store[f] as usize];
                    id_test(Some(store), self.test) == Some(true)
                });
                Some(some == (self.field == StoresWithSales))
            }
            ProductGroup | ProductBrand | ProductLine => {
                let kind = match self.field {
                    ProductGroup => 0,
                    ProductBrand => 1,
                    _ => 2,
                };
                Some(self.sales(at, true).any(|f| {
                    self.index.baskets[self.index.facts.basket[f] as usize]
                        .iter()
                        .any(|(k, name)| *k == kind && verdict(Some(*name)) == Some(true))
                }))
            }
            Profession | FootballTeam | Neighbourhood | AddressComplement | Carrier | Phone | Agreement
            | CreditComplement | LastCall | PointsExpired | PointsToExpire => None,
        }
    }

    /// The customer's sales in the period (and at the window's stores when `with_stores`).
    fn sales(&self, at: u32, with_stores: bool) -> impl Iterator<Item = usize> + '_ {
        let facts = &self.index.facts;
        self.index.sales_of(at).filter(move |&f| {
            self.window.in_period(facts.day[f])
                && (!with_stores
                    || self.window.stores.as_ref().is_none_or(|stores| stores.contains(&facts.store[f])))
        })
    }

    fn purchase_figure(&self, at: u32) -> Option<bool> {
        let figures = self.figures.as_ref()?;
        let at = at as usize;
        match self.field {
            EngineField::PurchaseCount => number_test(Some(figures.count[at]), self.test),
            EngineField::TotalBought => number_test(Some(figures.total[at]), self.test),
            EngineField::LargestPurchase => number_test(Some(figures.largest[at]), self.test),
            _ => {
                let last = figures.last[at];
                let last = (last != i32::MIN).then_some(last).and_then(NaiveDate::from_num_days_from_ce_opt);
                day_test(last, self.test, self.today)
            }
        }
    }
}

fn wanted(test: &Test) -> bool {
    matches!(test, Test::Equals(Value::Bool(true)))
}

/// The test with its values normalised as the column is stored, once.
fn prepare(test: &Test, normalise: fn(&str) -> String) -> Test {
    let value = |v: &Value| match v {
        Value::Text(text) => Value::Text(normalise(text)),
        other => other.clone(),
    };
    match test {
        Test::Equals(v) => Test::Equals(value(v)),
        Test::In(values) => Test::In(values.iter().map(value).collect()),
        Test::Range { from, to } => {
            Test::Range { from: from.as_ref().map(value), to: to.as_ref().map(value) }
        }
        Test::Contains(text) => Test::Contains(normalise(text)),
        Test::Prefix(text) => Test::Prefix(normalise(text)),
        other => other.clone(),
    }
}

/// A text test as `db::filter::column_test` writes it (`LIKE` for
/// contains and prefix), on a test already [`prepare`]d.
fn prepared_text_test(value: Option<&str>, test: &Test) -> Option<bool> {
    match test {
        Test::IsEmpty(empty) => Some(value.is_none_or(str::is_empty) == *empty),
        Test::Equals(v) => Some(value? == v.as_text()?),
        Test::In(values) => {
            let value = value?;
            Some(values.iter().filter_map(Value::as_text).any(|v| v == value))
        }
        Test::Contains(text) => Some(value?.contains(text.as_str())),
        Test::Prefix(text) => Some(value?.starts_with(text.as_str())),
        Test::Range { from, to } => {
            let value = value?;
            let lower = from.as_ref().and_then(Value::as_text).map(|f| value >= f);
            let upper = to.as_ref().and_then(Value::as_text).map(|t| value <= t);
            both(lower, upper)
        }
        Test::Relative { .. } => Some(false),
    }
}

fn id_test(value: Option<Uuid>, test: &Test) -> Option<bool> {
    match test {
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        Test::Equals(v) => Some(value? == v.as_id()?),
        Test::In(values) => {
            let value = value?;
            Some(values.iter().filter_map(Value::as_id).any(|v| v == value))
        }
        _ => Some(false),
    }
}

fn number_test(value: Option<i64>, test: &Test) -> Option<bool> {
    let number = |v: &Value| match v {
        Value::Number(n) => Some(*n),
        _ => None,
    };
    match test {
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        Test::Equals(v) => Some(value? == number(v)?),
        Test::In(values) => {
            let value = value?;
            Some(values.iter().filter_map(number).any(|v| v == value))
        }
        Test::Range { from, to } => {
            let value = value?;
            both(
                from.as_ref().and_then(number).map(|f| value >= f),
                to.as_ref().and_then(number).map(|t| value <= t),
            )
        }
        _ => Some(false),
    }
}

/// A day (the local day of an instant) against dates, as `day_range` reads it.
fn day_test(value: Option<NaiveDate>, test: &Test, today: NaiveDate) -> Option<bool> {
    let relative = |offset: &Option<i32>| offset.map(|days| today + Duration::days(i64::from(days)));
    match test {
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        Test::Equals(v) => {
            let day = v.as_date()?;
            let value = value?;
            Some(value == day)
        }
        Test::Range { from, to } => {
            let value = value?;
            let from = from.as_ref().and_then(Value::as_date);
            let to = to.as_ref().and_then(Value::as_date);
            both(from.map(|f| value >= f), to.map(|t| value <= t))
        }
        Test::Relative { from, to } => {
            let value = value?;
            both(relative(from).map(|f| value >= f), relative(to).map(|t| value <= t))
        }
        Test::In(days) => {
            let value = value?;
            Some(days.iter().filter_map(Value::as_date).any(|d| d == value))
        }
        _ => Some(false),
    }
}

/// Both ends, as SQL's AND of two comparisons; no end at all holds.
fn both(lower: Option<bool>, upper: Option<bool>) -> Option<bool> {
    match (lower, upper) {
        (Some(l), Some(u)) => Some(l && u),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => Some(true),
    }
}

fn month_day_test(date: Option<NaiveDate>, test: &Test) -> Option<bool> {
    let value = date.map(|d| format!("{:02}-{:02}", d.month(), d.day()));
    let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_text).map(str::to_string);
    match test {
        Test::Equals(Value::Text(day)) => Some(value? == *day),
        Test::In(days) => {
            let value = value?;
            Some(days.iter().filter_map(Value::as_text).any(|d| d == value))
        }
        Test::Range { from, to } => match (text(from), text(to)) {
            (Some(from), Some(to)) if from > to => {
                let value = value?;
                Some(value >= from || value <= to)
            }
            (Some(from), Some(to)) => {
                let value = value?;
                Some(value >= from && value <= to)
            }
            (Some(from), None) => Some(value? >= from),
            (None, Some(to)) => Some(value? <= to),
            (None, None) => Some(value.is_some()),
        },
        Test::IsEmpty(empty) => Some(value.is_none() == *empty),
        _ => Some(false),
    }
}

fn age_test(born: Option<NaiveDate>, test: &Test, today: NaiveDate) -> Option<bool> {
    let years_ago = |years: i64| {
        u32::try_from(years).ok().and_then(|y| today.checked_sub_months(Months::new(y.saturating_mul(12))))
    };
    let at_least = |n: i64| years_ago(n).map_or(Some(false), |day| Some(born? <= day));
    let at_most = |n: i64| years_ago(n + 1).map_or(Some(born.is_some()), |day| Some(born? > day));
    let number = |v: &Option<Value>| match v {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    };
    match test {
        Test::Equals(Value::Number(n)) => kleene_and(at_least(*n), at_most(*n)),
        Test::Range { from, to } => match (number(from).map(at_least), number(to).map(at_most)) {
            (Some(l), Some(u)) => kleene_and(l, u),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => Some(born.is_some()),
        },
        Test::IsEmpty(empty) => Some(born.is_none() == *empty),
        _ => Some(false),
    }
}

fn days_overdue_test(due: Option<NaiveDate>, test: &Test, today: NaiveDate) -> Option<bool> {
    let at_least = |n: i64| if n <= 0 { Some(true) } else { Some(due? <= today - Duration::days(n)) };
    let at_most = |n: i64| {
        if n < 0 {
            return Some(false);
        }
        Some(due.is_none_or(|due| due >= today - Duration::days(n)))
    };
    number_range(test, at_least, at_most)
}

fn average_delay_test(total: i64, paid: i64, test: &Test) -> Option<bool> {
    let at_least = |n: i64| Some(total >= n * paid && (n <= 0 || paid > 0));
    let at_most = |n: i64| Some(total <= n * paid);
    number_range(test, at_least, at_most)
}

fn number_range(
    test: &Test,
    at_least: impl Fn(i64) -> Option<bool>,
    at_most: impl Fn(i64) -> Option<bool>,
) -> Option<bool> {
    let number = |v: &Option<Value>| match v {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    };
    match test {
        Test::Equals(Value::Number(n)) => kleene_and(at_least(*n), at_most(*n)),
        Test::Range { from, to } => match (number(from).map(&at_least), number(to).map(&at_most)) {
            (Some(l), Some(u)) => kleene_and(l, u),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => Some(true),
        },
        _ => Some(false),
    }
}

fn kleene_and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

//! The relationship engine in memory: one organisation's customers as
//! columns ([`customers`]), their purchases as narrow columns grouped per
//! customer and sorted by day ([`facts`]), and each clause of a segment
//! evaluated to a set of customers ([`bits`]), cached, so changing one
//! clause judges one column and ANDs the cached rest. It answers exactly
//! what the SQL compiler answers, three-valued logic included: a clause
//! on a value the customer does not have is unknown, and `not` of unknown
//! is still unknown (the property test holds the two paths together).
mod bits;
mod customers;
mod facts;
mod held;
mod names;
mod narrow;
mod order;
mod verdicts;

pub use bits::{Bits, Tri};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use customers::{Customers, NO_DAY, NO_NUMBER};
use domain::access::Reach;
use domain::engine::{EngineField, Operation, PurchaseWindow, Segment};
use domain::filter::{Filter, Test};
use facts::{Contacts, Ever, Facts, SaleKind, Window, WindowFigures};
use hashbrown::HashTable;
use narrow::{Narrow, with_cells};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use uuid::Uuid;
use verdicts::*;

/// No symbol, person or branch.
const NONE: u32 = u32::MAX;

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

/// Values numbered densely in the order first seen (the ids of stores,
/// people and branches; sale kinds).
struct Places<K = Uuid> {
    ids: Vec<K>,
    places: HashMap<K, u32>,
}

impl<K> Default for Places<K> {
    fn default() -> Self {
        Places { ids: Vec::new(), places: HashMap::new() }
    }
}

impl<K: Copy + Eq + std::hash::Hash> Places<K> {
    fn of(&mut self, id: K) -> u32 {
        if let Some(&at) = self.places.get(&id) {
            return at;
        }
        let at = self.ids.len() as u32;
        self.ids.push(id);
        self.places.insert(id, at);
        at
    }

    /// For each value, by place, whether `holds` of it.
    fn each(&self, holds: impl Fn(&K) -> bool) -> Vec<bool> {
        self.ids.iter().map(holds).collect()
    }
}

impl<K> held::Reserved for Places<K> {
    fn reserved(&self) -> usize {
        self.ids.reserved() + self.places.reserved()
    }
}

/// Why the index cannot answer a segment (the SQL path does).
#[derive(Debug, PartialEq, Eq)]
pub struct NotIndexed(pub &'static str);

/// One organisation's customers and purchases.
pub struct EngineIndex {
    zone: Tz,
    customers: Customers,
    /// The customers still live.
    alive: Bits,
    /// Each customer's place, found by its id: the table keeps only the
    /// places, four bytes each, and compares the ids they point at. Once
    /// built ([`EngineIndex::settle`]) it holds only the customers put since.
    by_id: HashTable<u32>,
    /// The places of the customers put before the index settled, in the
    /// order of their ids: found by halving, in four bytes a customer
    /// instead of the table's ten.
    settled: Vec<u32>,
    hasher: RandomState,
    symbols: Symbols,
    facts: Facts,
    /// Each (store, seller, basket) a sale was made with.
    sale_kinds: Places<SaleKind>,
    ever: Ever,
    /// Sale columns no customer points at any more (replaced on an update).
    stale_facts: usize,
    contacts: Contacts,
    stores: Places,
    people: Places,
    branches: Places,
    /// Catalogue list id → (kind, name).
    lists: HashMap<Uuid, (u8, u32)>,
    /// Each distinct set of (kind, name) an item was filed under.
    baskets: Vec<Box<[(u8, u32)]>>,
    basket_ids: HashMap<Box<[(u8, u32)]>, u32>,
    /// The local day of each UTC hour already seen (hour → day), by hour
    /// modulo its length: millions of sales fall in a few thousand hours.
    days_of_hours: Vec<(i64, i32)>,
}

const LIST_KINDS: [&str; 3] = ["group", "brand", "line"];

impl EngineIndex {
    /// An empty index for the organisation's zone and catalogue lists;
    /// [`EngineIndex::put_customers`] then its [`SalesFeed`] fill it.
    pub fn new(zone: Tz, lists: Vec<(Uuid, String, String)>) -> EngineIndex {
        let mut index = EngineIndex {
            zone,
            customers: Customers::default(),
            alive: Bits::default(),
            by_id: HashTable::new(),
            settled: Vec::new(),
            hasher: RandomState::new(),
            symbols: Symbols::default(),
            facts: Facts::default(),
            sale_kinds: Places::default(),
            ever: Ever::default(),
            stale_facts: 0,
            contacts: Contacts::default(),
            stores: Places::default(),
            people: Places::default(),
            branches: Places::default(),
            lists: HashMap::new(),
            baskets: vec![Box::new([])],
            basket_ids: HashMap::new(),
            days_of_hours: vec![(i64::MIN, 0); 8192],
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
            if let Some(at) = self.place_of(id) {
                self.alive.remove(at);
                self.stale_facts += self.customers.facts.get(at as usize).len();
                self.customers.facts.set(at as usize, 0..0);
                self.customers.contacts.set(at as usize, 0..0);
            }
        }
    }

    /// The customer's place, whether alive or not.
    pub fn place_of(&self, id: &Uuid) -> Option<u32> {
        let ids = &self.customers.id;
        if let Some(&at) = self.by_id.find(self.hasher.hash_one(id), |&at| ids[at as usize] == *id) {
            return Some(at);
        }
        let found = self.settled.binary_search_by(|&at| ids[at as usize].cmp(id)).ok()?;
        Some(self.settled[found])
    }

    /// Trades the table that found the customers while the index was
    /// built for the same places in the order of their ids: the build
    /// looks up a customer for each of millions of sales, the index
    /// afterwards only for the few that change.
    pub fn settle(&mut self) {
        let ids = &self.customers.id;
        let mut settled: Vec<u32> = std::mem::take(&mut self.settled);
        settled.extend(self.by_id.drain());
        settled.sort_unstable_by(|&a, &b| ids[a as usize].cmp(&ids[b as usize]));
        settled.shrink_to_fit();
        self.settled = settled;
        self.by_id = HashTable::new();
    }

    /// Files a new customer's place under its id, already in the id column.
    fn file_place(&mut self, at: u32) {
        let ids = &self.customers.id;
        let hasher = &self.hasher;
        self.by_id
            .insert_unique(hasher.hash_one(ids[at as usize]), at, |&at| hasher.hash_one(ids[at as usize]));
    }

    pub fn customers(&self) -> usize {
        self.alive.len() as usize
    }

    pub fn sales(&self) -> usize {
        self.facts.len() - self.stale_facts
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

    /// Past 65,535 stores a store would not be told apart: no shop has that many.
    fn store(&mut self, id: Uuid) -> u16 {
        u16::try_from(self.stores.of(id)).unwrap_or(u16::MAX)
    }

    fn person(&mut self, id: Uuid) -> u32 {
        self.people.of(id)
    }

    fn branch(&mut self, id: Uuid) -> u32 {
        self.branches.of(id)
    }

    /// The organisation's local day (days from the common era) of an instant.
    fn day_of(&mut self, at: chrono::DateTime<chrono::Utc>) -> i32 {
        let hour = at.timestamp().div_euclid(3600);
        let slot = hour.rem_euclid(self.days_of_hours.len() as i64) as usize;
        let (seen, day) = self.days_of_hours[slot];
        // Every zone's offset is whole quarter hours, so an hour may hold
        // two local days: only the hours that do not are kept.
        if seen == hour {
            return day;
        }
        let day_at = |instant: chrono::DateTime<chrono::Utc>| {
            instant.with_timezone(&self.zone).date_naive().num_days_from_ce()
        };
        let start = chrono::DateTime::from_timestamp(hour * 3600, 0).unwrap_or(at);
        let end = chrono::DateTime::from_timestamp(hour * 3600 + 3599, 0).unwrap_or(at);
        let day = day_at(at);
        if day_at(start) == day_at(end) {
            self.days_of_hours[slot] = (hour, day);
        }
        day
    }

    /// Whether every clause of the segment is one the index keeps.
    pub fn answers(segment: &Segment) -> Result<(), NotIndexed> {
        use EngineField::*;
        for field in segment.fields() {
            if matches!(
                field,
                Neighbourhood | AddressComplement | Carrier | Phone | PointsExpired | PointsToExpire
            ) {
                return Err(NotIndexed(field.as_str()));
            }
        }
        if segment.remove.iter().any(|r| r.operation == Operation::Message) {
            return Err(NotIndexed("remove"));
        }
        Ok(())
    }

    /// The customers within the reach: alive, and the branch's or the seller's.
    fn reached(&self, reach: Reach) -> Bits {
        let (column, wanted) = match reach {
            Reach::Everything => return self.alive.clone(),
            Reach::Branch(branch) => (&self.customers.branch, self.branches.places.get(&branch.0)),
            Reach::OwnedBy(user) => (&self.customers.seller, self.people.places.get(&user.0)),
        };
        let Some(&wanted) = wanted else {
            return Bits::default();
        };
        self.alive.filter(|at| column.get(at as usize) == wanted)
    }

    /// Who the segment selects within the reach, on `today`, with each
    /// clause's answer taken from `cache` when it holds one.
    pub fn select(
        &self,
        segment: &Segment,
        reach: Reach,
        today: NaiveDate,
        cache: &mut ClauseCache,
    ) -> Result<Bits, NotIndexed> {
        EngineIndex::answers(segment)?;
        let reached = self.reached(reach);
        let mut chosen = self.tree(&segment.filter, &segment.window, today, &reached, cache).holds;
        for removal in &segment.remove {
            let from = removal.from.map(|d| d.num_days_from_ce());
            let to = removal.to.map(|d| d.num_days_from_ce());
            chosen = match removal.operation {
                Operation::Contact => {
                    let symbol = |text: Option<&str>| text.map(|t| self.symbols.ids.get(t.trim()).copied());
                    let (channel, nature) =
                        (symbol(removal.kind.as_deref()), symbol(removal.nature.as_deref()));
                    chosen.filter(|at| {
                        !self.contacted(at, from, to, |r| {
                            channel.is_none_or(|c| c == Some(self.contacts.channel.get(r)))
                                && nature.is_none_or(|n| n == Some(self.contacts.nature.get(r)))
                        })
                    })
                }
                _ => chosen.filter(|at| {
                    self.facts.period(&self.customers.facts.get(at as usize), from, to).is_empty()
                }),
            };
        }
        if let Some(limit) = segment.limit {
            chosen = self.first_by_name(&chosen, limit as usize);
        }
        Ok(chosen)
    }

    /// How many of the chosen allow each channel (SMS/WhatsApp, e-mail, phone, letter).
    pub fn channels(&self, chosen: &Bits) -> [u64; 4] {
        self.customers.consents.each_ref().map(|allowed| chosen.count_and(allowed))
    }

    /// The filter's answer for the customers of `scope` (outside it, the
    /// answer says nothing). An AND judges each branch only where the
    /// branches before it have not already failed, an OR only where they
    /// have not already held — exact in three-valued logic, since a false
    /// AND (a true OR) stays so whatever the rest says — and the cheap
    /// branches go first, so the purchase history is read for the few a
    /// person's attributes left.
    fn tree(
        &self,
        filter: &Filter<EngineField>,
        window: &PurchaseWindow,
        today: NaiveDate,
        scope: &Bits,
        cache: &mut ClauseCache,
    ) -> Tri {
        match filter {
            Filter::All { all } => {
                let mut answer = Tri { holds: scope.clone(), fails: Bits::default() };
                for branch in cheapest_first(all) {
                    let open = scope.and_not(&answer.fails);
                    if open.is_empty() {
                        break;
                    }
                    answer = answer.and(&self.tree(branch, window, today, &open, cache));
                }
                answer
            }
            Filter::Any { any } => {
                let mut answer = Tri { holds: Bits::default(), fails: scope.clone() };
                for branch in cheapest_first(any) {
                    let open = scope.and_not(&answer.holds);
                    if open.is_empty() {
                        break;
                    }
                    answer = answer.or(&self.tree(branch, window, today, &open, cache));
                }
                answer
            }
            Filter::Not { not } => self.tree(not, window, today, scope, cache).not(),
            Filter::Is(predicate) => {
                let key = clause_key(predicate.field, &predicate.test, window, today);
                let (answer, judged) = cache.clauses.remove(&key).unwrap_or_default();
                let missing = scope.and_not(&judged);
                let (answer, judged) = if missing.is_empty() {
                    (answer, judged)
                } else {
                    let more = self.clause(predicate.field, &predicate.test, window, today, &missing, cache);
                    (answer.union(&more), judged.or(&missing))
                };
                let within = answer.within(scope);
                cache.clauses.insert(key, (answer, judged));
                within
            }
        }
    }

    /// One clause over the customers of `scope`, reading its column.
    fn clause(
        &self,
        field: EngineField,
        test: &Test,
        window: &PurchaseWindow,
        today: NaiveDate,
        scope: &Bits,
        cache: &mut ClauseCache,
    ) -> Tri {
        use EngineField::*;
        let c = &self.customers;
        let live = scope;
        let as_is: fn(&str) -> String = |t| t.trim().to_string();
        // A text clause is judged once per distinct text.
        let verdicts = |normalise: fn(&str) -> String| {
            let prepared = prepare(test, normalise);
            let of_text: Vec<Option<bool>> =
                self.symbols.texts.iter().map(|text| prepared_text_test(Some(text), &prepared)).collect();
            let of_none = prepared_text_test(None, &prepared);
            move |symbol: u32| if symbol == NONE { of_none } else { of_text[symbol as usize] }
        };
        let by_symbol = |column: &Narrow<u32>, verdict: &(dyn Fn(u32) -> Option<bool> + Sync)| {
            live.judge(|at| verdict(column.get(at as usize)))
        };
        let number = |column: &Narrow<i64>| {
            live.judge(|at| {
                let value = column.get(at as usize);
                number_test((value != NO_NUMBER).then_some(value), test)
            })
        };
        let day = |column: &Narrow<i32>, at: u32| Some(column.get(at as usize)).filter(|d| *d != NO_DAY);
        let today_day = today.num_days_from_ce();
        match field {
            Name => {
                let prepared = prepare(test, |t| domain::party::sort_name(t.trim()));
                live.judge(|at| c.names.with(at as usize, |name| prepared_text_test(Some(name), &prepared)))
            }
            CustomerStatus => by_symbol(&c.customer_status, &verdicts(as_is)),
            CreditBureauStatus => by_symbol(&c.credit_bureau_status, &verdicts(as_is)),
            Sex => by_symbol(&c.sex, &verdicts(as_is)),
            City => by_symbol(&c.city, &verdicts(|t| domain::search::fold(t.trim()))),
            State => by_symbol(&c.state, &verdicts(domain::address::canonical_state)),
            // Stored as the database lowers them; the test's values as SQL's are.
            Profession => by_symbol(&c.profession, &verdicts(trimmed_lower)),
            FootballTeam => by_symbol(&c.football_team, &verdicts(trimmed_lower)),
            Agreement => by_symbol(&c.agreement, &verdicts(trimmed_lower)),
            CreditComplement => by_symbol(&c.credit_complement, &verdicts(trimmed_lower)),
            Seller => {
                let of_person: Vec<Option<bool>> =
                    self.people.ids.iter().map(|id| id_test(Some(*id), test)).collect();
                let of_none = id_test(None, test);
                by_symbol(&c.seller, &|person| {
                    if person == NONE { of_none } else { of_person[person as usize] }
                })
            }
            ShoeSize => number(&c.shoe_size),
            RevolvingCredit => number(&c.revolving_credit),
            PointsBalance => number(&c.points),
            AvailableCredit => live.judge(|at| {
                let limit = c.revolving_credit.get(at as usize);
                let available = (limit != NO_NUMBER).then(|| limit - c.open_balance.get(at as usize));
                number_test(available, test)
            }),
            ConsentSmsWhatsapp | ConsentEmail | ConsentPhone | ConsentLetter => {
                let channel = [ConsentSmsWhatsapp, ConsentEmail, ConsentPhone, ConsentLetter]
                    .iter()
                    .position(|f| *f == field)
                    .unwrap_or(0);
                let given = live.split(&c.consents[channel]);
                if wanted(test) { given } else { given.not() }
            }
            Birthday | SpouseBirthday => {
                let column = if field == Birthday { &c.birth_day } else { &c.spouse_birth_day };
                let table = month_day_verdicts(test);
                live.judge(|at| table[usize::from(column.get(at as usize))])
            }
            Age => {
                let age = AgeTest::new(test, today);
                live.judge(|at| age.of(day(&c.birth, at)))
            }
            DaysOverdue => live.judge(|at| days_overdue_test(day(&c.oldest_open_due, at), test, today_day)),
            AverageDelay => live.judge(|at| {
                let at = at as usize;
                average_delay_test(c.delay_days_total.get(at), c.paid_installments.get(at), test)
            }),
            Email => match test {
                Test::IsEmpty(empty) => {
                    let has = live.split(&c.has_email);
                    if *empty { has.not() } else { has }
                }
                _ => Tri { holds: Bits::default(), fails: live.clone() },
            },
            Tag => match test {
                Test::IsEmpty(empty) => {
                    let tagged = live.split(&c.tagged);
                    if *empty { tagged.not() } else { tagged }
                }
                _ => {
                    let verdict = verdicts(|t| domain::search::fold(t.trim()));
                    let mut holders = Bits::default();
                    for (tag, with_it) in &c.tags {
                        if verdict(*tag) == Some(true) {
                            holders = holders.or(with_it);
                        }
                    }
                    live.split(&holders)
                }
            },
            // Over all time SQL reads the figures each customer keeps. The
            // index keeps the total (the grid sorts by it); a customer's
            // sales are the live ones in order of day, so their number and
            // the last one's day are where they lie; the largest is worked
            // out as for any window.
            TotalBought if window.is_everything() => number(&c.total_bought),
            PurchaseCount if window.is_everything() => {
                live.judge(|at| number_test(Some(c.facts.get(at as usize).len() as i64), test))
            }
            LastPurchase if window.is_everything() => {
                let test = DayTest::new(test);
                live.judge(|at| {
                    let sales = c.facts.get(at as usize);
                    let last = (!sales.is_empty()).then(|| self.facts.day.get(sales.end as usize - 1));
                    test.of(last, today_day)
                })
            }
            PurchaseCount | TotalBought | LargestPurchase | LastPurchase => {
                let key = serde_json::to_string(window).unwrap_or_default();
                let figures = cache.figures.entry(key).or_default();
                self.figure(figures, &self.window(window), scope);
                self.purchase_figure(field, test, figures, scope, today_day)
            }
            SaleSeller => {
                let of_none = id_test(None, test) == Some(true);
                let mut of_seller = vec![of_none];
                of_seller.extend(self.people.ids.iter().map(|id| id_test(Some(*id), test) == Some(true)));
                let sold_by = Ever::at_places(&self.ever.seller, &of_seller);
                let of_kind =
                    self.sale_kinds.each(|k| of_seller.get(usize::from(k.seller)).copied().unwrap_or(false));
                self.bought(scope, window, true, &sold_by, of_kind)
            }
            StoresWithSales | StoresWithoutSales => {
                let of_store: Vec<bool> =
                    self.stores.ids.iter().map(|id| id_test(Some(*id), test) == Some(true)).collect();
                let at_any = Ever::at_places(&self.ever.store, &of_store);
                let of_kind = self.sale_kinds.each(|k| of_store[usize::from(k.store)]);
                let some = self.bought(scope, window, false, &at_any, of_kind);
                if field == StoresWithSales { some } else { some.not() }
            }
            ProductGroup | ProductBrand | ProductLine => {
                let kind = match field {
                    ProductGroup => 0,
                    ProductBrand => 1,
                    _ => 2,
                };
                let verdict = verdicts(as_is);
                let of_basket: Vec<bool> = self
                    .baskets
                    .iter()
                    .map(|entries| entries.iter().any(|(k, name)| *k == kind && verdict(*name) == Some(true)))
                    .collect();
                let filed = Ever::any_of(
                    self.ever
                        .list
                        .iter()
                        .filter(|((k, name), _)| *k == kind && verdict(*name) == Some(true))
                        .map(|(_, who)| who),
                );
                let of_kind = self.sale_kinds.each(|k| of_basket[k.basket as usize]);
                self.bought(scope, window, true, &filed, of_kind)
            }
            // Some call whose day passes the test.
            LastCall => {
                let test = DayTest::new(test);
                let call = self.symbols.ids.get("call").copied();
                let calls = live.filter(|at| {
                    let contacts = &self.contacts;
                    let range = c.contacts.get(at as usize);
                    (range.start as usize..range.end as usize).any(|r| {
                        Some(contacts.channel.get(r)) == call
                            && test.of(Some(contacts.day.get(r)), today_day) == Some(true)
                    })
                });
                live.split(&calls)
            }
            Neighbourhood | AddressComplement | Carrier | Phone | PointsExpired | PointsToExpire => {
                Tri::default()
            }
        }
    }

    /// Whether the customer had an interaction from day `from` to day `to` for which `counts` holds.
    fn contacted(&self, at: u32, from: Option<i32>, to: Option<i32>, counts: impl Fn(usize) -> bool) -> bool {
        let range = self.customers.contacts.get(at as usize);
        (range.start as usize..range.end as usize).any(|r| {
            let day = self.contacts.day.get(r);
            from.is_none_or(|from| day >= from) && to.is_none_or(|to| day <= to) && counts(r)
        })
    }

    /// Who of `scope` made a sale in the window's period (and at its
    /// stores when `at_stores`) of a kind `of_kind` marks; the rest fails.
    /// Only those of `ever` (who ever made such a sale) are walked.
    fn bought(
        &self,
        scope: &Bits,
        window: &PurchaseWindow,
        at_stores: bool,
        ever: &Bits,
        mut of_kind: Vec<bool>,
    ) -> Tri {
        let c = &self.customers;
        let window = self.window(window);
        let mut walked = scope.and(ever);
        if let (true, Some(stores), Some(kinds)) = (at_stores, &window.stores, &window.kinds) {
            walked = walked.and(&Ever::at_places(&self.ever.store, stores));
            for (counts, at_store) in of_kind.iter_mut().zip(kinds) {
                *counts &= at_store;
            }
        }
        let some = with_cells!(self.facts.kind.cells(), kinds => walked.filter(|at| {
            self.facts.any_in_period(&c.facts.get(at as usize), window.from, window.to, |f| {
                of_kind[Narrow::<u32>::value(kinds[f]) as usize]
            })
        }));
        scope.split(&some)
    }

    fn purchase_figure(
        &self,
        field: EngineField,
        test: &Test,
        figures: &WindowFigures,
        scope: &Bits,
        today: i32,
    ) -> Tri {
        let live = scope;
        match field {
            EngineField::PurchaseCount => {
                live.judge(|at| number_test(Some(i64::from(figures.of(at).count)), test))
            }
            EngineField::TotalBought => live.judge(|at| number_test(Some(figures.of(at).total), test)),
            EngineField::LargestPurchase => {
                live.judge(|at| number_test(Some(i64::from(figures.of(at).largest)), test))
            }
            _ => {
                let test = DayTest::new(test);
                live.judge(|at| {
                    let last = figures.of(at).last;
                    test.of((last != 0).then_some(last), today)
                })
            }
        }
    }

    fn window(&self, window: &PurchaseWindow) -> Window {
        let stores = (!window.stores.is_empty()).then(|| {
            let mut counted = vec![false; self.stores.ids.len()];
            for store in &window.stores {
                if let Some(&at) = self.stores.places.get(store) {
                    counted[at as usize] = true;
                }
            }
            counted
        });
        Window {
            kinds: stores.as_ref().map(|stores| self.sale_kinds.each(|k| stores[usize::from(k.store)])),
            stores,
            from: window.from.map(|d| d.num_days_from_ce()),
            to: window.to.map(|d| d.num_days_from_ce()),
        }
    }
}

/// Answers of clauses already evaluated, each with the customers it was
/// judged for, and each window's figures, for one state of the index.
#[derive(Default)]
pub struct ClauseCache {
    clauses: HashMap<String, (Tri, Bits)>,
    figures: HashMap<String, WindowFigures>,
}

impl ClauseCache {
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

/// How much a branch costs to judge: sets of bits, a column, the purchases.
fn cost(filter: &Filter<EngineField>) -> u8 {
    use EngineField::*;
    match filter {
        Filter::All { all } => all.iter().map(cost).max().unwrap_or(0),
        Filter::Any { any } => any.iter().map(cost).max().unwrap_or(0),
        Filter::Not { not } => cost(not),
        Filter::Is(predicate) => match predicate.field {
            ConsentSmsWhatsapp | ConsentEmail | ConsentPhone | ConsentLetter | Email | Tag => 0,
            PurchaseCount | TotalBought | LargestPurchase | LastPurchase | SaleSeller | StoresWithSales
            | StoresWithoutSales | ProductGroup | ProductBrand | ProductLine | Name => 2,
            _ => 1,
        },
    }
}

fn cheapest_first(branches: &[Filter<EngineField>]) -> Vec<&Filter<EngineField>> {
    let mut ordered: Vec<&Filter<EngineField>> = branches.iter().collect();
    ordered.sort_by_key(|branch| cost(branch));
    ordered
}

fn clause_key(field: EngineField, test: &Test, window: &PurchaseWindow, today: NaiveDate) -> String {
    let test = serde_json::to_string(test).unwrap_or_default();
    let window = serde_json::to_string(window).unwrap_or_default();
    format!("{}|{test}|{window}|{today}", field.as_str())
}

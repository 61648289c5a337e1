//! The purchases as narrow columns, 16 bytes a sale, each customer's
//! together and sorted by day, so a purchase period is two binary searches
//! in a customer's few sales and a window's figures one pass over the
//! sales inside it.
use super::EngineIndex;
use super::NONE;
use super::bits::{Bits, places};
use super::held::Reserved;
use super::narrow::{Narrow, Stored, with_cells};
use db::repo::engine::{IndexedContact, IndexedItem, IndexedSale};
use std::collections::HashMap;
use std::ops::Range;
use uuid::Uuid;

#[derive(Default)]
pub(super) struct Facts {
    /// The organisation's local day it was made on (days from the common era).
    pub day: Narrow<i32>,
    /// Cents; a sale over u32::MAX cents (R$ 42.9 million) is kept at that.
    pub amount: Narrow<u32>,
    /// Its store, seller and what its items were filed under, as one place
    /// in the index's [`SaleKind`]s: a shop's sales repeat a few thousand
    /// of those, so two bytes say what took four.
    pub kind: Narrow<u32>,
}

/// What a sale was beside its day and amount.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct SaleKind {
    /// Its store's place in the index's stores.
    pub store: u16,
    /// 0: none; otherwise the seller's place in the index's people + 1.
    pub seller: u16,
    /// What its items were filed under: a place in the index's baskets.
    pub basket: u32,
}

/// The sales as read, before they are filed under their customers.
#[derive(Default)]
pub(super) struct ReadSales {
    day: Narrow<i32>,
    store: Narrow<u16>,
    seller: Narrow<u16>,
    amount: Narrow<u32>,
    basket: Narrow<u32>,
}

impl Facts {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    /// Where the sales of `range` (one customer's) made up to day `to`
    /// end, and `from` if the period starts inside them (`None`: all of
    /// them are in it, as over all time or ten years).
    /// The days are compared as kept (a sale always has one), their
    /// width matched once per customer.
    #[inline(always)]
    fn bounds(&self, range: &Range<u32>, from: Option<i32>, to: Option<i32>) -> (usize, usize, Option<i64>) {
        let (first, mut end) = (range.start as usize, range.end as usize);
        let (from, to) = (from.map(Narrow::to_kept), to.map(Narrow::to_kept));
        with_cells!(self.day.cells(), days => {
            if let Some(to) = to {
                while end > first && days[end - 1].kept() > to {
                    end -= 1;
                }
            }
            (first, end, from.filter(|from| end > first && days[first].kept() < *from))
        })
    }

    /// The sales of `range` (one customer's) made from day `from` to day
    /// `to`, found from the latest back: a customer has a few sales, and
    /// a period is most often the latest months.
    #[inline(always)]
    pub fn period(&self, range: &Range<u32>, from: Option<i32>, to: Option<i32>) -> Range<usize> {
        let (first, end, from) = self.bounds(range, from, to);
        let mut start = first;
        if let Some(from) = from {
            start = end;
            with_cells!(self.day.cells(), days => {
                while start > first && days[start - 1].kept() >= from {
                    start -= 1;
                }
            });
        }
        start..end
    }

    /// Whether `counts` holds for one of the sales of [`Facts::period`].
    /// A period that starts within the history is walked once, from the
    /// latest sale back, and no further back than the first that counts;
    /// a whole history (over all time, or ten years) is read forward,
    /// with no day read per sale.
    #[inline(always)]
    pub fn any_in_period(
        &self,
        range: &Range<u32>,
        from: Option<i32>,
        to: Option<i32>,
        counts: impl Fn(usize) -> bool,
    ) -> bool {
        match self.bounds(range, from, to) {
            (first, end, None) => (first..end).any(counts),
            (first, end, Some(from)) => {
                with_cells!(self.day.cells(), days => (first..end).rev().take_while(|&f| days[f].kept() >= from).any(&counts))
            }
        }
    }
}

impl Reserved for Facts {
    fn reserved(&self) -> usize {
        self.day.reserved() + self.amount.reserved() + self.kind.reserved()
    }
}

/// Who ever bought at each store (by place), from each seller (0: none,
/// else the person's place + 1), and something filed under each list name
/// (kind, name). Each is a superset of whoever did so within any window,
/// so a purchase clause walks the history of those only and fails the
/// rest at once: "brand Pirelli" reads the sales of Pirelli's buyers, not
/// of a million customers. A customer read again is added again; the
/// bits of one forgotten stay, which costs a walk, never an answer.
#[derive(Default)]
pub(super) struct Ever {
    pub store: Vec<Bits>,
    pub seller: Vec<Bits>,
    pub list: HashMap<(u8, u32), Bits>,
}

impl Ever {
    /// Everyone in any of `sets`.
    pub fn any_of<'a>(sets: impl Iterator<Item = &'a Bits>) -> Bits {
        sets.fold(Bits::default(), |union, set| union.or(set))
    }

    /// Everyone in the sets (by place: stores, sellers) that `wanted` marks.
    pub fn at_places(sets: &[Bits], wanted: &[bool]) -> Bits {
        Ever::any_of(sets.iter().zip(wanted).filter(|(_, wanted)| **wanted).map(|(set, _)| set))
    }

    fn note(&mut self, at: u32, store: u16, seller: u16, basket: &[(u8, u32)]) {
        let slot = |sets: &mut Vec<Bits>, place: usize| {
            if sets.len() <= place {
                sets.resize_with(place + 1, Bits::default);
            }
            sets[place].insert(at);
        };
        slot(&mut self.store, usize::from(store));
        slot(&mut self.seller, usize::from(seller));
        for entry in basket {
            self.list.entry(*entry).or_default().insert(at);
        }
    }
}

/// The interactions (telemarketing occurrences among them), each
/// customer's together and sorted by day, as the last call and the
/// removal of who was contacted read them.
#[derive(Default)]
pub(super) struct Contacts {
    pub day: Narrow<i32>,
    /// Symbols of the channel and the nature.
    pub channel: Narrow<u32>,
    pub nature: Narrow<u32>,
}

impl Reserved for Ever {
    fn reserved(&self) -> usize {
        let each = |sets: &[Bits]| sets.iter().map(Reserved::reserved).sum::<usize>();
        self.store.reserved()
            + each(&self.store)
            + self.seller.reserved()
            + each(&self.seller)
            + self.list.reserved()
            + self.list.values().map(Reserved::reserved).sum::<usize>()
    }
}

impl Reserved for Contacts {
    fn reserved(&self) -> usize {
        self.day.reserved() + self.channel.reserved() + self.nature.reserved()
    }
}

impl Contacts {
    pub fn len(&self) -> usize {
        self.day.len()
    }
}

/// Where each customer's rows go when the rows read (of `owner`, in the
/// order read; [`NONE`]: not filed) are filed together (a counting sort):
/// each customer's first place among the filed, and the rows read in
/// filed order. Each customer's few are then sorted by day.
fn filed(owner: &[u32], customers: usize) -> (Vec<u32>, Vec<u32>) {
    let mut first = vec![0u32; customers + 1];
    for &owner in owner.iter().filter(|o| **o != NONE) {
        first[owner as usize + 1] += 1;
    }
    for at in 1..first.len() {
        first[at] += first[at - 1];
    }
    let mut next = first.clone();
    let mut order = vec![0u32; first[customers] as usize];
    for (row, &owner) in owner.iter().enumerate().filter(|(_, o)| **o != NONE) {
        order[next[owner as usize] as usize] = row as u32;
        next[owner as usize] += 1;
    }
    (first, order)
}

/// A purchase window as the columns read it: days from the common era,
/// and which stores count (by place; `None`: all).
pub(super) struct Window {
    pub stores: Option<Vec<bool>>,
    /// Which sale kinds are of the stores that count (`None`: all).
    pub kinds: Option<Vec<bool>>,
    pub from: Option<i32>,
    pub to: Option<i32>,
}

impl Window {
    /// Whether a sale of this kind (by place) is of a store that counts.
    #[inline(always)]
    pub fn counts_kind(&self, kind: u32) -> bool {
        self.kinds.as_ref().is_none_or(|kinds| kinds.get(kind as usize).copied().unwrap_or(false))
    }
}

/// One customer's purchases within one window: how many, their total,
/// the largest, and the last day (0: none).
#[derive(Clone, Copy, Default)]
pub(super) struct Figure {
    pub total: i64,
    pub count: u32,
    pub largest: u32,
    pub last: i32,
}

/// The window's figures of the customers `figured`, one after the other in
/// the order of their places. Only those a clause's scope asked for take
/// room: a window figured for the 200,000 customers of one state fills 5
/// MB instead of 24 for a million, and each page filled the first time is
/// a fault (5,000 of them took 40 ms on a virtual machine).
#[derive(Default)]
pub(super) struct WindowFigures {
    figured: Bits,
    /// How many of `figured` come before each of its words.
    before: Vec<u32>,
    figures: Vec<Figure>,
}

impl WindowFigures {
    /// The figures of a customer figured.
    #[inline(always)]
    pub fn of(&self, at: u32) -> Figure {
        self.figures[self.figured.rank(&self.before, at)]
    }

    /// Adds the figures of `fresh`, none of them figured, in the order of their places.
    fn add(&mut self, fresh: &Bits, figures: Vec<Figure>) {
        let figured = self.figured.or(fresh);
        self.figures = if self.figures.is_empty() {
            figures
        } else {
            let (mut old, mut new) = (self.figures.iter(), figures.iter());
            figured
                .iter()
                .filter_map(|at| if fresh.contains(at) { new.next() } else { old.next() })
                .copied()
                .collect()
        };
        self.before = figured.counts_before();
        self.figured = figured;
    }
}

impl EngineIndex {
    /// Works out the window's figures for the customers of `scope` not
    /// yet figured, each part of them on its own core.
    pub(super) fn figure(&self, figures: &mut WindowFigures, window: &Window, scope: &Bits) {
        let missing = scope.and_not(&figures.figured);
        if missing.is_empty() {
            return;
        }
        let parts = missing.parts();
        let work = |first: usize, words: &[u64], into: &mut [Figure]| {
            let facts = &self.facts;
            with_cells!(facts.amount.cells(), amounts => with_cells!(facts.kind.cells(), kinds => {
                for (at, figure) in places(first, words).zip(into.iter_mut()) {
                    let (mut n, mut sum, mut most, mut latest) = (0u32, 0i64, 0u32, None);
                    for f in facts.period(&self.customers.facts.get(at as usize), window.from, window.to) {
                        if window.kinds.is_some() && !window.counts_kind(Narrow::<u32>::value(kinds[f])) {
                            continue;
                        }
                        let amount = Narrow::<u32>::value(amounts[f]);
                        n += 1;
                        sum += i64::from(amount);
                        most = most.max(amount);
                        latest = Some(f);
                    }
                    *figure = Figure {
                        total: sum,
                        count: n,
                        largest: most,
                        last: latest.map_or(0, |f| facts.day.get(f)),
                    };
                }
            }))
        };
        let mut fresh = vec![Figure::default(); missing.len() as usize];
        let mut rest = &mut fresh[..];
        std::thread::scope(|threads| {
            let work = &work;
            for (k, (first, words)) in parts.iter().copied().enumerate() {
                let members: usize = words.iter().map(|w| w.count_ones() as usize).sum();
                let (part, more) = std::mem::take(&mut rest).split_at_mut(members);
                rest = more;
                // The last part is worked here, the others beside it.
                if k + 1 == parts.len() {
                    work(first, words, part);
                } else {
                    threads.spawn(move || work(first, words, part));
                }
            }
        });
        figures.add(&missing, fresh);
    }
}

/// Takes the sales of the customers just put, then their items, and
/// files them under their customers when finished.
pub struct SalesFeed<'a> {
    pub(super) index: &'a mut EngineIndex,
    /// The customers put: only their sales are taken.
    pub(super) fed: Bits,
    /// Every sale read, in the order read, and its customer ([`NONE`]: not
    /// counted — cancelled, or not one of the customers put).
    pub(super) sale_ids: Vec<Uuid>,
    pub(super) owner: Vec<u32>,
    pub(super) read: ReadSales,
    /// Where the last item's sale was among those read; by id when the
    /// items do not follow the sales' order.
    pub(super) cursor: usize,
    pub(super) by_sale_id: Option<HashMap<Uuid, u32>>,
    /// The sale whose items are being read, and what they were filed under.
    pub(super) open: Option<usize>,
    pub(super) basket: Vec<(u8, u32)>,
    /// The interactions read, and their customers.
    pub(super) contacts: Contacts,
    pub(super) contact_owner: Vec<u32>,
}

/// How far ahead of the last item's sale the next item's is looked for
/// before looking it up by id (sales without items lie between).
const LOOK_AHEAD: usize = 32;

impl SalesFeed<'_> {
    pub fn sale(&mut self, sale: IndexedSale) {
        let owner = match self.fed_place(&sale.party_id) {
            Some(at) if !sale.cancelled => at,
            _ => NONE,
        };
        let index = &mut *self.index;
        let store = index.store(sale.store_id);
        // Past 65,535 people a seller would not be told apart: no
        // organisation has that many users.
        let seller = sale.seller_id.map_or(0, |s| u16::try_from(index.person(s) + 1).unwrap_or(u16::MAX));
        let read = &mut self.read;
        read.day.push(index.day_of(sale.sold_at));
        read.store.push(store);
        read.seller.push(seller);
        read.amount.push(u32::try_from(sale.total.max(0)).unwrap_or(u32::MAX));
        read.basket.push(0);
        self.owner.push(owner);
        self.sale_ids.push(sale.id);
    }

    /// Room for about `sales` more sales read: the columns of ten million
    /// would otherwise grow by doubling, each step holding the old copy and
    /// the new one at once.
    pub fn expect(&mut self, sales: usize) {
        let read = &mut self.read;
        read.day.reserve(sales);
        read.store.reserve(sales);
        read.seller.reserve(sales);
        read.amount.reserve(sales);
        read.basket.reserve(sales);
        self.owner.reserve(sales);
        self.sale_ids.reserve(sales);
    }

    pub fn item(&mut self, item: IndexedItem) {
        let Some(at) = self.find(item.sale_id) else {
            return;
        };
        if self.owner[at] == NONE {
            return;
        }
        if self.open != Some(at) {
            self.close();
            self.open = Some(at);
            self.basket.extend_from_slice(&self.index.baskets[self.read.basket.get(at) as usize]);
        }
        // Filed by the column that names the list, as the SQL joins it.
        for (kind, list) in [(0u8, item.group_id), (1, item.brand_id), (2, item.line_id)] {
            if let Some(&(_, name)) = list.and_then(|list| self.index.lists.get(&list)) {
                self.basket.push((kind, name));
            }
        }
    }

    pub fn contact(&mut self, contact: IndexedContact) {
        let Some(owner) = self.fed_place(&contact.party_id) else {
            return;
        };
        let index = &mut *self.index;
        self.contacts.day.push(index.day_of(contact.created_at));
        self.contacts.channel.push(index.symbols.of(&contact.channel));
        self.contacts.nature.push(index.symbols.of(&contact.nature));
        self.contact_owner.push(owner);
    }

    /// The place of the customer of `id` if it is one of those put.
    fn fed_place(&self, id: &Uuid) -> Option<u32> {
        self.index.place_of(id).filter(|at| self.fed.contains(*at))
    }

    fn find(&mut self, sale: Uuid) -> Option<usize> {
        let ahead = (self.cursor..self.sale_ids.len().min(self.cursor + LOOK_AHEAD))
            .find(|&at| self.sale_ids[at] == sale);
        let at = match ahead {
            Some(at) => at,
            None => {
                let ids = &self.sale_ids;
                let by_id = self
                    .by_sale_id
                    .get_or_insert_with(|| ids.iter().enumerate().map(|(at, id)| (*id, at as u32)).collect());
                *by_id.get(&sale)? as usize
            }
        };
        self.cursor = at;
        Some(at)
    }

    /// Files the open sale under what its items were filed under.
    fn close(&mut self) {
        let Some(at) = self.open.take() else {
            return;
        };
        let mut basket = std::mem::take(&mut self.basket);
        basket.sort_unstable();
        basket.dedup();
        let basket = self.index.basket(basket);
        self.read.basket.set(at, basket);
    }

    /// Writes the sales and interactions read after their columns, each
    /// customer's together and by day.
    pub fn finish(mut self) {
        self.close();
        // The sales' ids only matched their items: gone before the columns
        // are filed, the build's peak is 16 bytes a sale lower.
        self.sale_ids = Vec::new();
        self.by_sale_id = None;
        let index = &mut *self.index;
        let read = std::mem::take(&mut self.read);
        let (first, mut order) = filed(&self.owner, index.customers.len());
        self.owner = Vec::new();
        let base = index.facts.len() as u32;
        let read_contacts = std::mem::take(&mut self.contacts);
        let (first_contact, mut contact_order) = filed(&self.contact_owner, index.customers.len());
        let contacts_base = index.contacts.len() as u32;
        for at in self.fed.iter() {
            let at = at as usize;
            order[first[at] as usize..first[at + 1] as usize]
                .sort_unstable_by_key(|&f| read.day.get(f as usize));
            contact_order[first_contact[at] as usize..first_contact[at + 1] as usize]
                .sort_unstable_by_key(|&r| read_contacts.day.get(r as usize));
            index.customers.facts.set(at, base + first[at]..base + first[at + 1]);
            for &f in &order[first[at] as usize..first[at + 1] as usize] {
                let f = f as usize;
                let basket = &index.baskets[read.basket.get(f) as usize];
                index.ever.note(at as u32, read.store.get(f), read.seller.get(f), basket);
            }
            index
                .customers
                .contacts
                .set(at, contacts_base + first_contact[at]..contacts_base + first_contact[at + 1]);
        }
        let contacts = &mut index.contacts;
        contacts.day.extend(contact_order.iter().map(|&r| read_contacts.day.get(r as usize)));
        contacts.channel.extend(contact_order.iter().map(|&r| read_contacts.channel.get(r as usize)));
        contacts.nature.extend(contact_order.iter().map(|&r| read_contacts.nature.get(r as usize)));
        let EngineIndex { facts, sale_kinds, .. } = index;
        facts.day.extend(order.iter().map(|&f| read.day.get(f as usize)));
        facts.amount.extend(order.iter().map(|&f| read.amount.get(f as usize)));
        facts.kind.extend(order.iter().map(|&f| {
            let f = f as usize;
            sale_kinds.of(SaleKind {
                store: read.store.get(f),
                seller: read.seller.get(f),
                basket: read.basket.get(f),
            })
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::super::ClauseCache;
    use super::*;
    use db::repo::engine::IndexedCustomer;
    use domain::access::Reach;
    use domain::engine::{EngineField, Segment};
    use domain::filter::{Filter, Test, Value};

    fn uuid(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Items arriving out of their sales' order (and a cancelled sale's
    /// items among them) are filed under the right sales.
    #[test]
    fn items_out_of_order_are_filed_under_their_sales() {
        let (shoes, socks) = (uuid(900), uuid(901));
        let lists = vec![
            (shoes, "group".to_string(), "Calçados".to_string()),
            (socks, "group".into(), "Meias".into()),
        ];
        let mut index = EngineIndex::new(chrono_tz::America::Sao_Paulo, lists);
        let fed = (1..=3)
            .map(|n| index.put_customer(IndexedCustomer { id: uuid(n), ..Default::default() }))
            .collect();
        let mut feed = index.feed(fed);
        let sold_at = chrono::DateTime::from_timestamp(1_760_000_000, 0).unwrap_or_default();
        let sale = |id: u128, party: u128, cancelled: bool| IndexedSale {
            id: uuid(id),
            party_id: uuid(party),
            store_id: uuid(50),
            seller_id: None,
            sold_at,
            total: 1000,
            cancelled,
        };
        // Customer 3's sale was cancelled; many sales without items lie between.
        feed.sale(sale(100, 1, false));
        for n in 0..(LOOK_AHEAD as u128 * 2) {
            feed.sale(sale(200 + n, 2, false));
        }
        feed.sale(sale(101, 3, true));
        feed.sale(sale(102, 2, false));
        let item = |sale: u128, group: Uuid| IndexedItem {
            sale_id: uuid(sale),
            group_id: Some(group),
            brand_id: None,
            line_id: None,
        };
        feed.item(item(102, socks));
        feed.item(item(101, shoes));
        feed.item(item(100, shoes));
        feed.item(item(102, shoes));
        feed.finish();
        let bought = |group: &str| {
            let segment = Segment {
                filter: Filter::is(EngineField::ProductGroup, Test::Equals(Value::text(group))),
                ..Default::default()
            };
            let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
            let chosen = index
                .select(&segment, Reach::Everything, today, &mut ClauseCache::default())
                .unwrap_or_default();
            chosen.iter().map(|at| index.customers.id[at as usize].as_u128()).collect::<Vec<_>>()
        };
        assert_eq!(bought("Calçados"), [1, 2]);
        assert_eq!(bought("Meias"), [2]);
        assert_eq!(index.sales(), 2 + LOOK_AHEAD * 2);
    }

    /// Enough customers for the window's figures to be worked in parts:
    /// each customer's own sales are counted, whichever part it is in.
    #[test]
    fn figures_worked_in_parts_are_each_customers_own() {
        let mut index = EngineIndex::new(chrono_tz::America::Sao_Paulo, Vec::new());
        let customers: u128 = 50_000;
        let fed = (1..=customers)
            .map(|n| index.put_customer(IndexedCustomer { id: uuid(n), ..Default::default() }))
            .collect();
        let mut feed = index.feed(fed);
        let sold_at = chrono::DateTime::from_timestamp(1_760_000_000, 0).unwrap_or_default();
        // Customer n bought n % 4 times, R$ n each time.
        for n in 1..=customers {
            for k in 0..n % 4 {
                feed.sale(IndexedSale {
                    id: uuid(1_000_000 + n * 4 + k),
                    party_id: uuid(n),
                    store_id: uuid(50),
                    seller_id: None,
                    sold_at,
                    total: n as i64 * 100,
                    cancelled: false,
                });
            }
        }
        feed.finish();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let chosen = |field: EngineField, at_least: i64| {
            // A window: over all time the figures each customer keeps are read.
            let window = domain::engine::PurchaseWindow {
                stores: Vec::new(),
                from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1),
                to: None,
            };
            let segment = Segment {
                filter: Filter::is(field, Test::Range { from: Some(Value::Number(at_least)), to: None }),
                window,
                ..Default::default()
            };
            let chosen = index
                .select(&segment, Reach::Everything, today, &mut ClauseCache::default())
                .unwrap_or_default();
            chosen.iter().map(|at| index.customers.id[at as usize].as_u128()).collect::<Vec<_>>()
        };
        let expected = |keep: &dyn Fn(u128) -> bool| (1..=customers).filter(|n| keep(*n)).collect::<Vec<_>>();
        assert_eq!(chosen(EngineField::PurchaseCount, 3), expected(&|n| n % 4 == 3));
        assert_eq!(
            chosen(EngineField::TotalBought, 9_000_000),
            expected(&|n| n * (n % 4) * 100 >= 9_000_000)
        );
        assert_eq!(chosen(EngineField::LargestPurchase, 4_000_000), expected(&|n| n % 4 > 0 && n >= 40_000));

        // Figured for the odd places first, then for all: each keeps its own.
        let window = index.window(&domain::engine::PurchaseWindow::default());
        let all: Bits = (0..customers as u32).collect();
        let odd: Bits = (0..customers as u32).filter(|at| at % 2 == 1).collect();
        let (mut grown, mut at_once) = (WindowFigures::default(), WindowFigures::default());
        index.figure(&mut grown, &window, &odd);
        index.figure(&mut grown, &window, &all);
        index.figure(&mut at_once, &window, &all);
        for at in all.iter() {
            let (a, b) = (grown.of(at), at_once.of(at));
            assert_eq!((a.count, a.total, a.largest, a.last), (b.count, b.total, b.largest, b.last), "{at}");
        }
        let n = index.customers.id[9_999].as_u128() as i64;
        assert_eq!(grown.of(9_999).total, n * (n % 4) * 100);
    }
}

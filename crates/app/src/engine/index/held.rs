//! How many bytes the index holds, part by part, counted from what each
//! vector and map has reserved: the build's log and the benchmark say
//! where the memory goes, which the process's RSS alone cannot.
use super::bits::Bits;
use super::{EngineIndex, Symbols};
use std::collections::HashMap;
use std::mem::size_of;

/// Bytes reserved by each part of an index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// The customers' columns, names and ids.
    pub customers: usize,
    /// The purchase facts' columns.
    pub sales: usize,
    /// The sets of customers: consents, tags, who ever bought where.
    pub sets: usize,
    /// The interactions' columns.
    pub contacts: usize,
    /// Finding a customer, a symbol, a store, a person or a basket.
    pub lookups: usize,
}

impl Held {
    pub fn total(&self) -> usize {
        self.customers + self.sales + self.sets + self.contacts + self.lookups
    }
}

/// What one value has reserved beyond its own size.
pub(super) trait Reserved {
    fn reserved(&self) -> usize;
}

impl<T> Reserved for Vec<T> {
    fn reserved(&self) -> usize {
        self.capacity() * size_of::<T>()
    }
}

impl Reserved for String {
    fn reserved(&self) -> usize {
        self.capacity()
    }
}

impl Reserved for Bits {
    fn reserved(&self) -> usize {
        self.reserved_words() * size_of::<u64>()
    }
}

/// A hash table's buckets (a power of two at least 8/7 of what it can
/// hold) each hold an entry and a control byte.
fn table_bytes<Entry>(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    (capacity * 8 / 7).next_power_of_two() * (size_of::<Entry>() + 1)
}

impl<K, V> Reserved for HashMap<K, V> {
    fn reserved(&self) -> usize {
        table_bytes::<(K, V)>(self.capacity())
    }
}

impl<T> Reserved for hashbrown::HashTable<T> {
    fn reserved(&self) -> usize {
        table_bytes::<T>(self.capacity())
    }
}

impl Reserved for Symbols {
    fn reserved(&self) -> usize {
        // Each text is boxed twice: in the list and as the map's key.
        let texts: usize = self.texts.iter().map(|t| t.len()).sum();
        self.ids.reserved() + self.texts.reserved() + 2 * texts
    }
}

impl EngineIndex {
    /// What each of the customers' columns has reserved, by name.
    pub fn customers_columns_reserved(&self) -> Vec<(&'static str, usize)> {
        self.customers.columns_reserved()
    }

    pub fn held(&self) -> Held {
        let c = &self.customers;
        // Baskets are each boxed twice: in their list and as the map's key.
        let basket_entries: usize = self.baskets.iter().map(|b| b.len() * size_of::<(u8, u32)>()).sum();
        Held {
            customers: c.reserved(),
            sales: self.facts.reserved(),
            sets: self.alive.reserved()
                + c.consents.iter().map(Reserved::reserved).sum::<usize>()
                + c.has_email.reserved()
                + c.tagged.reserved()
                + c.tags.reserved()
                + c.tags.values().map(Reserved::reserved).sum::<usize>()
                + self.ever.reserved(),
            contacts: self.contacts.reserved(),
            lookups: self.by_id.reserved()
                + self.settled.reserved()
                + self.symbols.reserved()
                + self.stores.reserved()
                + self.people.reserved()
                + self.branches.reserved()
                + self.lists.reserved()
                + self.baskets.reserved()
                + self.basket_ids.reserved()
                + self.sale_kinds.reserved()
                + 2 * basket_entries
                + self.days_of_hours.reserved(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use db::repo::engine::{IndexedCustomer, IndexedSale};
    use uuid::Uuid;

    /// A shop's sales (three stores, five sellers, amounts in cents under
    /// R$ 1,000, days of this century, no items) take six bytes each,
    /// and a customer's place is found by id through five bytes a bucket,
    /// not twenty-one, then, once built, four bytes a customer.
    #[test]
    fn a_shops_sales_take_six_bytes_each() {
        let mut index = EngineIndex::new(chrono_tz::America::Sao_Paulo, Vec::new());
        let customers = 10_000u128;
        let fed = (1..=customers)
            .map(|n| index.put_customer(IndexedCustomer { id: Uuid::from_u128(n), ..Default::default() }))
            .collect();
        let mut feed = index.feed(fed);
        let mut sales = 0;
        for n in 1..=customers {
            for k in 0..10 {
                sales += 1;
                feed.sale(IndexedSale {
                    id: Uuid::from_u128(1_000_000 + sales),
                    party_id: Uuid::from_u128(n),
                    store_id: Uuid::from_u128(50 + n % 3),
                    seller_id: Some(Uuid::from_u128(70 + (n + k) % 5)),
                    sold_at: chrono::DateTime::from_timestamp(1_700_000_000 + (sales as i64) * 600, 0)
                        .unwrap_or_default(),
                    total: 1_000 + (sales as i64 % 90_000),
                    cancelled: false,
                });
            }
        }
        feed.finish();
        assert_eq!(index.sales(), 100_000);
        let held = index.held();
        assert!(held.sales <= 6 * index.sales(), "{} bytes for {} sales", held.sales, index.sales());
        assert!(
            index.by_id.reserved() <= 5 * 2 * 16_384,
            "{} bytes to find a customer",
            index.by_id.reserved()
        );
        for n in [1, 5_000, 10_000] {
            assert_eq!(index.place_of(&Uuid::from_u128(n)), Some(n as u32 - 1));
        }
        assert_eq!(index.place_of(&Uuid::from_u128(10_001)), None);

        // Settled, the places are found in four bytes a customer, and
        // customers put since through the table again.
        index.settle();
        assert_eq!(index.by_id.reserved() + index.settled.reserved(), 4 * 10_000);
        let later = index.put_customer(IndexedCustomer { id: Uuid::from_u128(5), ..Default::default() });
        assert_eq!(later, 4);
        let new = index.put_customer(IndexedCustomer { id: Uuid::from_u128(20_000), ..Default::default() });
        assert_eq!(new, 10_000);
        for n in [1, 5, 5_000, 10_000, 20_000] {
            let expected = if n == 20_000 { 10_000 } else { n as u32 - 1 };
            assert_eq!(index.place_of(&Uuid::from_u128(n)), Some(expected), "{n}");
        }
        assert_eq!(index.place_of(&Uuid::from_u128(10_001)), None);
    }
}

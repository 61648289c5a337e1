//! The grid's order over the chosen customers, as the SQL sorts it: the
//! column (customers without a value last), then the name, then the id.
//! Picking one page of a million compares numbers — the column as an
//! order-keeping number and the name's first eight bytes — against a heap
//! of the page's size; the full names and ids are compared only among the
//! few up to the page's edge.
use super::customers::{NO_DAY, NO_NUMBER};
use super::{Bits, EngineIndex};
use domain::engine::EngineSort;
use uuid::Uuid;

/// A customer's place in the order: the column, the name's start, then
/// the customer (compared in full only on a tie of the first two).
type Key = (u64, u64, u32);

/// An i64 as a u64 of the same order.
fn ordered(value: i64) -> u64 {
    (value as u64) ^ (1 << 63)
}

impl EngineIndex {
    /// The first `limit` of the chosen by (name, id), as the SQL orders them.
    pub(super) fn first_by_name(&self, chosen: &Bits, limit: usize) -> Bits {
        if chosen.len() as usize <= limit {
            return chosen.clone();
        }
        self.first(chosen, EngineSort::Name, false, limit).into_iter().collect()
    }

    /// The ids of the chosen on one page of the grid; `None` for a column
    /// the index does not keep (the last contact).
    pub fn page(
        &self,
        chosen: &Bits,
        sort: EngineSort,
        descending: bool,
        offset: usize,
        limit: usize,
    ) -> Option<Vec<Uuid>> {
        if sort == EngineSort::LastContact {
            return None;
        }
        let first = self.first(chosen, sort, descending, offset + limit);
        Some(first.into_iter().skip(offset).map(|at| self.customers.id[at as usize]).collect())
    }

    /// The first `count` of the chosen in the grid's order, in that order.
    fn first(&self, chosen: &Bits, sort: EngineSort, descending: bool, count: usize) -> Vec<u32> {
        let c = &self.customers;
        let directed = |key: u64| if descending { !key } else { key };
        // The column's value as a number in the asked order; none: last either way.
        let column = |at: usize| -> u64 {
            let number = |value: i64, ascending: bool| {
                if value == NO_NUMBER {
                    u64::MAX
                } else if ascending {
                    ordered(value)
                } else {
                    !ordered(value)
                }
            };
            match sort {
                EngineSort::Name | EngineSort::LastContact => 0,
                // The oldest due date first is the longest overdue first.
                EngineSort::DaysOverdue => {
                    let due = c.oldest_open_due.get(at);
                    number(if due == NO_DAY { NO_NUMBER } else { i64::from(due) }, descending)
                }
                EngineSort::Points => directed(ordered(c.points.get(at))),
                EngineSort::TotalBought => directed(ordered(c.total_bought.get(at))),
                EngineSort::LastPurchase => number(c.last_purchase_at(at), !descending),
            }
        };
        // The `count`th smallest of them: a heap of `count` keys, which
        // most customers do not enter.
        let mut smallest = std::collections::BinaryHeap::with_capacity(count + 1);
        for at in chosen.iter() {
            // A column past the largest kept decides without the name.
            let column = column(at as usize);
            if smallest.len() == count && smallest.peek().is_some_and(|(largest, _)| column > *largest) {
                continue;
            }
            let key = (column, directed(c.names.first_word_key(at as usize)));
            if smallest.len() < count {
                smallest.push(key);
            } else if smallest.peek().is_some_and(|largest| key < *largest) {
                smallest.pop();
                smallest.push(key);
            }
        }
        let Some(&edge) = smallest.peek() else {
            return Vec::new();
        };
        // Everyone up to the edge, ties included: only those can be among
        // the first `count`, and the names' first eight bytes, then the
        // names and ids, order them.
        let mut keys: Vec<Key> = chosen
            .iter()
            .filter_map(|at| {
                let column = column(at as usize);
                if column > edge.0 {
                    return None;
                }
                let start = directed(c.names.first_word_key(at as usize));
                ((column, start) <= edge).then(|| (column, directed(c.names.key(at as usize)), at))
            })
            .collect();
        let full = |a: &Key, b: &Key| {
            let by_name = || {
                let (x, y) = (a.2 as usize, b.2 as usize);
                c.names.compare(x, y).then(c.id[x].cmp(&c.id[y]))
            };
            (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| if descending { by_name().reverse() } else { by_name() })
        };
        keys.sort_unstable_by(full);
        keys.truncate(count);
        keys.into_iter().map(|k| k.2).collect()
    }
}

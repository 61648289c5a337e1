//! The customers as columns, one vector per value, all indexed by the
//! customer's place: a clause reads only its own column, a few bytes a
//! customer, instead of a whole customer's row.
use super::bits::Bits;
use super::facts::SalesFeed;
use super::held::Reserved;
use super::names::Names;
use super::narrow::{Narrow, Spans};
use super::{EngineIndex, NONE};
use chrono::Datelike;
use db::repo::engine::IndexedCustomer;
use std::collections::HashMap;
use uuid::Uuid;

/// `i64::MIN` stands for no value in a number column (no amount, size or
/// balance reaches it), `i32::MIN` for no day.
pub(super) const NO_NUMBER: i64 = i64::MIN;
pub(super) const NO_DAY: i32 = i32::MIN;

#[derive(Default)]
pub(super) struct Customers {
    pub id: Vec<Uuid>,
    pub names: Names,
    /// Texts as symbols ([`NONE`]: none).
    pub customer_status: Narrow<u32>,
    pub credit_bureau_status: Narrow<u32>,
    pub sex: Narrow<u32>,
    pub city: Narrow<u32>,
    pub state: Narrow<u32>,
    pub profession: Narrow<u32>,
    pub football_team: Narrow<u32>,
    pub agreement: Narrow<u32>,
    pub credit_complement: Narrow<u32>,
    /// The responsible seller's place in the index's people, the branch's in its branches.
    pub seller: Narrow<u32>,
    pub branch: Narrow<u32>,
    pub shoe_size: Narrow<i64>,
    pub revolving_credit: Narrow<i64>,
    pub open_balance: Narrow<i64>,
    pub paid_installments: Narrow<i64>,
    pub delay_days_total: Narrow<i64>,
    pub points: Narrow<i64>,
    /// The kept figures the grid sorts by, as SQL reads them (the others
    /// over all time are worked out from the sales as a window's).
    pub total_bought: Narrow<i64>,
    /// The last purchase's second since 1970 and its microsecond within
    /// it, apart: the microseconds take a byte a customer while all are
    /// 0 (sales entered by the minute), three otherwise.
    pub last_purchase_second: Narrow<i64>,
    pub last_purchase_micros: Narrow<u32>,
    /// Days from the common era.
    pub birth: Narrow<i32>,
    pub oldest_open_due: Narrow<i32>,
    /// Days of the year ([`super::verdicts::month_day`]).
    pub birth_day: Narrow<u16>,
    pub spouse_birth_day: Narrow<u16>,
    /// SMS/WhatsApp, e-mail, phone, letter.
    pub consents: [Bits; 4],
    pub has_email: Bits,
    /// Who has each tag (by symbol), and who has any.
    pub tags: HashMap<u32, Bits>,
    pub tagged: Bits,
    /// Where its sales are in the fact columns, its interactions in the contacts'.
    pub facts: Spans,
    pub contacts: Spans,
}

const MICROS: i64 = 1_000_000;

impl Customers {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// The last purchase in microseconds since 1970 ([`NO_NUMBER`]: none).
    pub fn last_purchase_at(&self, at: usize) -> i64 {
        let second = self.last_purchase_second.get(at);
        if second == NO_NUMBER {
            return NO_NUMBER;
        }
        second * MICROS + i64::from(self.last_purchase_micros.get(at))
    }
}

fn number(value: Option<i64>) -> i64 {
    value.unwrap_or(NO_NUMBER)
}

fn day(date: Option<chrono::NaiveDate>) -> i32 {
    date.map_or(NO_DAY, |d| d.num_days_from_ce())
}

impl EngineIndex {
    /// Files `tag` under the customer at `at`.
    pub fn tag(&mut self, at: u32, tag: &str) {
        let tag = self.symbols.of(tag);
        self.customers.tags.entry(tag).or_default().insert(at);
        self.customers.tagged.insert(at);
    }

    /// The feed of the sales of the customers just put (by place), which
    /// replace whatever sales they had.
    pub fn feed(&mut self, fed: Bits) -> SalesFeed<'_> {
        SalesFeed {
            index: self,
            fed,
            sale_ids: Vec::new(),
            owner: Vec::new(),
            read: Default::default(),
            cursor: 0,
            by_sale_id: None,
            open: None,
            basket: Vec::new(),
            contacts: Default::default(),
            contact_owner: Vec::new(),
        }
    }

    /// Puts a customer read (new, or again) without its tags and sales,
    /// and answers its place: [`EngineIndex::tag`] and
    /// [`EngineIndex::feed`] give them.
    pub fn put_customer(&mut self, row: IndexedCustomer) -> u32 {
        let symbol = |index: &mut EngineIndex, text: Option<&str>| text.map_or(NONE, |t| index.symbols.of(t));
        let customer_status = symbol(self, row.customer_status.as_deref());
        let credit_bureau_status = symbol(self, row.credit_bureau_status.as_deref());
        let sex = symbol(self, row.sex.as_deref());
        let city = self.symbols.of(&row.city_key);
        let state = self.symbols.of(&row.state);
        let profession = symbol(self, row.profession.as_deref());
        let football_team = symbol(self, row.football_team.as_deref());
        let agreement = symbol(self, row.agreement.as_deref());
        let credit_complement = symbol(self, row.credit_complement.as_deref());
        let seller = row.seller_id.map_or(NONE, |s| self.person(s));
        let branch = row.branch_id.map_or(NONE, |b| self.branch(b));
        let last_purchase = row.last_purchase_at.map(|at| at.timestamp_micros());
        let known = self.place_of(&row.id);
        let c = &mut self.customers;
        let values = Columns {
            customer_status,
            credit_bureau_status,
            sex,
            city,
            state,
            profession,
            football_team,
            agreement,
            credit_complement,
            seller,
            branch,
            shoe_size: number(row.shoe_size),
            revolving_credit: number(row.revolving_credit_limit),
            open_balance: row.open_balance,
            paid_installments: row.paid_installments,
            delay_days_total: row.delay_days_total,
            points: row.points_balance,
            total_bought: row.total_bought,
            last_purchase_second: last_purchase.map_or(NO_NUMBER, |at| at.div_euclid(MICROS)),
            last_purchase_micros: last_purchase.map_or(0, |at| at.rem_euclid(MICROS) as u32),
            birth: day(row.birth_date),
            oldest_open_due: day(row.oldest_open_due),
            birth_day: super::verdicts::month_day(row.birth_date),
            spouse_birth_day: super::verdicts::month_day(row.spouse_birth_date),
        };
        let at = match known {
            Some(at) => {
                values.write(c, at as usize);
                c.names.set(at as usize, &row.sort_name);
                for holders in c.tags.values_mut() {
                    holders.remove(at);
                }
                c.tagged.remove(at);
                c.facts.set(at as usize, 0..0);
                c.contacts.set(at as usize, 0..0);
                at
            }
            None => {
                let at = c.len() as u32;
                c.id.push(row.id);
                values.push(c);
                c.names.push(&row.sort_name);
                c.facts.push(0..0);
                c.contacts.push(0..0);
                self.file_place(at);
                at
            }
        };
        let c = &mut self.customers;
        let consents = [row.consent_sms_whatsapp, row.consent_email, row.consent_phone, row.consent_letter];
        for (holders, given) in c.consents.iter_mut().zip(consents) {
            if given { holders.insert(at) } else { holders.remove(at) }
        }
        if row.has_email {
            c.has_email.insert(at)
        } else {
            c.has_email.remove(at)
        }
        self.alive.insert(at);
        at
    }
}

/// One customer's fixed-size values, written to their columns together.
struct Columns {
    customer_status: u32,
    credit_bureau_status: u32,
    sex: u32,
    city: u32,
    state: u32,
    profession: u32,
    football_team: u32,
    agreement: u32,
    credit_complement: u32,
    seller: u32,
    branch: u32,
    shoe_size: i64,
    revolving_credit: i64,
    open_balance: i64,
    paid_installments: i64,
    delay_days_total: i64,
    points: i64,
    total_bought: i64,
    last_purchase_second: i64,
    last_purchase_micros: u32,
    birth: i32,
    oldest_open_due: i32,
    birth_day: u16,
    spouse_birth_day: u16,
}

/// Each column of [`Columns`], once, for both writing and appending.
macro_rules! each_column {
    ($apply:ident, $values:expr, $columns:expr) => {
        $apply!(
            $values,
            $columns,
            customer_status,
            credit_bureau_status,
            sex,
            city,
            state,
            profession,
            football_team,
            agreement,
            credit_complement,
            seller,
            branch,
            shoe_size,
            revolving_credit,
            open_balance,
            paid_installments,
            delay_days_total,
            points,
            total_bought,
            last_purchase_second,
            last_purchase_micros,
            birth,
            oldest_open_due,
            birth_day,
            spouse_birth_day
        )
    };
}

macro_rules! push_each {
    ($values:expr, $columns:expr, $($column:ident),*) => {
        $($columns.$column.push($values.$column);)*
    };
}

macro_rules! write_each {
    ($values:expr, $columns:expr, $at:expr, $($column:ident),*) => {
        $(Column::put(&mut $columns.$column, $at, $values.$column);)*
    };
}

/// A column written in place, narrowed or not.
trait Column<T> {
    fn put(&mut self, at: usize, value: T);
}

impl<T> Column<T> for Vec<T> {
    fn put(&mut self, at: usize, value: T) {
        self[at] = value;
    }
}

impl<T: super::narrow::Cell> Column<T> for Narrow<T> {
    fn put(&mut self, at: usize, value: T) {
        self.set(at, value);
    }
}

macro_rules! reserved_by_name {
    ($values:expr, $columns:expr, $($column:ident),*) => {
        vec![$((stringify!($column), $columns.$column.reserved())),*]
    };
}

impl Reserved for Customers {
    fn reserved(&self) -> usize {
        self.columns_reserved().iter().map(|(_, bytes)| bytes).sum()
    }
}

impl Customers {
    /// What each column has reserved, by name: where the next byte to save is.
    pub fn columns_reserved(&self) -> Vec<(&'static str, usize)> {
        let mut columns = each_column!(reserved_by_name, (), self);
        columns.extend([
            ("id", self.id.reserved()),
            ("names", self.names.reserved()),
            ("facts", self.facts.reserved()),
            ("contacts", self.contacts.reserved()),
        ]);
        columns
    }
}

impl Columns {
    fn push(self, columns: &mut Customers) {
        each_column!(push_each, self, columns);
    }

    fn write(self, columns: &mut Customers, at: usize) {
        macro_rules! write_at {
            ($values:expr, $columns:expr, $($column:ident),*) => {
                write_each!($values, $columns, at, $($column),*)
            };
        }
        each_column!(write_at, self, columns);
    }
}

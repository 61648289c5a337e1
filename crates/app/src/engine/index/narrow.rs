//! A column of whole numbers kept in the narrowest width, 8 to 64 bits,
//! that holds every value written to it so far: a million store places
//! take one megabyte instead of four, a million shoe sizes one instead of
//! eight, ten million amounts in cents thirty instead of forty. The first
//! value that does not fit widens the whole column once. Each width's
//! smallest number stands for "no value".
use super::held::Reserved;
use std::marker::PhantomData;
use std::ops::Range;

/// No value, as the cells hold it before they are narrowed.
const NOTHING: i64 = i64::MIN;

/// What a column holds, as a whole number of at most 64 bits.
pub(super) trait Cell: Copy {
    /// Subtracted before a value is kept: days counted from 1970 fit in
    /// 16 bits from 1880 to 2059, days from the common era do not.
    const BASE: i64 = 0;
    fn to_number(self) -> i64;
    fn from_number(number: i64) -> Self;
}

/// A place or a symbol; `u32::MAX` is none.
impl Cell for u32 {
    fn to_number(self) -> i64 {
        if self == u32::MAX { NOTHING } else { i64::from(self) }
    }
    fn from_number(number: i64) -> u32 {
        if number == NOTHING { u32::MAX } else { number as u32 }
    }
}

impl Cell for u16 {
    fn to_number(self) -> i64 {
        i64::from(self)
    }
    fn from_number(number: i64) -> u16 {
        number as u16
    }
}

/// A number; `i64::MIN` is none.
impl Cell for i64 {
    fn to_number(self) -> i64 {
        self
    }
    fn from_number(number: i64) -> i64 {
        number
    }
}

/// A day counted from the common era; `i32::MIN` is none.
impl Cell for i32 {
    const BASE: i64 = 719_163;
    fn to_number(self) -> i64 {
        if self == i32::MIN { NOTHING } else { i64::from(self) }
    }
    fn from_number(number: i64) -> i32 {
        if number == NOTHING { i32::MIN } else { number as i32 }
    }
}

#[derive(Clone, Debug)]
pub(super) enum Cells {
    W8(Vec<i8>),
    W16(Vec<i16>),
    W24(Vec<I24>),
    W32(Vec<i32>),
    W64(Vec<i64>),
}

/// A whole number in three bytes: amounts in cents under R$ 83,886 and
/// balances, points or places under 8 million, a byte less than in 32 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct I24([u8; 3]);

impl I24 {
    const MIN: i64 = -(1 << 23);
    const MAX: i64 = (1 << 23) - 1;
}

/// How many bits a kept number needs: 8, 16, 24, 32 or 64.
fn width(kept: i64) -> u8 {
    let fits = |min: i64, max: i64| kept == NOTHING || (kept > min && kept <= max);
    if fits(i8::MIN.into(), i8::MAX.into()) {
        8
    } else if fits(i16::MIN.into(), i16::MAX.into()) {
        16
    } else if fits(I24::MIN, I24::MAX) {
        24
    } else if fits(i32::MIN.into(), i32::MAX.into()) {
        32
    } else {
        64
    }
}

/// A cell of one width.
pub(super) trait Stored: Copy {
    /// Its number as kept, [`NOTHING`] for none.
    fn kept(self) -> i64;
    /// A kept number that [`width`] said fits.
    fn of_kept(kept: i64) -> Self;
}

macro_rules! stored {
    ($($t:ty),*) => {
        $(impl Stored for $t {
            #[inline(always)]
            fn kept(self) -> i64 {
                if self == <$t>::MIN { NOTHING } else { i64::from(self) }
            }
            fn of_kept(kept: i64) -> $t {
                if kept == NOTHING { <$t>::MIN } else { kept as $t }
            }
        })*
    };
}
stored!(i8, i16, i32);

impl Stored for I24 {
    #[inline(always)]
    fn kept(self) -> i64 {
        let [low, middle, high] = self.0;
        // The top byte's sign carried down from the third byte's.
        let number = i64::from(i32::from_le_bytes([low, middle, high, 0]) << 8 >> 8);
        if number == I24::MIN { NOTHING } else { number }
    }
    fn of_kept(kept: i64) -> I24 {
        let number = if kept == NOTHING { I24::MIN } else { kept } as i32;
        let [low, middle, high, _] = number.to_le_bytes();
        I24([low, middle, high])
    }
}

impl Stored for i64 {
    #[inline(always)]
    fn kept(self) -> i64 {
        self
    }
    fn of_kept(kept: i64) -> i64 {
        kept
    }
}

/// Runs `$body` with `$slice` bound to the cells (`&Cells` or `&mut
/// Cells`, a column's [`Narrow::cells`]) as a vector of their width, read
/// with [`Narrow::value`]: a loop over millions of cells then matches the
/// width once, not once a cell.
macro_rules! with_cells {
    ($cells:expr, $slice:ident => $body:expr) => {
        match $cells {
            $crate::engine::index::narrow::Cells::W8($slice) => $body,
            $crate::engine::index::narrow::Cells::W16($slice) => $body,
            $crate::engine::index::narrow::Cells::W24($slice) => $body,
            $crate::engine::index::narrow::Cells::W32($slice) => $body,
            $crate::engine::index::narrow::Cells::W64($slice) => $body,
        }
    };
}
pub(super) use with_cells;

impl Cells {
    fn width(&self) -> u8 {
        match self {
            Cells::W8(_) => 8,
            Cells::W16(_) => 16,
            Cells::W24(_) => 24,
            Cells::W32(_) => 32,
            Cells::W64(_) => 64,
        }
    }

    #[inline(always)]
    fn get(&self, at: usize) -> i64 {
        with_cells!(self, cells => cells[at].kept())
    }

    fn len(&self) -> usize {
        with_cells!(self, cells => cells.len())
    }

    /// The same cells at `bits` wide, keeping the room reserved.
    fn widen(&mut self, bits: u8) {
        let room = with_cells!(&*self, cells => cells.capacity());
        let mut wider = match bits {
            16 => Cells::W16(Vec::with_capacity(room)),
            24 => Cells::W24(Vec::with_capacity(room)),
            32 => Cells::W32(Vec::with_capacity(room)),
            _ => Cells::W64(Vec::with_capacity(room)),
        };
        for at in 0..self.len() {
            wider.put(None, self.get(at));
        }
        *self = wider;
    }

    /// Writes a kept number at `at` (`None`: at the end), widening first
    /// if it does not fit.
    fn put(&mut self, at: Option<usize>, kept: i64) {
        let bits = width(kept);
        if bits > self.width() {
            self.widen(bits);
        }
        with_cells!(self, cells => match at {
            Some(at) => cells[at] = Stored::of_kept(kept),
            None => cells.push(Stored::of_kept(kept)),
        })
    }
}

/// A column of `T`, narrowed.
#[derive(Clone, Debug)]
pub(super) struct Narrow<T> {
    cells: Cells,
    of: PhantomData<T>,
}

impl<T> Default for Narrow<T> {
    fn default() -> Narrow<T> {
        Narrow { cells: Cells::W8(Vec::new()), of: PhantomData }
    }
}

impl<T: Cell> Narrow<T> {
    /// A value as its cells keep it, to compare with [`Stored::kept`].
    pub fn to_kept(value: T) -> i64 {
        let number = value.to_number();
        if number == NOTHING { NOTHING } else { number - T::BASE }
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    #[inline(always)]
    pub fn get(&self, at: usize) -> T {
        Narrow::from_kept(self.cells.get(at))
    }

    /// A cell of [`with_cells`]'s slice, read.
    #[inline(always)]
    pub fn value(cell: impl Stored) -> T {
        Narrow::from_kept(cell.kept())
    }

    #[inline(always)]
    fn from_kept(kept: i64) -> T {
        T::from_number(if kept == NOTHING { NOTHING } else { kept + T::BASE })
    }

    pub fn cells(&self) -> &Cells {
        &self.cells
    }

    pub fn push(&mut self, value: T) {
        self.cells.put(None, Narrow::to_kept(value));
    }

    pub fn set(&mut self, at: usize, value: T) {
        self.cells.put(Some(at), Narrow::to_kept(value));
    }

    pub fn extend(&mut self, values: impl ExactSizeIterator<Item = T>) {
        self.reserve(values.len());
        for value in values {
            self.push(value);
        }
    }

    /// Room for `more` values at the present width.
    pub fn reserve(&mut self, more: usize) {
        with_cells!(&mut self.cells, cells => cells.reserve(more))
    }
}

impl<T> Reserved for Narrow<T> {
    fn reserved(&self) -> usize {
        with_cells!(&self.cells, cells => cells.reserved())
    }
}

/// Where each customer's rows are in columns that keep each customer's
/// together: a start and a length, each narrowed. The interactions' take
/// 2 bytes a customer while none has any and 4 up to 8 million of them,
/// where a `Range<u32>` takes 8; the sales keep
/// their ranges, read for every customer a purchase clause walks (two
/// columns read through their widths made those clauses 10% slower).
#[derive(Default)]
pub(super) struct Spans {
    start: Narrow<u32>,
    len: Narrow<u32>,
}

impl Spans {
    #[inline(always)]
    pub fn get(&self, at: usize) -> Range<u32> {
        let start = self.start.get(at);
        start..start + self.len.get(at)
    }

    /// Where the span at `at` starts, read alone.
    #[inline(always)]
    pub fn start(&self, at: usize) -> u32 {
        self.start.get(at)
    }

    /// An empty span starts at 0, so that the starts of customers without
    /// rows keep the column narrow.
    pub fn set(&mut self, at: usize, span: Range<u32>) {
        let start = if span.is_empty() { 0 } else { span.start };
        self.start.set(at, start);
        self.len.set(at, span.len() as u32);
    }

    pub fn push(&mut self, span: Range<u32>) {
        self.start.push(0);
        self.len.push(0);
        self.set(self.start.len() - 1, span);
    }
}

impl Reserved for Spans {
    fn reserved(&self) -> usize {
        self.start.reserved() + self.len.reserved()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value reads back as written, none included, across each widening.
    #[test]
    fn values_read_back_as_written_across_each_widening() {
        let mut numbers = Narrow::<i64>::default();
        let written =
            [3, i64::MIN, -127, 200, -40_000, -8_388_607, 8_388_608, 3_000_000_000, i64::MAX, i64::MIN + 1];
        let widths = [8, 8, 8, 16, 24, 24, 32, 64, 64, 64];
        for (value, bits) in written.iter().zip(widths) {
            numbers.push(*value);
            assert_eq!(numbers.cells.width(), bits, "after {value}");
        }
        assert_eq!((0..numbers.len()).map(|at| numbers.get(at)).collect::<Vec<_>>(), written);
        numbers.set(1, 5);
        assert_eq!(numbers.get(1), 5);

        let mut places = Narrow::<u32>::default();
        for value in [0, u32::MAX, 126, 127, u32::MAX - 1] {
            places.push(value);
        }
        assert_eq!(places.cells.width(), 64);
        assert_eq!(
            (0..5).map(|at| places.get(at)).collect::<Vec<_>>(),
            [0, u32::MAX, 126, 127, u32::MAX - 1]
        );

        // Days of this century fit in 16 bits; none stays none.
        let mut days = Narrow::<i32>::default();
        for day in [739_000, i32::MIN, 700_000] {
            days.push(day);
        }
        assert_eq!(days.cells.width(), 16);
        assert_eq!((0..3).map(|at| days.get(at)).collect::<Vec<_>>(), [739_000, i32::MIN, 700_000]);
        days.push(1);
        assert_eq!(days.cells.width(), 24);
        assert_eq!((days.get(1), days.get(3)), (i32::MIN, 1));
        assert_eq!(days.get(0), 739_000);
    }

    /// Spans read back as set; empty ones keep the starts at one byte.
    #[test]
    fn spans_read_back_and_empty_ones_stay_narrow() {
        let mut spans = Spans::default();
        for _ in 0..3 {
            spans.push(0..0);
        }
        spans.set(1, 70_000..70_000);
        assert_eq!((spans.start.cells.width(), spans.len.cells.width()), (8, 8));
        spans.set(2, 70_000..70_004);
        assert_eq!((spans.get(0), spans.get(1), spans.get(2)), (0..0, 0..0, 70_000..70_004));
        assert_eq!((spans.start.cells.width(), spans.len.cells.width()), (24, 8));
    }
}

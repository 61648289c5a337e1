//! The customers' names as the numbers of their words. A shop's names
//! repeat a few thousand words (Maria, Silva, Santos, Ltda), so each
//! distinct word is kept once and a name is its words' numbers, one byte
//! each for the first 128 words seen and two up to 16,384: a million
//! names of 23 bytes take 3 MB instead of 23. A name is split at each
//! space and joined back the same way, so it reads back as written.
use super::Symbols;
use super::held::Reserved;
use super::narrow::Spans;
use std::cell::RefCell;
use std::cmp::Ordering;

#[derive(Default)]
pub(super) struct Names {
    words: Symbols,
    /// Each word's first eight bytes, big-endian, zeros after its end.
    word_keys: Vec<u64>,
    /// The same up to the word's first byte below a space: a name's
    /// first word's is never more than that of a name after it.
    word_starts: Vec<u64>,
    /// Each name's word numbers, seven bits a byte, the high bit set on
    /// every byte but a number's last.
    coded: Vec<u8>,
    /// Where each customer's name is in `coded`.
    at: Spans,
}

impl Names {
    pub fn push(&mut self, name: &str) {
        let span = self.code(name);
        self.at.push(span);
    }

    /// Replaces the name at `at`; the old one's bytes stay unused.
    pub fn set(&mut self, at: usize, name: &str) {
        let span = self.code(name);
        self.at.set(at, span);
    }

    fn code(&mut self, name: &str) -> std::ops::Range<u32> {
        let start = self.coded.len() as u32;
        for word in name.split(' ') {
            let mut number = self.words.of(word);
            if number as usize == self.word_keys.len() {
                let mut bytes = [0u8; 8];
                for (to, from) in bytes.iter_mut().zip(word.as_bytes()) {
                    *to = *from;
                }
                self.word_keys.push(u64::from_be_bytes(bytes));
                if let Some(below_space) = bytes.iter().position(|b| *b < b' ') {
                    bytes[below_space..].fill(0);
                }
                self.word_starts.push(u64::from_be_bytes(bytes));
            }
            while number >= 0x80 {
                self.coded.push(0x80 | (number & 0x7f) as u8);
                number >>= 7;
            }
            self.coded.push(number as u8);
        }
        start..self.coded.len() as u32
    }

    /// The numbers of the words of the name at `at`, in order.
    #[inline(always)]
    fn numbers(&self, at: usize) -> impl Iterator<Item = u32> + '_ {
        let span = self.at.get(at);
        let (mut from, end) = (span.start as usize, span.end as usize);
        std::iter::from_fn(move || {
            (from < end).then(|| {
                let (number, next) = self.number_at(from);
                from = next;
                number
            })
        })
    }

    /// The words of the name at `at`, in order.
    fn words(&self, at: usize) -> impl Iterator<Item = &str> + '_ {
        self.numbers(at).map(|number| &*self.words.texts[number as usize])
    }

    #[cfg(test)]
    fn get(&self, at: usize) -> String {
        let mut name = String::new();
        self.write(at, &mut name);
        name
    }

    fn write(&self, at: usize, name: &mut String) {
        name.clear();
        for (k, word) in self.words(at).enumerate() {
            if k > 0 {
                name.push(' ');
            }
            name.push_str(word);
        }
    }

    /// `read` of the name at `at`, spelled out in this thread's own buffer.
    pub fn with<T>(&self, at: usize, read: impl FnOnce(&str) -> T) -> T {
        thread_local! {
            static NAME: RefCell<String> = const { RefCell::new(String::new()) };
        }
        NAME.with_borrow_mut(|name| {
            self.write(at, name);
            read(name)
        })
    }

    /// The number of the word at `from` in `coded`, and where the next starts.
    #[inline(always)]
    fn number_at(&self, mut from: usize) -> (u32, usize) {
        let (mut number, mut shift) = (0u32, 0);
        while let Some(&byte) = self.coded.get(from) {
            from += 1;
            number |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        (number, from)
    }

    /// The name's first eight bytes, big-endian: numbers order as the
    /// names do, but for names that start alike. Put together from each
    /// word's own first eight bytes, a few shifts a word.
    #[inline(always)]
    pub fn key(&self, at: usize) -> u64 {
        let span = self.at.get(at);
        let (mut from, end) = (span.start as usize, span.end as usize);
        let (mut key, mut filled) = (0u64, 0usize);
        while from < end && filled < 8 {
            if from > span.start as usize {
                key |= u64::from(b' ') << (8 * (7 - filled));
                filled += 1;
                if filled == 8 {
                    break;
                }
            }
            let (number, next) = self.number_at(from);
            from = next;
            key |= self.word_keys[number as usize] >> (8 * filled);
            filled = (filled + self.words.texts[number as usize].len()).min(8);
        }
        key
    }

    /// A cheaper, coarser [`Names::key`]: the first word's start. Names
    /// in order have these in order, many alike.
    #[inline(always)]
    pub fn first_word_key(&self, at: usize) -> u64 {
        let (number, _) = self.number_at(self.at.start(at) as usize);
        self.word_starts[number as usize]
    }

    /// The names at `a` and `b` compared as texts, word by word: a word
    /// that is the start of the other's is followed by a space or nothing.
    pub fn compare(&self, a: usize, b: usize) -> Ordering {
        let (mut a, mut b) = (self.words(a), self.words(b));
        loop {
            match (a.next(), b.next()) {
                (None, None) => return Ordering::Equal,
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some(x), Some(y)) if x == y => continue,
                (Some(x), Some(y)) => {
                    let (x, y) = (x.as_bytes(), y.as_bytes());
                    let common = x.iter().zip(y).take_while(|(p, q)| p == q).count();
                    // What follows the shorter word: a space, or the end of its name.
                    let after = |more: &mut dyn Iterator<Item = &str>| more.next().map(|_| b' ');
                    return match (x.get(common), y.get(common)) {
                        (Some(p), Some(q)) => p.cmp(q),
                        (None, Some(q)) => after(&mut a).map_or(Ordering::Less, |space| space.cmp(q)),
                        (Some(p), None) => after(&mut b).map_or(Ordering::Greater, |space| p.cmp(&space)),
                        (None, None) => Ordering::Equal,
                    };
                }
            }
        }
    }
}

impl Reserved for Names {
    fn reserved(&self) -> usize {
        self.words.reserved()
            + self.word_keys.reserved()
            + self.word_starts.reserved()
            + self.coded.reserved()
            + self.at.reserved()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names read back as written, spaces and all, and their keys order
    /// as their first eight bytes do.
    #[test]
    fn names_read_back_as_written() {
        let written =
            ["maria da conceicao", "", " two  spaces ", "auto pecas silva ltda", "m. souza & cia", "ana"];
        let mut names = Names::default();
        for name in written {
            names.push(name);
        }
        // Enough words for numbers of two and three bytes.
        for n in 0..20_000 {
            names.push(&format!("w{n} maria"));
        }
        names.set(2, "renamed twice");
        names.set(2, "renamed");
        for (at, name) in written.iter().enumerate().filter(|(at, _)| *at != 2) {
            assert_eq!(names.get(at), *name);
        }
        assert_eq!(names.get(2), "renamed");
        assert_eq!(names.get(6 + 19_999), "w19999 maria");
        names.with(3, |name| assert_eq!(name, "auto pecas silva ltda"));
        let key = |name: &str| {
            let mut bytes = [0u8; 8];
            for (to, from) in bytes.iter_mut().zip(name.as_bytes()) {
                *to = *from;
            }
            u64::from_be_bytes(bytes)
        };
        for at in [0, 1, 3, 4, 5, 6 + 19_999] {
            assert_eq!(names.key(at), key(&names.get(at)), "{at}");
        }
        assert_eq!(names.compare(5, 0), Ordering::Less);
        // Every pair compares as its texts do, words that start alike,
        // spaces and bytes below a space included.
        let texts = [
            "ana",
            "ana maria",
            "anabela",
            "ana  b",
            "ana b",
            "ana\tb",
            "an\t",
            "an",
            "",
            " ",
            "ana mariana",
            "b",
        ];
        let mut names = Names::default();
        for text in texts {
            names.push(text);
        }
        for (a, x) in texts.iter().enumerate() {
            names.with(a, |name| assert_eq!(name, *x));
            for (b, y) in texts.iter().enumerate() {
                assert_eq!(names.compare(a, b), x.cmp(y), "{x:?} against {y:?}");
            }
            assert_eq!(names.key(a), key(x), "{x:?}");
            for (b, y) in texts.iter().enumerate() {
                if x < y {
                    assert!(names.first_word_key(a) <= names.first_word_key(b), "{x:?} before {y:?}");
                }
            }
        }
    }
}

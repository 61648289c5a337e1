//! A set of customers by their place in the index, one bit each. The
//! places are dense (0 to the number of customers), so a plain vector of
//! words is both the smallest form and the fastest: an AND over a million
//! customers is 15,625 words, and a clause is judged a word at a time.

/// A set with fewer words than this (16,384 customers) is worked on one thread.
const WORDS_PER_PART: usize = 256;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
}

/// A clause's answer: who it holds for, and who it fails for; the rest is
/// unknown (SQL's three-valued logic).
#[derive(Clone, Debug, Default)]
pub struct Tri {
    pub holds: Bits,
    pub fails: Bits,
}

impl Bits {
    /// The places set in `words` (bit `b` of word `w` is place `64w + b`).
    fn of(words: Vec<u64>) -> Bits {
        Bits { words }
    }

    pub fn insert(&mut self, at: u32) {
        let (word, bit) = (at as usize / 64, at % 64);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << bit;
    }

    pub fn remove(&mut self, at: u32) {
        if let Some(word) = self.words.get_mut(at as usize / 64) {
            *word &= !(1 << (at % 64));
        }
    }

    pub fn contains(&self, at: u32) -> bool {
        self.words.get(at as usize / 64).is_some_and(|word| word & (1 << (at % 64)) != 0)
    }

    /// How many words it has reserved.
    pub fn reserved_words(&self) -> usize {
        self.words.capacity()
    }

    /// How many places are set.
    pub fn len(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// How many places both sets hold, without making the set.
    pub fn count_and(&self, other: &Bits) -> u64 {
        self.words.iter().zip(&other.words).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }

    pub fn and(&self, other: &Bits) -> Bits {
        Bits::of(self.words.iter().zip(&other.words).map(|(a, b)| a & b).collect())
    }

    pub fn or(&self, other: &Bits) -> Bits {
        let (long, short) = if self.words.len() >= other.words.len() { (self, other) } else { (other, self) };
        let mut words = long.words.clone();
        for (word, extra) in words.iter_mut().zip(&short.words) {
            *word |= extra;
        }
        Bits::of(words)
    }

    /// The places of `self` not in `other`.
    pub fn and_not(&self, other: &Bits) -> Bits {
        let mut words = self.words.clone();
        for (word, gone) in words.iter_mut().zip(&other.words) {
            *word &= !gone;
        }
        Bits::of(words)
    }

    /// The places set, in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        places(0, &self.words)
    }

    /// The places of `self` for which `keep` holds.
    pub fn filter(&self, keep: impl Fn(u32) -> bool + Sync) -> Bits {
        let parts = self.in_parts(|first, words| {
            words
                .iter()
                .enumerate()
                .map(|(w, &word)| {
                    let (mut rest, mut kept) = (word, 0u64);
                    while rest != 0 {
                        let bit = rest.trailing_zeros();
                        rest &= rest - 1;
                        if keep((first + w) as u32 * 64 + bit) {
                            kept |= 1 << bit;
                        }
                    }
                    kept
                })
                .collect::<Vec<u64>>()
        });
        Bits::of(parts.concat())
    }

    /// Each place of `self` judged: where the verdict holds, fails, or is unknown.
    pub fn judge(&self, verdict: impl Fn(u32) -> Option<bool> + Sync) -> Tri {
        let parts = self.in_parts(|first, words| {
            let mut holds = Vec::with_capacity(words.len());
            let mut fails = Vec::with_capacity(words.len());
            for (w, &word) in words.iter().enumerate() {
                let (mut rest, mut held, mut failed) = (word, 0u64, 0u64);
                while rest != 0 {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    match verdict((first + w) as u32 * 64 + bit) {
                        Some(true) => held |= 1 << bit,
                        Some(false) => failed |= 1 << bit,
                        None => {}
                    }
                }
                holds.push(held);
                fails.push(failed);
            }
            (holds, fails)
        });
        let (holds, fails): (Vec<Vec<u64>>, Vec<Vec<u64>>) = parts.into_iter().unzip();
        Tri { holds: Bits::of(holds.concat()), fails: Bits::of(fails.concat()) }
    }

    /// The words in as many parts as there are cores to work them (one
    /// part below [`WORDS_PER_PART`]), each with the number of its first word.
    pub fn parts(&self) -> Vec<(usize, &[u64])> {
        // Asked once: the answer reads the process's cgroup files each time.
        static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(8));
        let parts = cores.min(self.words.len() / WORDS_PER_PART).max(1);
        let size = self.words.len().div_ceil(parts).max(1);
        self.words.chunks(size).enumerate().map(|(k, words)| (k * size, words)).collect()
    }

    /// `work` over each of the [`Bits::parts`], each on its own thread.
    fn in_parts<T: Send>(&self, work: impl Fn(usize, &[u64]) -> T + Sync) -> Vec<T> {
        let parts = self.parts();
        if parts.len() <= 1 {
            return parts.into_iter().map(|(first, words)| work(first, words)).collect();
        }
        std::thread::scope(|scope| {
            let work = &work;
            let running: Vec<_> =
                parts.into_iter().map(|(first, words)| scope.spawn(move || work(first, words))).collect();
            running
                .into_iter()
                .map(|part| part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    }

    /// How many places are set before each word: with it, [`Bits::rank`]
    /// numbers the places 0, 1, 2… in ascending order.
    pub fn counts_before(&self) -> Vec<u32> {
        let mut before = 0;
        self.words
            .iter()
            .map(|word| {
                let here = before;
                before += word.count_ones();
                here
            })
            .collect()
    }

    /// How many places before `at` are set; `before` is [`Bits::counts_before`].
    #[inline(always)]
    pub fn rank(&self, before: &[u32], at: u32) -> usize {
        let (word, bit) = (at as usize / 64, at % 64);
        let below = self.words[word] & ((1u64 << bit) - 1);
        before[word] as usize + below.count_ones() as usize
    }

    /// Splits `self` by another set: who is also in `yes` holds, the rest fails.
    pub fn split(&self, yes: &Bits) -> Tri {
        Tri { holds: self.and(yes), fails: self.and_not(yes) }
    }
}

/// The places set in `words`, whose first is word number `first`.
pub fn places(first: usize, words: &[u64]) -> impl Iterator<Item = u32> + '_ {
    words.iter().enumerate().flat_map(move |(w, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros();
            rest &= rest - 1;
            Some((first + w) as u32 * 64 + bit)
        })
    })
}

impl FromIterator<u32> for Bits {
    fn from_iter<I: IntoIterator<Item = u32>>(places: I) -> Bits {
        let mut bits = Bits::default();
        for at in places {
            bits.insert(at);
        }
        bits
    }
}

impl Tri {
    /// Both answers together (judged for different customers).
    pub fn union(&self, other: &Tri) -> Tri {
        Tri { holds: self.holds.or(&other.holds), fails: self.fails.or(&other.fails) }
    }

    /// The answer for the customers of `scope` only.
    pub fn within(&self, scope: &Bits) -> Tri {
        Tri { holds: self.holds.and(scope), fails: self.fails.and(scope) }
    }

    pub fn not(self) -> Tri {
        Tri { holds: self.fails, fails: self.holds }
    }

    pub fn and(self, other: &Tri) -> Tri {
        Tri { holds: self.holds.and(&other.holds), fails: self.fails.or(&other.fails) }
    }

    pub fn or(self, other: &Tri) -> Tri {
        Tri { holds: self.holds.or(&other.holds), fails: self.fails.and(&other.fails) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_answer_as_sets_of_numbers() {
        let a: Bits = [0, 3, 64, 130, 200].into_iter().collect();
        let b: Bits = [3, 64, 199].into_iter().collect();
        assert_eq!(a.len(), 5);
        assert_eq!(a.and(&b).iter().collect::<Vec<_>>(), [3, 64]);
        assert_eq!(a.or(&b).iter().collect::<Vec<_>>(), [0, 3, 64, 130, 199, 200]);
        assert_eq!(b.or(&a), a.or(&b));
        assert_eq!(a.and_not(&b).iter().collect::<Vec<_>>(), [0, 130, 200]);
        assert_eq!(a.count_and(&b), 2);
        assert_eq!(a.filter(|at| at % 2 == 0).iter().collect::<Vec<_>>(), [0, 64, 130, 200]);
        let judged = a.judge(|at| (at != 64).then_some(at < 100));
        assert_eq!(judged.holds.iter().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(judged.fails.iter().collect::<Vec<_>>(), [130, 200]);
        let mut c = a.clone();
        c.remove(3);
        c.remove(10_000);
        assert_eq!(c.len(), 4);
        assert!(Bits::default().is_empty());
    }

    /// A set large enough to be worked in parts answers as one worked whole.
    #[test]
    fn parts_answer_as_the_whole() {
        let every_third: Bits = (0..200_000).filter(|at| at % 3 == 0).collect();
        let verdict = |at: u32| if at.is_multiple_of(5) { None } else { Some(at.is_multiple_of(2)) };
        let judged = every_third.judge(verdict);
        let expected = |wanted: Option<bool>| -> Vec<u32> {
            (0..200_000).filter(|at| at % 3 == 0 && verdict(*at) == wanted).collect()
        };
        assert_eq!(judged.holds.iter().collect::<Vec<_>>(), expected(Some(true)));
        assert_eq!(judged.fails.iter().collect::<Vec<_>>(), expected(Some(false)));
        let kept = every_third.filter(|at| at % 7 == 1);
        assert_eq!(
            kept.iter().collect::<Vec<_>>(),
            (0..200_000).filter(|at| at % 21 == 15).collect::<Vec<u32>>()
        );
    }
}

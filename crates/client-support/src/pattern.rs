//! A spec's string `pattern`, decided without a regular-expression engine.
//!
//! `cargo xtask codegen` compiles each `pattern` of a spec that is an anchored sequence of
//! characters and character classes, each repeated a bounded or unbounded number of times
//! (`^[A-Z]{2}$`, `^\+[1-9][0-9]{1,14}$`, `^[^<>]*$`, `^[A-Za-z\u00B5…]+$`), into a static
//! [`Pattern`], which the generated type's `FromStr` uses in place of a `regress::Regex`. A
//! pattern outside that form is left to `regress`, as typify writes it.
//!
//! Matching is greedy and never backtracks. That gives the regular expression's answer because
//! the generator compiles a pattern only when, after every atom that may repeat a varying number
//! of times, no character of its class can start what follows (the generator checks this, and
//! its tests compare both engines on every pattern of the specs).

/// The code points the bitmap of an [`Atom`] covers: those UTF-8 writes in one or two bytes.
const BITMAP_END: u32 = 0x800;
/// The bitmap's 64-bit words.
const BITMAP_WORDS: usize = (BITMAP_END / 64) as usize;

/// A compiled pattern: the whole value must be the atoms, one after the other.
#[derive(Debug)]
pub struct Pattern<'a> {
    atoms: &'a [Atom<'a>],
}

/// One character class (or a single character, as a class of one), repeated `min` to `max`
/// times.
#[derive(Debug)]
pub struct Atom<'a> {
    negated: bool,
    ranges: &'a [(char, char)],
    /// Bit `n % 64` of word `n / 64` set when the code point `n` (below [`BITMAP_END`]) is in the
    /// class: most values are ASCII, Latin, Greek or Cyrillic, and a bit test is cheaper than
    /// searching the ranges.
    bitmap: [u64; BITMAP_WORDS],
    min: u32,
    max: u32,
}

impl<'a> Pattern<'a> {
    /// The pattern of `atoms`, in order.
    pub const fn new(atoms: &'a [Atom<'a>]) -> Self {
        Self { atoms }
    }

    /// Whether all of `value` matches, as `^…$` does.
    pub fn is_match(&self, value: &str) -> bool {
        let mut rest = value;
        for atom in self.atoms {
            let mut count = 0;
            let mut chars = rest.chars();
            while count < atom.max {
                match chars.next() {
                    Some(c) if atom.contains(c) => {
                        count += 1;
                        rest = chars.as_str();
                    }
                    _ => break,
                }
            }
            if count < atom.min {
                return false;
            }
        }
        rest.is_empty()
    }
}

impl<'a> Atom<'a> {
    /// A class of the inclusive `ranges` (sorted by start, not overlapping), or of every
    /// character outside them when `negated`, repeated `min` to `max` times (`u32::MAX`: no
    /// upper bound).
    pub const fn new(negated: bool, ranges: &'a [(char, char)], min: u32, max: u32) -> Self {
        let mut bitmap = [0u64; BITMAP_WORDS];
        let mut index = 0;
        while index < ranges.len() {
            let (low, high) = ranges[index];
            let mut code = low as u32;
            while code <= high as u32 && code < BITMAP_END {
                bitmap[(code / 64) as usize] |= 1 << (code % 64);
                code += 1;
            }
            index += 1;
        }
        if negated {
            let mut word = 0;
            while word < BITMAP_WORDS {
                bitmap[word] = !bitmap[word];
                word += 1;
            }
        }
        Self {
            negated,
            ranges,
            bitmap,
            min,
            max,
        }
    }

    /// Whether `c` is in the class.
    fn contains(&self, c: char) -> bool {
        let code = u32::from(c);
        if code < BITMAP_END {
            return self.bitmap[(code / 64) as usize] & (1 << (code % 64)) != 0;
        }
        // The last range starting at or before `c` is the only one that can hold it.
        let after = self.ranges.partition_point(|&(low, _)| low <= c);
        let inside = after > 0 && self.ranges[after - 1].1 >= c;
        inside != self.negated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPPER: &[(char, char)] = &[('A', 'Z')];
    const DIGITS: &[(char, char)] = &[('0', '9')];

    #[test]
    fn a_fixed_count_must_be_met_exactly() {
        let atoms = [Atom::new(false, UPPER, 2, 2)];
        let two_capitals = Pattern::new(&atoms);
        assert!(two_capitals.is_match("GR"));
        for refused in ["", "G", "GRE", "gr", "G1", "GR\n", "ΓΡ"] {
            assert!(!two_capitals.is_match(refused), "{refused:?}");
        }
    }

    #[test]
    fn atoms_follow_one_another_with_ranges_of_counts() {
        let atoms = [
            Atom::new(false, &[('+', '+')], 1, 1),
            Atom::new(false, &[('1', '9')], 1, 1),
            Atom::new(false, DIGITS, 1, 14),
        ];
        let e164 = Pattern::new(&atoms);
        assert!(e164.is_match("+30210"));
        assert!(e164.is_match("+123456789012345"));
        for refused in ["+1", "+0123", "+1234567890123456", "30210", "+30 210"] {
            assert!(!e164.is_match(refused), "{refused:?}");
        }
    }

    #[test]
    fn a_negated_class_takes_everything_else_and_no_upper_bound_means_none() {
        let atoms = [Atom::new(true, &[('<', '<'), ('>', '>')], 0, u32::MAX)];
        let no_angle_brackets = Pattern::new(&atoms);
        for accepted in ["", "Ελένη", "O'Brien & Co", "😀"] {
            assert!(no_angle_brackets.is_match(accepted), "{accepted:?}");
        }
        assert!(!no_angle_brackets.is_match("a<b"));
    }

    #[test]
    fn classes_of_many_ranges_are_searched_in_order() {
        let ranges = [
            ('A', 'Z'),
            ('a', 'z'),
            ('\u{C0}', '\u{D6}'),
            ('\u{391}', '\u{3A1}'),
        ];
        let atoms = [Atom::new(false, &ranges, 1, u32::MAX)];
        let names = Pattern::new(&atoms);
        assert!(names.is_match("ÀÖaZΑΡ"));
        for refused in ["", "×", "\u{3A2}", "a b", "@"] {
            assert!(!names.is_match(refused), "{refused:?}");
        }
    }
}

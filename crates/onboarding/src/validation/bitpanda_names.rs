//! Bitpanda names: the form they are sent in, and the spec's rule for them, decided one
//! character at a time from the generated types' own pattern.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use bitpanda_client::types::BitpandaFirstName;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A name as the facade checks it and sends it to Bitpanda: in Unicode Normalization Form C (so
/// `e` followed by U+0301 COMBINING ACUTE ACCENT is the one letter `é`), with the typographic
/// apostrophe U+2019 (what phone keyboards type) folded into the ASCII apostrophe U+0027, the one
/// apostrophe the spec's pattern allows.
///
/// Most names are already in that form (the remembered facts of their characters, or else
/// Unicode's quick check, prove it without normalising), and are then borrowed as they are: no
/// copy, no normalisation pass.
pub(crate) fn bitpanda_name(raw: &str) -> Cow<'_, str> {
    // The usual name: allowed characters that NFC leaves alone, known from the table.
    if raw.chars().all(|c| char_facts(c) & SENT_AS_IS != 0) {
        return Cow::Borrowed(raw);
    }
    if !raw.contains('\u{2019}') && is_nfc_quick(raw.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(
        raw.nfc()
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect(),
    )
}

/// [`bitpanda_name`] of a `String` handed over: the same `String` when it is already in that
/// form, so a usual name is neither copied nor normalised.
pub(crate) fn into_bitpanda_name(raw: String) -> String {
    let normalised = match bitpanda_name(&raw) {
        Cow::Borrowed(_) => None,
        Cow::Owned(normalised) => Some(normalised),
    };
    normalised.unwrap_or(raw)
}

/// Whether `raw`, once in the form [`bitpanda_name`] gives it, is a Bitpanda name
/// ([`is_bitpanda_name`]). The usual name is settled in one pass over the remembered facts of its
/// characters; any other is normalised first.
pub(crate) fn is_bitpanda_name_once_normalised(raw: &str) -> bool {
    if raw.chars().all(|c| char_facts(c) & SENT_AS_IS != 0) {
        return !raw.is_empty();
    }
    is_bitpanda_name(&bitpanda_name(raw))
}

/// Whether `name` (as [`bitpanda_name`] gives it) is a non-empty Bitpanda name: upper- and
/// lower-case letters of any cased script, comma, full stop, hyphen, apostrophe and space.
///
/// The spec's `first_name` and `last_name` patterns are the same single character class repeated,
/// `^[…]+$` (a test holds both facts), so a name matches exactly when it is not empty and each of
/// its characters matches on its own. Each character is decided by the generated type itself, the
/// pattern compiled the way the generated client compiles it, so the facade cannot drift from what
/// the client accepts; the answer is remembered per code point, together with whether the
/// character is already in NFC, so a usual name is settled in one pass over a table.
pub(crate) fn is_bitpanda_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| char_facts(c) & ALLOWED != 0)
}

/// What is known of each code point of the Basic Multilingual Plane, four bits each: whether it
/// is decided yet, [`ALLOWED`] and [`SENT_AS_IS`].
static CHAR_FACTS: [AtomicU32; 0x1_0000 / 8] = [const { AtomicU32::new(0) }; 0x1_0000 / 8];

/// The code point's facts are known.
const DECIDED: u32 = 0b001;
/// The spec's name pattern allows the code point.
const ALLOWED: u32 = 0b010;
/// Allowed, and a name made only of such code points is already in NFC (Unicode's quick check
/// says "yes" and the combining class is 0, so nothing can reorder or compose).
const SENT_AS_IS: u32 = 0b100;

/// The facts of `c`, remembered for the BMP (the pattern lists only BMP code points; others are
/// worked out every time, and refused).
fn char_facts(c: char) -> u32 {
    let code = u32::from(c);
    let Some(slot) = CHAR_FACTS.get(code as usize / 8) else {
        return work_out_facts(c);
    };
    let shift = (code % 8) * 4;
    // Relaxed is enough: every thread that decides a code point stores the same facts.
    let facts = (slot.load(Ordering::Relaxed) >> shift) & 0b1111;
    if facts & DECIDED != 0 {
        return facts;
    }
    let facts = work_out_facts(c);
    slot.fetch_or(facts << shift, Ordering::Relaxed);
    facts
}

/// The facts of `c`, from the generated type and Unicode's normalisation data.
fn work_out_facts(c: char) -> u32 {
    let allowed = spec_allows_char(c);
    let as_is = allowed
        && canonical_combining_class(c) == 0
        && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
    DECIDED | if allowed { ALLOWED } else { 0 } | if as_is { SENT_AS_IS } else { 0 }
}

/// The generated `first_name` type's answer for the one-character name `c`.
fn spec_allows_char(c: char) -> bool {
    BitpandaFirstName::try_from(&*c.encode_utf8(&mut [0; 4])).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitpanda_client::types::BitpandaLastName;

    /// The pattern a generated name type checks, as its refusal of `!` quotes it.
    fn pattern_of<T>(refusal: Result<T, impl std::fmt::Display>) -> String {
        let Err(error) = refusal else {
            panic!("`!` is not a name character");
        };
        let message = error.to_string();
        message
            .strip_prefix("doesn't match pattern \"")
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("unexpected refusal: {message}"))
            .to_owned()
    }

    #[test]
    fn a_name_handed_over_is_kept_when_already_in_form_and_normalised_otherwise() {
        let usual = String::from("Παπαδόπουλος");
        let at = usual.as_ptr();
        let kept = into_bitpanda_name(usual);
        assert_eq!((kept.as_str(), kept.as_ptr()), ("Παπαδόπουλος", at));
        // A combining accent is composed, the typographic apostrophe folded.
        assert_eq!(
            into_bitpanda_name("Rene\u{301} O\u{2019}Brien".into()),
            "René O'Brien"
        );
    }

    #[test]
    fn both_name_patterns_are_one_character_class_repeated() {
        let first = pattern_of(BitpandaFirstName::try_from("!"));
        let last = pattern_of(BitpandaLastName::try_from("!"));
        assert_eq!(first, last, "first_name and last_name patterns differ");
        let class = first
            .strip_prefix("^[")
            .and_then(|rest| rest.strip_suffix("]+$"))
            .unwrap_or_else(|| panic!("not of the form ^[…]+$: {first}"));
        // One class: no nested or second class, no escaped bracket that could end it early.
        assert!(
            !class.contains(['[', ']']) && !class.starts_with('^'),
            "not one plain class: {first}"
        );
    }

    /// [`bitpanda_name`] without the remembered facts: NFC, U+2019 folded.
    fn fully_normalised(raw: &str) -> String {
        raw.nfc()
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect()
    }

    #[test]
    fn the_remembered_facts_give_the_normal_form_for_every_bmp_character() {
        for c in (0..=0xFFFF_u32).filter_map(char::from_u32) {
            for name in [c.to_string(), format!("A{c}"), format!("{c}\u{0301}")] {
                let fast = bitpanda_name(&name);
                let full = fully_normalised(&name);
                assert_eq!(fast, full, "U+{:04X}", u32::from(c));
                assert_eq!(
                    is_bitpanda_name_once_normalised(&name),
                    BitpandaFirstName::try_from(full.as_str()).is_ok(),
                    "U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }

    #[test]
    fn names_are_decided_as_the_generated_types_decide_them() {
        let samples = [
            "Jean",
            "Nguyễn Văn",
            "O'Brien",
            "Smith-Jones",
            "Doe, Jr.",
            "Γιώργος",
            "R2D2",
            "Jean!",
            "محمد",
            "\u{10400}",
            "a\u{10400}",
            " ",
            "",
        ];
        // Twice: the first pass fills the remembered answers, the second reads them.
        for _ in 0..2 {
            for name in samples {
                let spec = BitpandaFirstName::try_from(name).is_ok();
                assert_eq!(is_bitpanda_name(name), spec, "{name}");
                assert_eq!(is_bitpanda_name_once_normalised(name), spec, "{name}");
            }
        }
    }

    #[test]
    fn a_name_already_in_form_is_borrowed_and_equals_the_normalised_one() {
        for name in [
            "Jos\u{00E9}",
            "Γιώργος Νικόλαος",
            "O'Brien",
            "Jose\u{0301}",
            "O\u{2019}Brien",
        ] {
            let full: String = name
                .nfc()
                .map(|c| if c == '\u{2019}' { '\'' } else { c })
                .collect();
            let fast = bitpanda_name(name);
            assert_eq!(fast, full, "{name}");
            assert_eq!(matches!(fast, Cow::Borrowed(_)), full == name, "{name}");
        }
    }

    #[test]
    fn bitpanda_names_are_nfc_with_the_ascii_apostrophe() {
        assert_eq!(bitpanda_name("Jose\u{0301}"), "Jos\u{00E9}");
        assert_eq!(bitpanda_name("Nguye\u{0302}\u{0303}n"), "Nguy\u{1EC5}n");
        assert_eq!(bitpanda_name("O\u{2019}Brien"), "O'Brien");
        assert_eq!(bitpanda_name("Zo\u{00EB}"), "Zo\u{00EB}");
    }

    #[test]
    fn bitpanda_names_accept_letters_of_cased_scripts() {
        for good in [
            "Jean",
            "Nguyễn",
            "Γιώργος",
            "Ἀθηνᾶ",
            "Иван",
            "Łukasz",
            "Արամ",
            "O'Brien",
            "Smith-Jones",
            "Doe, Jr.",
        ] {
            assert!(is_bitpanda_name(&bitpanda_name(good)), "{good}");
        }
    }

    #[test]
    fn bitpanda_names_refuse_non_letters_and_uncased_scripts() {
        // Digits, symbols, the Greek question mark and ano teleia, the Cyrillic thousands sign,
        // uncased scripts, a cased letter outside the BMP, and the empty name.
        for bad in [
            "R2D2",
            "Jean!",
            "Γιώργος\u{037E}",
            "Γιώργος\u{0387}",
            "\u{0482}Иван",
            "محمد",
            "王",
            "\u{10400}",
            "<b>",
            "",
        ] {
            assert!(!is_bitpanda_name(&bitpanda_name(bad)), "{bad}");
        }
    }
}

//! Bitpanda names: the form they are sent in, and the spec's rule for them, decided one
//! character at a time from the generated types' own pattern.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use bitpanda_client::types::InvestmentAsAServiceUserFirstName;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A name as the facade checks it and sends it to Bitpanda: in Unicode Normalization Form C (so
/// `e` followed by U+0301 COMBINING ACUTE ACCENT is the one letter `é`), with the typographic
/// apostrophe U+2019 (what phone keyboards type) folded into the ASCII apostrophe U+0027, the one
/// apostrophe the spec's pattern allows.
///
/// Most names are already in that form (the quick check proves it without normalising), and are
/// then borrowed as they are: no copy, no normalisation pass.
pub(crate) fn bitpanda_name(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\u{2019}') && is_nfc_quick(raw.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(
        raw.nfc()
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect(),
    )
}

/// Whether `name` (as [`bitpanda_name`] gives it) is a non-empty Bitpanda name: upper- and
/// lower-case letters of any cased script, comma, full stop, hyphen, apostrophe and space.
///
/// The spec's `first_name` and `last_name` patterns are the same single character class repeated,
/// `^[…]+$` (a test holds both facts), so a name matches exactly when it is not empty and each of
/// its characters matches on its own. Each character is decided by the generated type itself, the
/// pattern compiled the way the generated client compiles it, so the facade cannot drift from what
/// the client accepts; the answer is remembered per code point, so the ~1,000-character pattern
/// runs once per distinct character in the life of the process instead of twice per name.
pub(crate) fn is_bitpanda_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_bitpanda_name_char)
}

/// The answers for the Basic Multilingual Plane, two bits per code point: "decided" and "allowed".
static DECIDED_CHARS: [AtomicU32; 0x1_0000 / 16] = [const { AtomicU32::new(0) }; 0x1_0000 / 16];

/// Whether the spec's name pattern allows `c`, remembered for the BMP (the pattern lists only BMP
/// code points; others are asked every time, and refused).
fn is_bitpanda_name_char(c: char) -> bool {
    const DECIDED: u32 = 0b01;
    const ALLOWED: u32 = 0b10;
    let code = u32::from(c);
    let Some(slot) = DECIDED_CHARS.get(code as usize / 16) else {
        return spec_allows_char(c);
    };
    let shift = (code % 16) * 2;
    // Relaxed is enough: every thread that decides a code point stores the same answer.
    let bits = slot.load(Ordering::Relaxed) >> shift;
    if bits & DECIDED != 0 {
        return bits & ALLOWED != 0;
    }
    let allowed = spec_allows_char(c);
    let answer = if allowed { DECIDED | ALLOWED } else { DECIDED };
    slot.fetch_or(answer << shift, Ordering::Relaxed);
    allowed
}

/// The generated `first_name` type's answer for the one-character name `c`.
fn spec_allows_char(c: char) -> bool {
    InvestmentAsAServiceUserFirstName::try_from(&*c.encode_utf8(&mut [0; 4])).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitpanda_client::types::InvestmentAsAServiceUserLastName;

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
    fn both_name_patterns_are_one_character_class_repeated() {
        let first = pattern_of(InvestmentAsAServiceUserFirstName::try_from("!"));
        let last = pattern_of(InvestmentAsAServiceUserLastName::try_from("!"));
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
                assert_eq!(
                    is_bitpanda_name(name),
                    InvestmentAsAServiceUserFirstName::try_from(name).is_ok(),
                    "{name}"
                );
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

//! Predicates behind the rules: pure functions of a value, shared by the three rule sets.

use chrono::{Datelike, NaiveDate};

/// Empty or only whitespace.
pub(crate) fn is_blank(value: &str) -> bool {
    // Stops at the first character that is not whitespace (`trim` would scan both ends).
    value.chars().all(char::is_whitespace)
}

/// The shape every provider's e-mail field needs, which is the specs' `format: email`: an
/// unquoted local part of at most 64 RFC 5322 `atext` characters and single dots, one `@`, and a
/// host name (labels of ASCII letters, digits and inner hyphens, 1 to 63 characters each, 253 in
/// all). Quoted local parts and address literals, rare in sign-ups, are refused. Deliverability is
/// the provider's business.
pub(crate) fn is_email(value: &str) -> bool {
    let Some(at) = value.bytes().position(|byte| byte == b'@') else {
        return false;
    };
    let (local, domain) = (&value.as_bytes()[..at], &value[at + 1..]);
    // Dot-separated atoms of `atext`: no dot first, last or twice in a row.
    let mut after_dot = true;
    for &byte in local {
        if byte == b'.' {
            if after_dot {
                return false;
            }
            after_dot = true;
        } else if ATEXT[usize::from(byte)] {
            after_dot = false;
        } else {
            return false;
        }
    }
    !after_dot && local.len() <= 64 && is_host_name(domain)
}

/// RFC 5322 `atext`: ASCII letters, digits and ``!#$%&'*+/=?^_`{|}~-``, as a table by byte.
const ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric();
        byte += 1;
    }
    let symbols = b"!#$%&'*+/=?^_`{|}~-";
    let mut i = 0;
    while i < symbols.len() {
        table[symbols[i] as usize] = true;
        i += 1;
    }
    table
};

/// A DNS host name as the specs' `format: email` checks its domain: dot-separated labels of ASCII
/// letters, digits and hyphens, not starting or ending with a hyphen, 1 to 63 characters each and
/// 253 in all; `--` in third and fourth place only in an `xn--` (IDNA) label.
fn is_host_name(value: &str) -> bool {
    value.len() <= 253
        && value
            .as_bytes()
            .split(|&byte| byte == b'.')
            .all(is_host_label)
}

/// One label of [`is_host_name`].
fn is_host_label(label: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return false;
    };
    label.len() <= 63
        && first != b'-'
        && last != b'-'
        && label
            .iter()
            .all(|&byte| byte.is_ascii_alphanumeric() || byte == b'-')
        && (label.len() < 4 || &label[2..4] != b"--" || label.starts_with(b"xn--"))
}

/// Whether `value` has at most `max` characters. A string of at most `max` bytes has at most
/// `max` characters, so only a longer one is counted.
pub(crate) fn has_at_most_chars(value: &str, max: usize) -> bool {
    value.len() <= max || value.chars().count() <= max
}

/// Bitpanda's E.164 pattern `^\+[1-9][0-9]{1,14}$`.
pub(crate) fn is_e164(value: &str) -> bool {
    let Some(digits) = value.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && !digits.starts_with('0')
}

/// BTC Direct's `+countrycodenumber` pattern `^\+[0-9]+$`.
pub(crate) fn is_plus_digits(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|digits| {
        !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
    })
}

/// Code points that make a name or business name an "emoji" name for BTC Direct (ER125–ER127):
/// the pictographic planes (emoticons, symbols and pictographs, transport, regional indicator
/// flags, skin tones), Miscellaneous Symbols and Dingbats, the emoji in Miscellaneous Technical
/// and Miscellaneous Symbols and Arrows, the keycap and emoji-presentation selectors, and the tag
/// characters of subdivision flags.
const EMOJI_RANGES: &[(char, char)] = &[
    ('\u{1F000}', '\u{1FAFF}'),
    ('\u{2600}', '\u{27BF}'),
    ('\u{231A}', '\u{231B}'),
    ('\u{2328}', '\u{2328}'),
    ('\u{23CF}', '\u{23CF}'),
    ('\u{23E9}', '\u{23F3}'),
    ('\u{23F8}', '\u{23FA}'),
    ('\u{2934}', '\u{2935}'),
    ('\u{2B05}', '\u{2B07}'),
    ('\u{2B1B}', '\u{2B1C}'),
    ('\u{2B50}', '\u{2B50}'),
    ('\u{2B55}', '\u{2B55}'),
    ('\u{3030}', '\u{3030}'),
    ('\u{303D}', '\u{303D}'),
    ('\u{3297}', '\u{3297}'),
    ('\u{3299}', '\u{3299}'),
    ('\u{20E3}', '\u{20E3}'),
    ('\u{FE0F}', '\u{FE0F}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether `value` contains an emoji code point (see [`EMOJI_RANGES`]).
pub(crate) fn contains_emoji(value: &str) -> bool {
    value.chars().any(|c| {
        EMOJI_RANGES
            .iter()
            .any(|&(low, high)| (low..=high).contains(&c))
    })
}

/// Whether `value` contains `<` or `>`.
pub(crate) fn contains_angle_bracket(value: &str) -> bool {
    value.contains(['<', '>'])
}

/// Standard base64 (RFC 4648 alphabet `A–Z a–z 0–9 + /`), padded to a multiple of four with at
/// most two `=` at the end, no whitespace, not empty.
pub(crate) fn is_base64(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|&&byte| byte == b'=').count();
    padding <= 2
        && bytes[..bytes.len() - padding]
            .iter()
            .all(|&byte| byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/')
}

/// Whether `year` can be written as the four digits of RFC 3339's `YYYY-MM-DD`, which is what the
/// specs' `format: date` and `format: date-time` allow. chrono writes other years with a sign
/// (`-0001-12-31`, `+10000-01-01`), which is not a date any provider reads.
pub(crate) fn is_four_digit_year(year: i32) -> bool {
    (0..=9999).contains(&year)
}

/// Whether someone born on `birth` is 18 or older on `today`: the 18th birthday counts, and a
/// 29 February birthday falls on 1 March in common years (the conservative reading: such a user
/// is never sent a day early).
pub(crate) fn is_adult(birth: NaiveDate, today: NaiveDate) -> bool {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age >= 18
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn email_shape() {
        for good in [
            "a@b",
            "giorgos.papadopoulos@example.com",
            "user+tag@sub.example.gr",
            "o'neil!#$%&*/=?^_`{|}~-@xn--hxajbheg2az3al.xn--qxam",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "user@",
            "a@b@c",
            "a b@example.com",
            "a@exa mple.com",
            "a@b\t",
            // What the specs' `format: email` refuses (found by tests/it/properties.rs).
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "<a>@example.com",
            "\"a b\"@example.com",
            "josé@example.com",
            "a@-example.com",
            "a@example-.com",
            "a@exa_mple.com",
            "a@example..com",
            "a@example.com.",
            "a@ab--c.com",
            "a@[127.0.0.1]",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn at_most_chars_counts_characters_not_bytes() {
        assert!(has_at_most_chars("", 0));
        assert!(has_at_most_chars("abc", 3));
        assert!(!has_at_most_chars("abcd", 3));
        // Three characters in six bytes.
        assert!(has_at_most_chars("Γιώ", 3));
        assert!(!has_at_most_chars("Γιώρ", 3));
    }

    #[test]
    fn e164_follows_the_spec_pattern() {
        for good in ["+33123123412", "+306912345678", "+12", "+123456789012345"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "33123123412",
            "+0123456",
            "+1",
            "+1234567890123456",
            "+30 691 234 5678",
            "+30-691",
            "+",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn plus_digits_follows_the_btcdirect_pattern() {
        assert!(is_plus_digits("+31612345678"));
        assert!(is_plus_digits("+0"));
        for bad in ["+", "31612345678", "+31 6", "+31-6", "++31"] {
            assert!(!is_plus_digits(bad), "{bad}");
        }
    }

    #[test]
    fn emoji_are_found_in_every_listed_block() {
        for bad in [
            "John 😀",
            "🇬🇷",
            "☀",
            "✈",
            "⭐",
            "⌚",
            "1\u{FE0F}\u{20E3}",
            "👍🏽",
        ] {
            assert!(contains_emoji(bad), "{bad}");
        }
        for good in ["John", "Γιώργος", "Иван", "Zoë", "O'Brien & Co.", "José"] {
            assert!(!contains_emoji(good), "{good}");
        }
    }

    #[test]
    fn angle_brackets() {
        assert!(contains_angle_bracket("<script>"));
        assert!(contains_angle_bracket("a>b"));
        assert!(!contains_angle_bracket("a-b"));
    }

    #[test]
    fn base64_is_standard_and_padded() {
        for good in ["iVBORw0KGgo=", "QUJD", "QQ==", "QUI=", "a+b/"] {
            assert!(is_base64(good), "{good}");
        }
        for bad in [
            "",
            "QQ",
            "QQ=",
            "Q===",
            "QU I",
            "QUJD\n",
            "a-b_",
            "not base64!",
            "=QUJ",
        ] {
            assert!(!is_base64(bad), "{bad}");
        }
    }

    #[test]
    fn the_18th_birthday_is_the_first_adult_day() {
        let birth = date(2008, 6, 15);
        assert!(!is_adult(birth, date(2026, 6, 14)));
        assert!(is_adult(birth, date(2026, 6, 15)));
        assert!(is_adult(birth, date(2026, 6, 16)));
        assert!(!is_adult(birth, date(2025, 12, 31)));
    }

    #[test]
    fn a_leap_day_birthday_turns_18_on_the_first_of_march_in_common_years() {
        let birth = date(2008, 2, 29);
        assert!(!is_adult(birth, date(2026, 2, 28)));
        assert!(is_adult(birth, date(2026, 3, 1)));
        // (18 is not a multiple of 4, so an 18th birthday of 29 February never exists.)
        assert!(is_adult(date(2002, 2, 28), date(2020, 2, 28)));
        assert!(!is_adult(date(2002, 3, 1), date(2020, 2, 29)));
    }

    #[test]
    fn only_four_digit_years_are_rfc3339_dates() {
        for good in [0, 1900, 9999] {
            assert!(is_four_digit_year(good), "{good}");
        }
        for bad in [-1, 10_000, NaiveDate::MIN.year(), NaiveDate::MAX.year()] {
            assert!(!is_four_digit_year(bad), "{bad}");
        }
    }

    #[test]
    fn a_future_birth_date_is_not_adult() {
        assert!(!is_adult(date(2030, 1, 1), date(2026, 1, 1)));
    }
}

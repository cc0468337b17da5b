//! The assigned codes of the two standards the pages name: ISO 3166-1 alpha-2 (countries) and
//! ISO 639-1 (languages). The lists are the source; lookups go through a table built from them
//! at compile time: one bit per two-letter code, so a check is two array reads.

/// ISO 3166-1 alpha-2: the 249 officially assigned country codes.
const COUNTRIES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// ISO 639-1: the 183 current two-letter language codes.
const LANGUAGES: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// One bit per two-letter code `xy`: bit `y` of row `x` (letters counted from `first`), set
/// for each code of `codes`.
const fn letter_pairs<const N: usize>(codes: [&str; N], first: u8) -> [u32; 26] {
    let mut table = [0u32; 26];
    let mut i = 0;
    while i < N {
        let code = codes[i].as_bytes();
        table[(code[0] - first) as usize] |= 1 << (code[1] - first);
        i += 1;
    }
    table
}

const COUNTRY_TABLE: [u32; 26] = letter_pairs(COUNTRIES, b'A');
const LANGUAGE_TABLE: [u32; 26] = letter_pairs(LANGUAGES, b'a');

/// Whether `code` is two letters from `first` (`A` or `a`) on whose pair `table` has a bit.
fn in_table(table: &[u32; 26], first: u8, code: &str) -> bool {
    let [x, y] = code.as_bytes() else {
        return false;
    };
    let (x, y) = (x.wrapping_sub(first), y.wrapping_sub(first));
    x < 26 && y < 26 && table[usize::from(x)] & (1 << y) != 0
}

/// An assigned ISO 3166-1 alpha-2 code, in upper case.
pub(crate) fn is_country(code: &str) -> bool {
    in_table(&COUNTRY_TABLE, b'A', code)
}

/// An assigned ISO 3166-1 alpha-2 code, in either case.
pub(crate) fn is_country_any_case(code: &str) -> bool {
    is_country(&code.to_ascii_uppercase())
}

/// An assigned ISO 639-1 code, in lower case.
pub(crate) fn is_language(code: &str) -> bool {
    in_table(&LANGUAGE_TABLE, b'a', code)
}

/// An assigned ISO 639-1 code, in either case.
pub(crate) fn is_language_any_case(code: &str) -> bool {
    is_language(&code.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_unique_and_well_formed() {
        assert!(COUNTRIES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(LANGUAGES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(
            COUNTRIES
                .iter()
                .all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
        );
        assert!(
            LANGUAGES
                .iter()
                .all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }

    #[test]
    fn the_tables_hold_exactly_the_listed_codes() {
        let letters = |first: u8| (first..first + 26).map(char::from).collect::<Vec<_>>();
        for (x, y) in letters(b'A')
            .into_iter()
            .flat_map(|x| letters(b'A').into_iter().map(move |y| (x, y)))
        {
            let code = format!("{x}{y}");
            assert_eq!(
                is_country(&code),
                COUNTRIES.contains(&code.as_str()),
                "{code}"
            );
            let lower = code.to_ascii_lowercase();
            assert_eq!(
                is_language(&lower),
                LANGUAGES.contains(&lower.as_str()),
                "{lower}"
            );
        }
    }

    #[test]
    fn countries() {
        for good in ["GR", "FR", "NL", "GB", "DE", "AX", "ZW"] {
            assert!(is_country(good), "{good}");
        }
        // Lower case, the common non-ISO "UK", unassigned, too long, empty.
        for bad in ["gr", "Gr", "UK", "XX", "GRC", "G", ""] {
            assert!(!is_country(bad), "{bad}");
        }
        assert!(is_country_any_case("gb") && is_country_any_case("Nl"));
        assert!(!is_country_any_case("uk"));
    }

    #[test]
    fn languages() {
        for good in ["el", "en", "fr", "de", "nl", "ru", "zu"] {
            assert!(is_language(good), "{good}");
        }
        // Upper case, a country code that is no language, ISO 639-2, withdrawn "iw", empty.
        for bad in ["EL", "gr", "ell", "iw", ""] {
            assert!(!is_language(bad), "{bad}");
        }
        assert!(is_language_any_case("NL") && !is_language_any_case("GR"));
    }
}

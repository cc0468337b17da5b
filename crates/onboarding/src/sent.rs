//! The personal values one request carries, kept for that call only, so that a provider's message
//! that echoes one ("Email address jean@example.com is invalid") is shown with `***` in its place.
//!
//! [`SentValues`] is collected from the neutral model when a failed call's error carries a
//! provider message — every field the specs mark `x-sensitive` comes from one of these: e-mail,
//! phone, names, birth date, address, countries, tax id, the partner's `external_id`, BTC
//! Direct's e-mail code, AMLD5 answers, business data and documents, Bitpanda's questionnaire
//! answers and verification, tax and compliance objects, Wealthyhood's employment information —
//! and zeroised once the message is scrubbed. It has
//! no `Debug` and is never logged.
//!
//! [`SentValues::scrub`] masks, case-insensitively, every sent value the message holds, and every
//! piece of at least [`SHORTEST_PIECE`] characters of one that starts a word both in the message
//! and in the value (so `dupont` of `jean.dupont@example.com` is masked, but not the `ing ` of a
//! business name `… Trading …` inside `Something`). A value shorter than [`SHORTEST_PIECE`] is
//! masked where it stands as a whole word. The provider's code and the field name are not
//! touched.

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretBox};
use serde::Serialize;
use serde_json::Value;

use crate::error::{OnboardingError, ProviderProblem};
use crate::model::{Address, NewUser, UserUpdate, join_given_names};
use crate::redact::MARKER;

/// The shortest piece of a sent value that is masked wherever it occurs in a message.
pub(crate) const SHORTEST_PIECE: usize = 4;

/// The personal values of one request (see the module documentation). Zeroised on drop; no
/// `Debug`.
pub(crate) struct SentValues(SecretBox<Vec<String>>);

impl SentValues {
    /// The values a create of `user` sends.
    pub(crate) fn of_new_user(user: &NewUser) -> Self {
        let mut values = Collected::default();
        values.text(&user.email);
        values.option(user.phone.as_deref());
        values.names(&user.given_names);
        values.text(&user.family_name);
        values.date(user.date_of_birth);
        values.address(user.address.as_ref());
        if let Some(tax) = &user.tax_residency {
            values.text(&tax.tax_id);
        }
        values.option(user.external_id.as_deref());
        // Countries too: Bitpanda and Wealthyhood mark them (a short value is masked only as a
        // whole word).
        values.option(user.citizenship.as_deref());
        values.option(user.country_of_residence.as_deref());
        if let Some(bitpanda) = &user.bitpanda {
            for answer in &bitpanda.aml {
                values.option(answer.answer_value.as_deref());
            }
            for answer in &bitpanda.appropriateness {
                values.option(answer.value.as_deref());
            }
            values.json(&bitpanda.verification);
            values.json(&bitpanda.tax);
            values.json(&bitpanda.ext_compliance);
            for value in bitpanda.external_meta.values() {
                values.text(value);
            }
        }
        if let Some(employment) = user
            .wealthyhood
            .as_ref()
            .and_then(|w| w.employment_info.as_ref())
        {
            values.json(employment);
        }
        values.finish()
    }

    /// The values an update with `update` sends.
    pub(crate) fn of_update(update: &UserUpdate) -> Self {
        let mut values = Collected::default();
        values.text(&update.email);
        values.names(&update.given_names);
        values.option(update.family_name.as_deref());
        values.option(update.phone.as_deref());
        values.date(update.date_of_birth);
        values.address(update.address.as_ref());
        let extension = &update.btcdirect;
        values.option(extension.email_code.as_deref());
        values.option(extension.chamber_of_commerce.as_deref());
        values.option(extension.business_name.as_deref());
        for answer in extension.amld5_answers.values() {
            values.text(answer);
        }
        for document in &extension.identity_documents {
            values.text(&document.data);
        }
        values.finish()
    }

    /// `message` with every echoed sent value replaced by `***`.
    pub(crate) fn scrub(&self, message: &str) -> String {
        scrub(message, self.0.expose_secret())
    }

    /// `error` with the message of each of its provider problems scrubbed of the values `sent`
    /// collects (only called when there is a message, so a call that fails without one, or
    /// succeeds, collects nothing).
    pub(crate) fn scrub_error(
        mut error: OnboardingError,
        sent: impl FnOnce() -> Self,
    ) -> OnboardingError {
        if let OnboardingError::Rejected { problems, .. }
        | OnboardingError::Conflict { problems, .. }
        | OnboardingError::Unauthorized { problems, .. }
        | OnboardingError::ServerError { problems, .. } = &mut error
            && problems.iter().any(|p| !p.message.is_empty())
        {
            let sent = sent();
            for ProviderProblem { message, .. } in problems.iter_mut() {
                *message = sent.scrub(message);
            }
        }
        error
    }
}

/// The values being collected.
#[derive(Default)]
struct Collected(Vec<String>);

impl Collected {
    fn text(&mut self, value: &str) {
        let value = value.trim();
        if value.chars().count() >= 2 {
            self.0.push(value.to_owned());
        }
    }

    /// A value built here (joined names, a formatted date), moved in rather than copied.
    fn owned(&mut self, value: String) {
        if value.chars().count() >= 2 {
            self.0.push(value);
        }
    }

    fn option(&mut self, value: Option<&str>) {
        if let Some(value) = value {
            self.text(value);
        }
    }

    /// Each given name, and all of them joined as the providers receive them.
    fn names(&mut self, given_names: &[String]) {
        for name in given_names {
            self.text(name);
        }
        if given_names.len() > 1 {
            self.owned(join_given_names(given_names));
        }
    }

    fn date(&mut self, date: Option<chrono::NaiveDate>) {
        if let Some(date) = date {
            self.owned(date.format("%Y-%m-%d").to_string());
        }
    }

    fn address(&mut self, address: Option<&Address>) {
        if let Some(address) = address {
            self.text(&address.street);
            self.option(address.house_number.as_deref());
            self.text(&address.postal_code);
            self.text(&address.city);
        }
    }

    /// Every string and number of `value` as JSON (an object the partner gives as is).
    fn json(&mut self, value: &impl Serialize) {
        fn leaves(value: &Value, out: &mut Collected) {
            match value {
                Value::String(text) => out.text(text),
                Value::Number(number) => out.owned(number.to_string()),
                Value::Array(items) => items.iter().for_each(|item| leaves(item, out)),
                Value::Object(members) => members.values().for_each(|item| leaves(item, out)),
                Value::Bool(_) | Value::Null => {}
            }
        }
        if let Ok(value) = serde_json::to_value(value) {
            leaves(&value, self);
        }
    }

    fn finish(self) -> SentValues {
        SentValues(SecretBox::new(Box::new(self.0)))
    }
}

/// One character, folded for a case-insensitive comparison.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Whether position `at` of `text` starts a word (the character before it is not a letter or a
/// digit).
fn word_start(text: &[char], at: usize) -> bool {
    at == 0 || !text[at - 1].is_alphanumeric()
}

/// Whether position `at` of `text` ends a word.
fn word_end(text: &[char], at: usize) -> bool {
    at == text.len() || !text[at].is_alphanumeric()
}

/// How many characters `a` and `b` have in common from their starts.
fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// `message` with the stretches that echo one of `values` replaced by [`MARKER`]: a whole value
/// anywhere (a value shorter than [`SHORTEST_PIECE`] only as a whole word), and a piece of at
/// least [`SHORTEST_PIECE`] characters of a value that starts a word both in the message and in
/// the value and ends one in the message (`dupont` of `jean.dupont@example.com`; not the `ing`
/// that ends `Trading` inside `Something`).
fn scrub(message: &str, values: &[String]) -> String {
    if values.is_empty() || message.is_empty() {
        return message.to_owned();
    }
    let text: Vec<char> = message.chars().collect();
    let folded: Vec<char> = text.iter().copied().map(fold).collect();
    let mut hidden = vec![false; text.len()];
    // Copies of the sent values: zeroised when dropped, like the values themselves.
    let folded_values: Vec<Zeroizing<Vec<char>>> = values
        .iter()
        .map(|value| Zeroizing::new(value.chars().map(fold).collect()))
        .collect();
    for value in &folded_values {
        let short = value.len() < SHORTEST_PIECE;
        for start in 0..folded.len() {
            let rest = &folded[start..];
            // The whole value.
            if rest.starts_with(value)
                && (!short
                    || (word_start(&folded, start) && word_end(&folded, start + value.len())))
            {
                hidden[start..start + value.len()].fill(true);
            }
            if short || !word_start(&folded, start) {
                continue;
            }
            // The longest piece of the value, from one of its word starts, found here.
            let longest = (0..value.len())
                .filter(|&from| word_start(value, from))
                .map(|from| common_prefix(rest, &value[from..]))
                .max()
                .unwrap_or(0);
            // Up to a word end of the message (`Trading` of `Trading is`, not `Trading i`).
            let length = (SHORTEST_PIECE..=longest)
                .rev()
                .find(|&length| word_end(&folded, start + length));
            if let Some(length) = length {
                hidden[start..start + length].fill(true);
            }
        }
    }
    let mut out = String::with_capacity(message.len());
    let mut in_marker = false;
    for (c, hide) in text.iter().zip(&hidden) {
        match (hide, in_marker) {
            (true, false) => out.push_str(MARKER),
            (true, true) => {}
            (false, _) => out.push(*c),
        }
        in_marker = *hide;
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{SHORTEST_PIECE, scrub};

    fn values(list: &[&str]) -> Vec<String> {
        list.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn whole_values_and_pieces_are_masked_in_any_case() {
        let sent = values(&["jean.dupont@example.com", "Giorgos", "Li", "1990-05-15"]);
        assert_eq!(
            scrub("Email address JEAN.DUPONT@example.com is invalid", &sent),
            "Email address *** is invalid"
        );
        assert_eq!(scrub("user jean.dupont exists", &sent), "user *** exists");
        assert_eq!(
            scrub("giorgos LI was born 1990", &sent),
            "*** *** was born ***"
        );
        // A short value only as a whole word.
        assert_eq!(scrub("Limit reached", &sent), "Limit reached");
        assert_eq!(
            scrub("User is not 18 years old yet.", &sent),
            "User is not 18 years old yet."
        );
    }

    #[test]
    fn pieces_inside_words_are_kept() {
        let sent = values(&["Papadopoulos Trading IKE"]);
        assert_eq!(scrub("Something new.", &sent), "Something new.");
        assert_eq!(scrub("Trading is closed", &sent), "*** is closed");
        assert_eq!(scrub("PAPADOPOULOS", &sent), "***");
    }

    proptest! {
        /// Neither the sent value nor any piece of it that starts one of its words survives, in
        /// any case, wherever the message starts a word with it.
        #[test]
        fn no_sent_value_or_word_piece_survives(
            value in "[A-Za-z0-9]{2,8}([ .@-][A-Za-z0-9]{2,8}){0,3}",
            before in "(\\PC{0,20} )?",
            after in "( \\PC{0,20})?",
            upper in any::<bool>(),
            cut in 0usize..40,
        ) {
            let echoed = if upper { value.to_uppercase() } else { value.clone() };
            let scrubbed = scrub(&format!("{before}{echoed}{after}"), std::slice::from_ref(&value));
            prop_assert!(!scrubbed.to_lowercase().contains(&value.to_lowercase()), "{}", scrubbed);
            // A piece from a word start of the value, echoed alone.
            let chars: Vec<char> = value.chars().collect();
            let starts: Vec<usize> = (0..chars.len())
                .filter(|&i| i == 0 || !chars[i - 1].is_alphanumeric())
                .collect();
            let from = starts[cut % starts.len()];
            let piece: String = chars[from..].iter().take(SHORTEST_PIECE + cut % 3).collect();
            if piece.chars().count() >= SHORTEST_PIECE && piece.chars().all(char::is_alphanumeric) {
                let scrubbed = scrub(&format!("x {piece} y"), std::slice::from_ref(&value));
                prop_assert!(!scrubbed.contains(&piece), "{} from {}", scrubbed, value);
            }
        }
    }
}

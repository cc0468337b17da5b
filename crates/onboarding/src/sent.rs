//! The personal values one request carries, kept for that call only, so that a provider's message
//! that echoes one ("Email address jean@example.com is invalid") is shown with `***` in its place.
//!
//! [`SentValues`] is collected from the neutral model before the call — every field the specs
//! mark `x-sensitive` comes from one of these: e-mail, phone, names, birth date, address, tax id,
//! the partner's `external_id`, BTC Direct's e-mail code, business data and documents, and
//! Bitpanda's verification, tax and compliance objects — and zeroised when the call ends. It has
//! no `Debug` and is never logged.
//!
//! [`SentValues::scrub`] masks, case-insensitively, every stretch of a message that is a substring
//! of at least [`SHORTEST_PIECE`] characters of a sent value, and every whole word equal to a
//! shorter sent value. The provider's code and the field name are not touched.

use std::collections::HashSet;

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
        if let Some(bitpanda) = &user.bitpanda {
            values.json(&bitpanda.verification);
            values.json(&bitpanda.tax);
            values.json(&bitpanda.ext_compliance);
            for value in bitpanda.external_meta.values() {
                values.text(value);
            }
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
        for document in &extension.identity_documents {
            values.text(&document.data);
        }
        values.finish()
    }

    /// `message` with every echoed sent value replaced by `***`.
    pub(crate) fn scrub(&self, message: &str) -> String {
        scrub(message, self.0.expose_secret())
    }

    /// `error` with the message of each of its provider problems scrubbed.
    pub(crate) fn scrub_error(&self, mut error: OnboardingError) -> OnboardingError {
        if let OnboardingError::Rejected { problems, .. }
        | OnboardingError::Conflict { problems, .. }
        | OnboardingError::Unauthorized { problems, .. }
        | OnboardingError::ServerError { problems, .. } = &mut error
        {
            for ProviderProblem { message, .. } in problems.iter_mut() {
                *message = self.scrub(message);
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
            self.text(&join_given_names(given_names));
        }
    }

    fn date(&mut self, date: Option<chrono::NaiveDate>) {
        if let Some(date) = date {
            self.text(&date.format("%Y-%m-%d").to_string());
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
                Value::Number(number) => out.text(&number.to_string()),
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

/// `message` with the stretches that echo one of `values` replaced by [`MARKER`].
fn scrub(message: &str, values: &[String]) -> String {
    if values.is_empty() || message.is_empty() {
        return message.to_owned();
    }
    let text: Vec<char> = message.chars().collect();
    let folded: Vec<char> = text.iter().copied().map(fold).collect();
    let mut hidden = vec![false; text.len()];
    // Every piece of SHORTEST_PIECE characters of every value: a stretch of the message made of
    // such pieces is masked (so is any longer substring of a value).
    let mut pieces: HashSet<&[char]> = HashSet::new();
    let folded_values: Vec<Vec<char>> = values
        .iter()
        .map(|value| value.chars().map(fold).collect())
        .collect();
    for value in &folded_values {
        for piece in value.windows(SHORTEST_PIECE) {
            pieces.insert(piece);
        }
    }
    for (start, window) in folded.windows(SHORTEST_PIECE).enumerate() {
        if pieces.contains(window) {
            hidden[start..start + SHORTEST_PIECE].fill(true);
        }
    }
    // A shorter value is masked where it stands as a whole word.
    let is_word = |c: char| c.is_alphanumeric();
    for value in folded_values.iter().filter(|v| v.len() < SHORTEST_PIECE) {
        for start in 0..=folded.len().saturating_sub(value.len()) {
            let end = start + value.len();
            if end <= folded.len()
                && folded[start..end] == value[..]
                && (start == 0 || !is_word(folded[start - 1]))
                && (end == folded.len() || !is_word(folded[end]))
            {
                hidden[start..end].fill(true);
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

    proptest! {
        /// No piece of SHORTEST_PIECE characters of a sent value survives in the scrubbed text.
        #[test]
        fn no_piece_of_a_sent_value_survives(
            value in "[A-Za-z0-9@.]{4,20}",
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
            upper in any::<bool>(),
        ) {
            let echoed = if upper { value.to_uppercase() } else { value.clone() };
            let message = format!("{before}{echoed}{after}");
            let scrubbed = scrub(&message, std::slice::from_ref(&value));
            let folded = scrubbed.to_lowercase();
            let chars: Vec<char> = value.to_lowercase().chars().collect();
            for piece in chars.windows(SHORTEST_PIECE) {
                let piece: String = piece.iter().collect();
                prop_assert!(!folded.contains(&piece), "{piece} in {scrubbed}");
            }
        }
    }
}

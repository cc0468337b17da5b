//! Reading each provider's error body into [`ProviderProblem`]s, and BTC Direct's ER codes.

use serde_json::Value;

use crate::error::ProviderProblem;
use crate::excerpt::masked_excerpt;
use crate::provider::Provider;

/// A provider's typed error body, read into problems the facade can report.
pub(crate) trait ProviderErrorBody {
    /// One problem per code or error entry in the body.
    fn problems(&self) -> Vec<ProviderProblem>;
}

impl ProviderErrorBody for bitpanda_client::types::ErrorResponse {
    fn problems(&self) -> Vec<ProviderProblem> {
        self.errors
            .iter()
            .map(|e| ProviderProblem {
                code: e.code.clone().or_else(|| e.status.clone()),
                message: e
                    .detail
                    .clone()
                    .or_else(|| e.title.clone())
                    .unwrap_or_default(),
                field: None,
            })
            .collect()
    }
}

impl ProviderErrorBody for wealthyhood_client::types::ErrorResponse {
    fn problems(&self) -> Vec<ProviderProblem> {
        if self.code.is_none() && self.message.is_none() {
            return Vec::new();
        }
        vec![ProviderProblem {
            code: self.code.clone(),
            message: self.message.clone().unwrap_or_default(),
            field: None,
        }]
    }
}

impl ProviderErrorBody for btcdirect_client::types::ErrorResponse {
    fn problems(&self) -> Vec<ProviderProblem> {
        self.errors
            .values()
            .map(|e| ProviderProblem {
                code: Some(e.code.to_string()),
                message: e.message.clone(),
                field: btcdirect_field(&e.code),
            })
            .collect()
    }
}

/// Problems read leniently from an error body that did not decode as the spec says: any JSON in
/// the provider's usual shape gives its codes and messages; anything else (an HTML page, a cut
/// body) gives one problem holding a short masked excerpt.
pub(crate) fn lenient_problems(
    provider: Provider,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Vec<ProviderProblem> {
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let parsed: Option<Value> = serde_json::from_slice(bytes).ok();
    let found: Vec<ProviderProblem> = match (provider, &parsed) {
        (Provider::BtcDirect, Some(body)) => body
            .get("errors")
            .and_then(Value::as_object)
            .map(|errors| {
                errors
                    .iter()
                    .map(|(key, entry)| {
                        let code = text(entry, "code").unwrap_or_else(|| key.clone());
                        ProviderProblem {
                            field: btcdirect_field(&code),
                            message: text(entry, "message").unwrap_or_default(),
                            code: Some(code),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        (Provider::Bitpanda, Some(body)) => body
            .get("errors")
            .and_then(Value::as_array)
            .map(|errors| {
                errors
                    .iter()
                    .map(|entry| ProviderProblem {
                        code: text(entry, "code").or_else(|| text(entry, "status")),
                        message: text(entry, "detail")
                            .or_else(|| text(entry, "title"))
                            .unwrap_or_default(),
                        field: None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        (Provider::Wealthyhood, Some(body))
            if body.get("code").is_some() || body.get("message").is_some() =>
        {
            vec![ProviderProblem {
                code: text(body, "code"),
                message: text(body, "message").unwrap_or_default(),
                field: None,
            }]
        }
        _ => Vec::new(),
    };
    if found.is_empty() {
        vec![ProviderProblem {
            code: None,
            message: masked_excerpt(content_type, bytes),
            field: None,
        }]
    } else {
        found
    }
}

/// The request field a BTC Direct ER code concerns, as `(neutral, provider)` names, for every
/// field-specific code on the page. Codes about credentials or the account have none.
pub(crate) fn btcdirect_field(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "ER001" | "ER003" => ("email", "email"),
        "ER059" => ("phone", "phoneNumber"),
        "ER061" | "ER062" | "ER063" => ("country", "country"),
        "ER064" => ("btcdirect.business_country", "businessCountry"),
        "ER081" => ("btcdirect.website_language", "websiteLanguage"),
        "ER083" => ("btcdirect.website_country", "websiteCountry"),
        "ER085" => ("date_of_birth", "dateOfBirth"),
        "ER090" => ("btcdirect.email_code", "emailCode"),
        "ER102" | "ER703" | "ER704" | "ER705" | "ER706" | "ER707" => {
            ("user_context", "User-Identifier")
        }
        "ER121" => ("btcdirect.chamber_of_commerce", "chamberOfCommerce"),
        "ER125" => ("btcdirect.business_name", "businessName"),
        "ER126" => ("given_names", "firstName"),
        "ER127" => ("family_name", "lastName"),
        "ER181" => ("address.street", "address"),
        "ER182" => ("address.house_number", "addressNo"),
        "ER183" => ("address.city", "city"),
        "ER184" => ("address.postal_code", "postalCode"),
        "ER700" | "ER701" | "ER702" => ("user_context", "User-Authorization"),
        "ER708" => ("btcdirect.identity_documents", "identityDocument"),
        _ => return None,
    })
}

/// Whether a BTC Direct ER code means a refused partner or user credential (ER7xx, ER8xx).
pub(crate) fn btcdirect_is_auth_code(code: &str) -> bool {
    code.starts_with("ER7") || code.starts_with("ER8")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{btcdirect_field, btcdirect_is_auth_code};

    proptest! {
        /// Looking up any code, ER-shaped or not, never panics.
        #[test]
        fn any_code_is_looked_up_without_panicking(code in "(ER[0-9]{0,4})?\\PC{0,12}") {
            let _ = btcdirect_field(&code);
            let _ = btcdirect_is_auth_code(&code);
        }
    }
}

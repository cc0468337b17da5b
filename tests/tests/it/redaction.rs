//! Generated types do not leak personal data through `Debug`.
//!
//! Each example of each user operation (the page's own sample request and response, and the
//! spec's other examples) is decoded into the generated type and formatted with `{:?}`. Every
//! value that sits under a property marked `x-sensitive: true` in the spec must be absent from
//! that text, while the values of unmarked properties are still shown (so the check is known to
//! look at real output).

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde_json::Value;
use workspace_tests::{operation, spec};
use xtask::sensitive;

/// Values shorter than this are not searched for: two-letter codes and digits also occur in
/// field names and in values nobody marked.
const SHORTEST_SEARCHED: usize = 3;

/// Every scalar under `value`, as text.
fn scalars(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.values().for_each(|v| scalars(v, out)),
        Value::Array(items) => items.iter().for_each(|v| scalars(v, out)),
        Value::String(text) => out.push(text.clone()),
        Value::Number(number) => out.push(number.to_string()),
        Value::Bool(_) | Value::Null => {}
    }
}

/// Splits the scalars of `value` (an instance of `schema` in `document`) into those under a
/// sensitive property (or a sensitive schema) and the others.
fn split(
    document: &Value,
    schema: &Value,
    value: &Value,
    hidden: &mut Vec<String>,
    shown: &mut Vec<String>,
) {
    let schema = spec_support::resolve(document, schema);
    if schema.get(sensitive::EXTENSION) == Some(&Value::Bool(true)) {
        return scalars(value, hidden);
    }
    let members: Vec<&Value> = ["allOf", "oneOf", "anyOf"]
        .iter()
        .filter_map(|key| schema.get(key).and_then(Value::as_array))
        .flatten()
        .collect();
    if !members.is_empty() {
        // A value under a composition is hidden if any member hides it.
        let mut member_hidden = Vec::new();
        for member in members {
            split(document, member, value, &mut member_hidden, &mut Vec::new());
        }
        let mut all = Vec::new();
        scalars(value, &mut all);
        shown.extend(all.iter().filter(|v| !member_hidden.contains(v)).cloned());
        hidden.extend(member_hidden);
        return;
    }
    match value {
        Value::Object(map) => {
            for (name, child) in map {
                match schema.get("properties").and_then(|p| p.get(name)) {
                    Some(property) if sensitive::mark(document, property) == Some(true) => {
                        scalars(child, hidden)
                    }
                    Some(property) => split(document, property, child, hidden, shown),
                    None => scalars(child, shown),
                }
            }
        }
        Value::Array(items) => {
            let items_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            for item in items {
                split(document, &items_schema, item, hidden, shown);
            }
        }
        other => scalars(other, shown),
    }
}

/// The examples (name, value) of the JSON content at `media` (a request body or response).
fn examples_at(media: &Value) -> Vec<(String, Value)> {
    media["content"]["application/json"]["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

/// Decodes every example at `media` (of `provider`'s user operation) into `T`, formats it with
/// `{:?}`, and checks that no sensitive value shows and that some unmarked value does.
fn check<T: DeserializeOwned + Debug>(provider: &str, media: &Value) -> usize {
    let document = spec(provider);
    let schema = &media["content"]["application/json"]["schema"];
    let examples = examples_at(media);
    for (name, value) in &examples {
        let typed: T = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{provider}/{name} does not fit the generated type: {e}"));
        let debug = format!("{typed:?}");
        let (mut hidden, mut shown) = (Vec::new(), Vec::new());
        split(&document, schema, value, &mut hidden, &mut shown);
        // A marked value that also occurs inside an unmarked one (the same date in two fields)
        // cannot be told apart in the text, so it is not searched for.
        let leaked: Vec<&String> = hidden
            .iter()
            .filter(|v| v.chars().count() >= SHORTEST_SEARCHED)
            .filter(|v| !shown.iter().any(|s| s.contains(v.as_str())))
            .filter(|v| debug.contains(v.as_str()))
            .collect();
        assert!(
            leaked.is_empty(),
            "{provider}/{name}: Debug shows personal values {leaked:?}:\n{debug}"
        );
        if !hidden.is_empty() {
            assert!(debug.contains("***"), "{provider}/{name}: {debug}");
        }
        assert!(
            shown.is_empty() || shown.iter().any(|v| debug.contains(v.as_str())),
            "{provider}/{name}: no unmarked value shows, the check sees nothing: {shown:?}\n{debug}"
        );
    }
    examples.len()
}

/// The request body and the documented success response of `provider`'s user operation.
fn request_and_success(provider: &str, success: &str) -> (Value, Value) {
    let (_, _, op) = operation(&spec(provider));
    (op["requestBody"].clone(), op["responses"][success].clone())
}

#[test]
fn bitpanda_samples_print_no_personal_value() {
    let (request, response) = request_and_success("bitpanda", "201");
    let requests = check::<bitpanda_client::types::CreateUserRequest>("bitpanda", &request);
    assert!(requests >= 2, "the page's request samples");
    check::<bitpanda_client::types::CreateUserResponse>("bitpanda", &response);
}

#[test]
fn wealthyhood_samples_print_no_personal_value() {
    let (request, response) = request_and_success("wealthyhood", "2XX");
    let requests = check::<wealthyhood_client::types::CreateUserRequest>("wealthyhood", &request);
    assert!(
        requests >= 2,
        "the page's request sample and the full profile"
    );
    let responses = check::<wealthyhood_client::types::User>("wealthyhood", &response);
    assert!(responses >= 1, "the page's response sample");
}

#[test]
fn btcdirect_samples_print_no_personal_value() {
    let (request, response) = request_and_success("btcdirect", "2XX");
    let requests = check::<btcdirect_client::types::UpdateUserRequest>("btcdirect", &request);
    assert!(requests >= 1, "the page's request sample");
    check::<btcdirect_client::types::User>("btcdirect", &response);
}

#[test]
fn the_check_sees_a_leak_in_a_type_that_derives_debug() {
    // The same example through a plain JSON value (whose Debug shows everything) must fail the
    // check: proof that the assertions above bite.
    let (request, _) = request_and_success("wealthyhood", "2XX");
    let outcome = std::panic::catch_unwind(|| check::<Value>("wealthyhood", &request));
    assert!(outcome.is_err(), "a derived Debug must be caught leaking");
}

/// A `reqwest::Client` whose default headers carry `secret` (as a service may set an API key).
fn http_client_holding(secret: &'static str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-api-key",
        reqwest::header::HeaderValue::from_static(secret),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a client without TLS settings builds")
}

/// The generated clients print neither their HTTP client (whose default headers may hold a key)
/// nor their credentials in `Debug`.
#[test]
fn generated_clients_print_no_header_value_or_credential() {
    const SECRET: &str = "default-header-secret-value";
    const TOKEN: &str = "bearer-token-secret-value";
    let url = "http://127.0.0.1:9";
    let bitpanda = bitpanda_client::Client::new_with_client(
        url,
        http_client_holding(SECRET),
        bitpanda_client::Credentials::bearer(TOKEN).expect("a valid token"),
    );
    let wealthyhood = wealthyhood_client::Client::new_with_client(
        url,
        http_client_holding(SECRET),
        wealthyhood_client::Credentials::bearer(TOKEN).expect("a valid token"),
    );
    let btcdirect = btcdirect_client::Client::new_with_client(
        url,
        http_client_holding(SECRET),
        btcdirect_client::Credentials::new(
            btcdirect_client::PartnerCredential::bearer(TOKEN).expect("a valid token"),
            btcdirect_client::UserContext::user_token(TOKEN).expect("a valid token"),
        ),
    );
    for text in [
        format!("{bitpanda:?}"),
        format!("{wealthyhood:#?}"),
        format!("{btcdirect:?}"),
        format!("{btcdirect:#?}"),
    ] {
        assert!(text.contains("Client") && text.contains(url), "{text}");
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
    }
}

//! Shared by the kit's tests: the specs' own sample bodies, an independent validator (the spec's
//! schemas compiled by `jsonschema` as they stand, without the kit's OpenAPI conversion: the
//! specs use none of the keywords where OpenAPI 3.0 and JSON Schema differ), and a raw HTTP
//! helper.

#![allow(dead_code)]

use onboarding_testkit::spec::spec_document;
use onboarding_testkit::{FakeProvider, Provider};
use serde_json::{Value, json};

/// A `User-Identifier` of 36 alphanumeric characters.
pub const IDENTIFIER: &str = "7d9f2c4e8b1a4f6e9c3b5a7d1e2f4a6b8c0d";

/// The spec's own sample request body of `provider`'s user operation.
pub fn sample_body(provider: Provider) -> Value {
    let pointer = match provider {
        Provider::Bitpanda => {
            "/paths/~1v2~1users/post/requestBody/content/application~1json/examples/jeanPascal/value"
        }
        Provider::Wealthyhood => {
            "/paths/~1users/post/requestBody/content/application~1json/examples/johnDoe/value"
        }
        Provider::BtcDirect => {
            "/paths/~1api~1v2~1user/patch/requestBody/content/application~1json/examples/sample/value"
        }
    };
    spec_document(provider)
        .pointer(pointer)
        .cloned()
        .expect("the spec has a sample request")
}

/// An independent validator for a schema of `provider`'s spec, by JSON pointer into the spec
/// (e.g. `/components/schemas/CreateUserRequest`): draft 2020-12, formats checked, the spec's
/// `components` beside it so its `$ref`s resolve.
pub fn oracle(provider: Provider, pointer: &str) -> jsonschema::Validator {
    let document = spec_document(provider);
    let mut root = document
        .pointer(pointer)
        .and_then(Value::as_object)
        .cloned()
        .expect(pointer);
    root.insert("components".into(), document["components"].clone());
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .expect("the spec schema compiles")
}

/// The independent validator of `provider`'s request body schema.
pub fn request_oracle(provider: Provider) -> jsonschema::Validator {
    let (method, path) = provider.user_operation();
    oracle(provider, &operation_pointer(method, path, "requestBody"))
}

/// The independent validator of `provider`'s response body schema for `status`: the status's
/// own response, else its range (`2XX`), else `default`.
pub fn response_oracle(provider: Provider, status: u16) -> jsonschema::Validator {
    let (method, path) = provider.user_operation();
    let document = spec_document(provider);
    let key = [
        status.to_string(),
        format!("{}XX", status / 100),
        "default".to_owned(),
    ]
    .into_iter()
    .find(|key| {
        document
            .pointer(&operation_pointer(
                method,
                path,
                &format!("responses/{key}"),
            ))
            .is_some()
    })
    .unwrap_or_else(|| panic!("{provider}: no response documented for {status}"));
    oracle(
        provider,
        &operation_pointer(method, path, &format!("responses/{key}")),
    )
}

/// The JSON pointer of the JSON body schema of `part` (`requestBody`, `responses/200`, …) of
/// `METHOD path` in a spec.
pub fn operation_pointer(method: &str, path: &str, part: &str) -> String {
    format!(
        "/paths/{}/{}/{part}/content/application~1json/schema",
        path.replace('/', "~1"),
        method.to_ascii_lowercase()
    )
}

/// An answer: status, headers and body (JSON when it parses, else a JSON string).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Sends `body` (JSON) to `path` of `fake` with `headers`, with a new HTTP client.
pub async fn send(
    fake: &FakeProvider,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Answer {
    send_with(&reqwest::Client::new(), fake, method, path, headers, body).await
}

/// Sends `body` (JSON) to `path` of `fake` with `headers`, with `client`.
pub async fn send_with(
    client: &reqwest::Client,
    fake: &FakeProvider,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Answer {
    let mut request = client
        .request(
            method.parse().expect("method"),
            format!("{}{path}", fake.url()),
        )
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Answer {
        status,
        headers,
        body,
    }
}

/// The credential headers `fake` accepts for its user operation (BTC Direct: an API key and a
/// linked identifier).
pub fn good_headers(fake: &FakeProvider) -> Vec<(String, String)> {
    match fake.provider() {
        Provider::BtcDirect => {
            fake.link_identifier(IDENTIFIER);
            vec![
                (
                    "x-api-key".into(),
                    onboarding_testkit::BTCDIRECT_API_KEY.into(),
                ),
                ("user-identifier".into(), IDENTIFIER.into()),
            ]
        }
        _ => vec![(
            "authorization".into(),
            format!("Bearer {}", fake.access_token()),
        )],
    }
}

/// Sends `body` to `fake`'s user operation with good credentials.
pub async fn send_user(fake: &FakeProvider, body: &Value) -> Answer {
    send_user_with(&reqwest::Client::new(), fake, body).await
}

/// Sends `body` to `fake`'s user operation with good credentials, with `client`.
pub async fn send_user_with(client: &reqwest::Client, fake: &FakeProvider, body: &Value) -> Answer {
    let (method, path) = fake.provider().user_operation();
    let headers = good_headers(fake);
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    send_with(client, fake, method, path, &headers, body).await
}

/// `body` with `key` set to `value`.
pub fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

/// A Bitpanda BYOL body with this `external_id`.
pub fn byol(external_id: &str) -> Value {
    json!({ "external_id": external_id })
}

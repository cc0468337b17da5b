//! The guard against the next leak: every fault the test kit can play ([`Fault::one_of_each`],
//! which fails to compile when a new kind of fault is not listed), through every provider, and
//! every error kind the facade has, with a user whose every personal field holds a distinctive
//! marker. The `Display`, `{:?}` and `{:#?}` of every result and error (and of each error's
//! sources), and every tracing event and span at TRACE level with all its fields, must hold no
//! marker, no credential and no token the fakes issued.
//!
//! Also here: an error whose message echoes a value of the request reaches the caller with
//! `***` in its place, over HTTP, in each provider's own error shape.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onboarding::{
    BtcDirectLogin, ClientBuilder, ClientCredentials, ErrorKind, FixedToken, NewUser,
    OnboardingClient, OnboardingError, RetryPolicy, UserContext, UserUpdate,
};
use onboarding_testkit::{
    BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET, Fault, Provider, TestKit,
};
use serde_json::{Value, json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::common::fixtures;

/// The BTC Direct user context, itself personal (it names the user).
const IDENTIFIER: &str = "ZQXIDENT0417ZQXIDENT0417ZQXIDENT0417ZQ";

/// A secret the token endpoint refuses.
const WRONG_SECRET: &str = "zqx-wrong-client-secret-0417";

/// A token the fakes refuse.
const REFUSED_TOKEN: &str = "zqx-refused-token-0417";

/// The personal values of the marked users, set at these JSON pointers of the fixtures.
const USER_MARKERS: [(&str, &str); 18] = [
    ("/email", "zqxmail.marker@zqxdomain.example"),
    ("/phone", "+306947158203"),
    ("/given_names/0", "Zqxgivenone"),
    ("/given_names/1", "Zqxgiventwo"),
    ("/family_name", "Zqxfamilymarker"),
    ("/date_of_birth", "1971-03-29"),
    ("/address/street", "Zqxstreetmarker"),
    ("/address/postal_code", "70419"),
    ("/address/city", "Zqxcitymarker"),
    ("/tax_residency/tax_id", "904718362"),
    ("/external_id", "zqx-external-0417"),
    ("/bitpanda/verification/national_id", "ZQX904718"),
    ("/bitpanda/verification/birth_place", "Zqxbirthplace"),
    ("/bitpanda/verification/issuing_authority", "Zqxauthority"),
    ("/bitpanda/verification/address/street", "Zqxverifstreet"),
    ("/bitpanda/verification/address/city", "Zqxverifcity"),
    ("/bitpanda/verification/token", "ZQX-VTOKEN-0417"),
    (
        "/bitpanda/verification/mrz_code",
        "IDGRCZQX904718<<<<<<<<<<<<<<<<",
    ),
];

/// The personal values of the marked update, beyond those it shares with the user.
const UPDATE_MARKERS: [(&str, &str); 5] = [
    ("/btcdirect/email_code", "740193"),
    ("/btcdirect/chamber_of_commerce", "809471836000"),
    ("/btcdirect/business_name", "Zqxbusiness Trading"),
    (
        "/btcdirect/identity_documents/0/data",
        "WlFYIGZyb250IHNpZGUgbWFya2VyIDA0MTcgiVBORw==",
    ),
    (
        "/btcdirect/identity_documents/1/data",
        "WlFYIGJhY2sgc2lkZSBtYXJrZXIgMDQxNyCJUE5HISE=",
    ),
];

fn set(document: &mut Value, pointer: &str, value: &str) {
    *document
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the fixture has {pointer}")) = json!(value);
}

fn marked_user() -> NewUser {
    let mut document: Value = serde_json::from_str(fixtures::USER_JSON).unwrap();
    for (pointer, value) in USER_MARKERS {
        set(&mut document, pointer, value);
    }
    serde_json::from_value(document).expect("the marked user reads")
}

fn marked_update() -> UserUpdate {
    let mut document: Value = serde_json::from_str(fixtures::UPDATE_JSON).unwrap();
    for (pointer, value) in USER_MARKERS {
        if document.pointer(pointer).is_some() {
            set(&mut document, pointer, value);
        }
    }
    for (pointer, value) in UPDATE_MARKERS {
        set(&mut document, pointer, value);
    }
    serde_json::from_value(document).expect("the marked update reads")
}

/// Every marker, credential and secret that must never show.
fn forbidden() -> Vec<String> {
    let mut all: Vec<String> = USER_MARKERS
        .iter()
        .chain(UPDATE_MARKERS.iter())
        .map(|(_, value)| (*value).to_owned())
        .collect();
    all.extend(
        [
            IDENTIFIER,
            WRONG_SECRET,
            REFUSED_TOKEN,
            CLIENT_SECRET,
            BTCDIRECT_PASSWORD,
            "Zqxgivenone Zqxgiventwo",
        ]
        .map(str::to_owned),
    );
    all
}

// ---- capture ----------------------------------------------------------------------------------

/// Every tracing event and span, at every level, as `name=value` pairs.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!("{}={value} ", field.name()));
    }
}

impl Recorder {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!("span {} ", attributes.metadata().name()));
        attributes.record(&mut fields);
        self.push(fields.0);
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields("record ".into());
        values.record(&mut fields);
        self.push(fields.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(format!("{} ", event.metadata().level()));
        event.record(&mut fields);
        self.push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// What the test saw: the text of every result and error, and the error kinds met.
#[derive(Default)]
struct Seen {
    texts: Vec<String>,
    kinds: BTreeSet<&'static str>,
}

impl Seen {
    fn result<T: Debug>(&mut self, label: &str, result: &Result<T, OnboardingError>) {
        match result {
            Ok(value) => self.texts.push(format!("{label}: {value:?} {value:#?}")),
            Err(error) => self.error(label, error),
        }
    }

    fn error(&mut self, label: &str, error: &OnboardingError) {
        self.kinds.insert(error.kind().name());
        let mut text = format!("{label}: {error} | {error:?} | {error:#?}");
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            text.push_str(&format!(" | {inner} | {inner:?}"));
            source = inner.source();
        }
        for problem in error.problems() {
            text.push_str(&format!(" | {problem} | {problem:?}"));
        }
        self.texts.push(text);
    }
}

// ---- clients ----------------------------------------------------------------------------------

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
        .with_max_retry_after(Duration::from_secs(2))
        .with_max_total(Duration::from_secs(30))
}

fn builder(url: String) -> ClientBuilder {
    ClientBuilder::new(url)
        .retry_policy(policy())
        .timeout(Duration::from_secs(5))
}

/// The facade client for `provider` on the kit: token endpoints for Bitpanda and BTC Direct
/// (so real issued tokens travel), a fixed issued token for Wealthyhood.
fn client(kit: &TestKit, provider: Provider) -> OnboardingClient {
    let fake = kit.fake(provider);
    fake.set_token_lifetime(Duration::from_secs(86_400));
    match provider {
        Provider::Bitpanda => builder(fake.url())
            .bitpanda(ClientCredentials::new(&fake.token_url(), CLIENT_ID, CLIENT_SECRET).unwrap())
            .map(OnboardingClient::from),
        Provider::Wealthyhood => builder(fake.url())
            .wealthyhood(FixedToken::new(&fake.access_token()).unwrap())
            .map(OnboardingClient::from),
        Provider::BtcDirect => {
            fake.link_identifier(IDENTIFIER);
            builder(fake.url())
                .btcdirect(BtcDirectLogin::new(BTCDIRECT_USERNAME, BTCDIRECT_PASSWORD))
                .map(OnboardingClient::from)
        }
    }
    .expect("client")
}

/// The one operation `client` offers, with the marked user or update.
async fn call(client: &OnboardingClient, label: &str, seen: &mut Seen) {
    if client.provider() == onboarding::Provider::BtcDirect {
        let context = UserContext::identifier(IDENTIFIER).unwrap();
        let result = client.update_user(&marked_update(), &context).await;
        seen.result(label, &result);
    } else {
        let result = client.create_user(&marked_user()).await;
        seen.result(label, &result);
    }
}

/// Every header value the fakes received (tokens they issued among them), to look for too.
fn received_secrets(kit: &TestKit, out: &mut Vec<String>) {
    for provider in Provider::ALL {
        for request in kit.fake(provider).requests() {
            for name in [
                "authorization",
                "user-authorization",
                "x-api-key",
                "user-identifier",
            ] {
                if let Some(value) = request.header(name) {
                    let value = value.trim_start_matches("Bearer ").to_owned();
                    if value.len() >= 8 {
                        out.push(value);
                    }
                }
            }
        }
    }
}

/// The error kinds no fault produces, each from a call made to fail that way.
async fn other_kinds(kit: &TestKit, seen: &mut Seen) {
    let user = marked_user();
    // InvalidInput: the marked user with values no provider accepts.
    let mut invalid = user.clone();
    invalid.email = "zqx-not-an-email-0417".into();
    invalid.phone = Some("zqx-not-a-phone-0417".into());
    invalid.given_names = vec!["Zqx<bad>name0417".into()];
    for provider in [Provider::Bitpanda, Provider::Wealthyhood] {
        let result = client(kit, provider).create_user(&invalid).await;
        seen.result("invalid input", &result);
    }
    let mut invalid_update = marked_update();
    invalid_update.email = "zqx-not-an-email-0417".into();
    let context = UserContext::identifier(IDENTIFIER).unwrap();
    let result = client(kit, Provider::BtcDirect)
        .update_user(&invalid_update, &context)
        .await;
    seen.result("invalid update", &result);
    // Unsupported.
    let result = client(kit, Provider::BtcDirect).create_user(&user).await;
    seen.result("unsupported", &result);
    let result = client(kit, Provider::Bitpanda)
        .update_user(&marked_update(), &context)
        .await;
    seen.result("unsupported", &result);
    // InvalidConfiguration: a base URL with credentials in it.
    let result = ClientBuilder::new(format!(
        "ftp://zqxuser:{WRONG_SECRET}@127.0.0.1/{IDENTIFIER}"
    ))
    .bitpanda(FixedToken::new(REFUSED_TOKEN).unwrap());
    seen.result("invalid configuration", &result);
    // Conflict: the same user twice.
    for provider in [Provider::Bitpanda, Provider::Wealthyhood] {
        let client = client(kit, provider);
        seen.result("first", &client.create_user(&user).await);
        seen.result("conflict", &client.create_user(&user).await);
    }
    // Unauthorized: a token the provider refuses.
    let result = builder(kit.wealthyhood.url())
        .wealthyhood(FixedToken::new(REFUSED_TOKEN).unwrap())
        .unwrap()
        .create_user(&user)
        .await;
    seen.result("unauthorized", &result);
    // CredentialUnavailable: the token endpoint refuses the client's secret.
    let result = builder(kit.bitpanda.url())
        .bitpanda(
            ClientCredentials::new(&kit.bitpanda.token_url(), CLIENT_ID, WRONG_SECRET).unwrap(),
        )
        .unwrap()
        .create_user(&user)
        .await;
    seen.result("credential unavailable", &result);
    // UnexpectedResponse: a success whose body echoes personal data off the spec.
    let echo = json!([IDENTIFIER, {"name": "Zqxfamilymarker", "dob": "1971-03-29"}]);
    kit.btcdirect.fail_next(
        1,
        Fault::OffSpecSuccess(onboarding_testkit::OffSpecBody::Json(echo)),
    );
    let result = client(kit, Provider::BtcDirect)
        .update_user(&marked_update(), &context)
        .await;
    seen.result("unexpected response", &result);
    // Transport: nothing listens.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let result = builder(format!("http://{closed}"))
        .wealthyhood(FixedToken::new(REFUSED_TOKEN).unwrap())
        .unwrap()
        .create_user(&user)
        .await;
    seen.result("transport", &result);
}

fn assert_nothing_leaks(texts: &[String], forbidden: &[String]) {
    for text in texts {
        let folded = text.to_lowercase();
        for secret in forbidden {
            assert!(
                !folded.contains(&secret.to_lowercase()),
                "{secret:?} leaked in:\n{text}"
            );
        }
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn no_fault_provider_or_error_kind_shows_a_marker_token_or_secret() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let mut seen = Seen::default();
    let mut secrets = forbidden();
    let faults = Fault::one_of_each();
    for fault in &faults {
        for provider in Provider::ALL {
            let kit = onboarding_testkit::start().await;
            let client = client(&kit, provider);
            kit.fake(provider).fail_next(2, fault.clone());
            call(&client, &format!("{provider:?} {fault:?}"), &mut seen).await;
            received_secrets(&kit, &mut secrets);
        }
    }
    let kit = onboarding_testkit::start().await;
    other_kinds(&kit, &mut seen).await;
    received_secrets(&kit, &mut secrets);

    let every_kind: BTreeSet<&str> = [
        ErrorKind::InvalidInput,
        ErrorKind::Unsupported,
        ErrorKind::InvalidConfiguration,
        ErrorKind::Rejected,
        ErrorKind::Conflict,
        ErrorKind::Unauthorized,
        ErrorKind::CredentialUnavailable,
        ErrorKind::RateLimited,
        ErrorKind::Unavailable,
        ErrorKind::ServerError,
        ErrorKind::Transport,
        ErrorKind::OutcomeUnknown,
        ErrorKind::UnexpectedResponse,
    ]
    .into_iter()
    .map(ErrorKind::name)
    .collect();
    assert_eq!(seen.kinds, every_kind, "every error kind is reached");
    assert!(
        secrets.len() > forbidden().len(),
        "issued tokens were collected: {}",
        secrets.len()
    );

    let events = recorder.0.lock().unwrap().clone();
    assert!(events.len() > faults.len(), "events were recorded");
    assert_nothing_leaks(&seen.texts, &secrets);
    assert_nothing_leaks(&events, &secrets);
}

/// An error whose message repeats the request's e-mail address, over HTTP from each fake in its
/// own shape: the caller sees `***` in its place, the provider's code and field unchanged.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn an_echoed_request_value_is_masked_in_the_provider_message() {
    let email = USER_MARKERS[0].1;
    for provider in Provider::ALL {
        let kit = onboarding_testkit::start().await;
        let client = client(&kit, provider);
        let code = if provider == Provider::BtcDirect {
            "ER001"
        } else {
            "invalid_email"
        };
        kit.fake(provider)
            .fail_next(1, Fault::echoing(400, code, "/email"));
        let mut seen = Seen::default();
        call(&client, "echo", &mut seen).await;
        let echoed = kit.fake(provider).requests();
        assert!(
            echoed
                .iter()
                .any(|r| r.json().is_some_and(|b| b["email"] == email)),
            "{provider:?}: the request carried the marker: {:?}",
            seen.texts
        );
        assert_eq!(seen.kinds, BTreeSet::from(["rejected"]), "{:?}", seen.texts);
        assert!(
            seen.texts[0].contains("The value '***' is not accepted."),
            "{provider:?}: {}",
            seen.texts[0]
        );
        assert!(seen.texts[0].contains(code), "{}", seen.texts[0]);
        if provider == Provider::BtcDirect {
            assert!(
                seen.texts[0].contains("(field email / email)"),
                "{}",
                seen.texts[0]
            );
        }
        assert_nothing_leaks(&seen.texts, &[email.to_owned()]);
    }
}

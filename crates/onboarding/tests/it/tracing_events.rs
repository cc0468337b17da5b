//! The facade's tracing events: they carry provider, operation, attempt, status and latency, and
//! never a credential or a piece of personal data.

use std::sync::{Arc, Mutex};

use onboarding::{ClientBuilder, NewUser, RetryPolicy};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::fixtures;

const TOKEN: &str = "tracing-secret-token";

/// Records every event as `name=value` pairs.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn events_carry_call_facts_and_no_personal_data() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"errors": []})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-9"}})))
        .mount(&server)
        .await;
    let user: NewUser = serde_json::from_str(fixtures::USER_JSON).unwrap();
    let client = ClientBuilder::new(server.uri())
        .retry_policy(
            RetryPolicy::default().with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .bitpanda(onboarding::FixedToken::new(TOKEN).unwrap())
        .unwrap();
    client
        .create_user(&user)
        .await
        .expect("created on the second attempt");

    let events = recorder.0.lock().unwrap().clone();
    let calls: Vec<&String> = events
        .iter()
        .filter(|e| e.contains("provider call"))
        .collect();
    assert_eq!(calls.len(), 2, "one event per attempt: {events:#?}");
    for (index, event) in calls.iter().enumerate() {
        for field in [
            "provider=bitpanda",
            "operation=create_user",
            "latency_ms=",
            "status=",
        ] {
            assert!(event.contains(field), "{field} missing in {event}");
        }
        assert!(event.contains(&format!("attempt={}", index + 1)), "{event}");
    }
    assert!(
        calls[0].contains("status=429") && calls[1].contains("status=201"),
        "{calls:?}"
    );

    let fixture: serde_json::Value = serde_json::from_str(fixtures::USER_JSON).unwrap();
    let mut secrets = vec![TOKEN.to_owned()];
    for key in [
        "email",
        "phone",
        "family_name",
        "date_of_birth",
        "external_id",
    ] {
        if let Some(value) = fixture[key].as_str() {
            secrets.push(value.to_owned());
        }
    }
    for name in fixture["given_names"].as_array().into_iter().flatten() {
        secrets.push(name.as_str().unwrap_or_default().to_owned());
    }
    assert!(
        secrets.len() >= 7,
        "the fixture has the personal data to look for"
    );
    for event in &events {
        for secret in &secrets {
            assert!(
                !event.contains(secret.as_str()),
                "an event leaked personal data or a credential: {event}"
            );
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn token_renewals_are_traced_without_the_token_or_the_client_secret() {
    const SECRET: &str = "tracing-client-secret";
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let tokens = MockServer::start().await;
    let issued = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Mock::given(method("POST"))
        .respond_with(move |_: &wiremock::Request| {
            let n = issued.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": format!("tracing-access-token-{n}"), "expires_in": 600}),
            )
        })
        .mount(&tokens)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer tracing-access-token-2",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-9"}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"errors": []})))
        .mount(&server)
        .await;
    let credentials = onboarding::ClientCredentials::new(
        &format!("{}/oauth/token", tokens.uri()),
        "client-1",
        SECRET,
    )
    .unwrap();
    // Two attempts: the renewal's counts as one.
    let client = ClientBuilder::new(server.uri())
        .retry_policy(RetryPolicy::never().with_max_attempts(2))
        .bitpanda(credentials)
        .unwrap();
    let user: NewUser = serde_json::from_str(fixtures::USER_JSON).unwrap();
    client
        .create_user(&user)
        .await
        .expect("created after one renewal");

    let events = recorder.0.lock().unwrap().clone();
    let renewals: Vec<&String> = events
        .iter()
        .filter(|e| e.contains("access token renewed"))
        .collect();
    assert_eq!(renewals.len(), 2, "{events:#?}");
    assert!(renewals.iter().all(|e| e.contains("provider=bitpanda")));
    for event in &events {
        assert!(
            !event.contains("tracing-access-token") && !event.contains(SECRET),
            "{event}"
        );
    }
}

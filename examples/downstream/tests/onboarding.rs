//! The service's onboarding test: no credentials, no network, only the test kit on loopback.

use onboarding::{ClientBuilder, ClientCredentials};
use onboarding_testkit::{CLIENT_ID, CLIENT_SECRET, Fault, Outcome};

#[tokio::test(start_paused = true)]
async fn registers_a_customer_once_even_through_throttling() {
    let kit = onboarding_testkit::start().await;
    kit.bitpanda.fail_next(1, Fault::too_many_requests(1));
    let credentials = ClientCredentials::new(&kit.bitpanda.token_url(), CLIENT_ID, CLIENT_SECRET)
        .expect("credentials");
    let bitpanda = ClientBuilder::new(kit.bitpanda.url())
        .bitpanda(credentials)
        .expect("client");

    let created = downstream_service::register_customer(&bitpanda, "shop-customer-42")
        .await
        .expect("registered");

    // What the fake provider received: a token request, one 429, then one create.
    assert_eq!(created.id(), Some(kit.bitpanda.users()[0].id()));
    kit.bitpanda
        .assert_one_create_for_external_id("shop-customer-42");
    kit.bitpanda.assert_outcome_count(Outcome::TokenIssued, 1);
    kit.bitpanda.assert_outcome_count(Outcome::Throttled, 1);
    let sent = kit.bitpanda.user_requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[1].json(),
        Some(&serde_json::json!({"external_id": "shop-customer-42"}))
    );
}

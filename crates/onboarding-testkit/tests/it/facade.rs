//! Every fault the kit can play, met by the `onboarding` facade over real loopback HTTP, on
//! Tokio's paused clock (retry waits and timeouts pass without waiting).

use crate::support;

use std::time::Duration;

use onboarding::credentials::TokenError;
use onboarding::{
    BtcDirectLogin, ClientBuilder, ClientCredentials, CreatedUser, FixedToken, NewUser,
    OnboardingClient, OnboardingError, RetryAdvice, RetryPolicy, UserContext, UserUpdate,
};
use onboarding_testkit::{
    Answer, BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET, Endpoint,
    FakeProvider, Fault, OffSpecBody, Outcome, Provider, TestKit, WEALTHYHOOD_AUDIENCE,
};
use support::IDENTIFIER;

const TIMEOUT: Duration = Duration::from_secs(15);

fn user(external_id: &str) -> NewUser {
    let mut user: NewUser =
        serde_json::from_str(include_str!("../../../onboarding/tests/fixtures/user.json"))
            .expect("fixture user");
    user.external_id = Some(external_id.to_owned());
    user.email = format!("{external_id}@example.com");
    user
}

fn update() -> UserUpdate {
    serde_json::from_str(include_str!(
        "../../../onboarding/tests/fixtures/update.json"
    ))
    .expect("fixture update")
}

fn policy() -> RetryPolicy {
    RetryPolicy::default().with_max_attempts(3)
}

/// The facade client for `provider`, pointed at the kit, with credentials that renew
/// themselves at the kit's token endpoints.
fn client(kit: &TestKit, provider: Provider) -> OnboardingClient {
    let fake = kit.fake(provider);
    let builder = ClientBuilder::new(fake.url())
        .retry_policy(policy())
        .timeout(TIMEOUT);
    match provider {
        Provider::Bitpanda => builder
            .bitpanda(ClientCredentials::new(&fake.token_url(), CLIENT_ID, CLIENT_SECRET).unwrap())
            .map(OnboardingClient::from),
        Provider::Wealthyhood => builder
            .wealthyhood(
                ClientCredentials::auth0(
                    &fake.url(),
                    WEALTHYHOOD_AUDIENCE,
                    CLIENT_ID,
                    CLIENT_SECRET,
                )
                .unwrap(),
            )
            .map(OnboardingClient::from),
        Provider::BtcDirect => {
            fake.link_identifier(IDENTIFIER);
            builder
                .btcdirect(BtcDirectLogin::new(BTCDIRECT_USERNAME, BTCDIRECT_PASSWORD))
                .map(OnboardingClient::from)
        }
    }
    .expect("client")
}

/// Runs the provider's operation with a new client; on success, the attempts made.
async fn call(
    kit: &TestKit,
    provider: Provider,
    external_id: &str,
) -> Result<u32, OnboardingError> {
    operate(&client(kit, provider), external_id).await
}

/// Runs the client's provider's operation (a create for `external_id`, or BTC Direct's update);
/// on success, the attempts made.
async fn operate(client: &OnboardingClient, external_id: &str) -> Result<u32, OnboardingError> {
    match client.provider() {
        onboarding::Provider::BtcDirect => client
            .update_user(&update(), &UserContext::identifier(IDENTIFIER).unwrap())
            .await
            .map(|updated| updated.attempts),
        _ => client
            .create_user(&user(external_id))
            .await
            .map(|created| created.attempts()),
    }
}

/// What the fake did with each user request, in order.
fn outcomes(fake: &FakeProvider) -> Vec<(Outcome, Answer)> {
    fake.user_requests()
        .iter()
        .map(|r| (r.outcome(), r.answer()))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_facade_registers_with_every_fake() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        assert_eq!(
            call(&kit, provider, "happy").await.unwrap(),
            1,
            "{provider}"
        );
        let (status, outcome) = provider.success();
        assert_eq!(
            outcomes(kit.fake(provider)),
            [(outcome, Answer::Status(status))]
        );
    }
    kit.bitpanda.assert_one_create_for_external_id("happy");
    kit.wealthyhood
        .assert_one_create_for_email("happy@example.com");
    let sent = &kit.btcdirect.user_requests()[0];
    assert_eq!(sent.header("user-identifier"), Some(IDENTIFIER));
    assert!(
        sent.header("authorization")
            .is_some_and(|v| v.starts_with("Bearer "))
    );
    for provider in Provider::ALL {
        kit.fake(provider)
            .assert_outcome_count(Outcome::TokenIssued, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn tokens_are_renewed_before_they_expire_on_the_kits_clock() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        let client = client(&kit, provider);
        operate(&client, "renew-1").await.unwrap();
        operate(&client, "renew-2").await.unwrap();
        fake.assert_outcome_count(Outcome::TokenIssued, 1);
        tokio::time::advance(fake.token_lifetime()).await;
        operate(&client, "renew-3").await.unwrap();
        // Renewed ahead of the request: no request was refused.
        fake.assert_outcome_count(Outcome::TokenIssued, 2);
        fake.assert_outcome_count(Outcome::Unauthorized, 0);
        // BTC Direct renews with its refresh token rather than logging in again.
        if provider == Provider::BtcDirect {
            assert_eq!(fake.requests_to(Endpoint::Refresh).len(), 1);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_refused_as_expired_is_renewed_once_and_the_request_resent() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        let client = client(&kit, provider);
        operate(&client, "resent-1").await.unwrap();
        fake.expire_tokens();
        operate(&client, "resent-2")
            .await
            .unwrap_or_else(|e| panic!("{provider}: {e:?}"));
        let (_, success) = provider.success();
        let outcomes: Vec<Outcome> = fake.user_requests().iter().map(|r| r.outcome()).collect();
        assert_eq!(
            outcomes,
            [success, Outcome::Unauthorized, success],
            "{provider}"
        );
        fake.assert_outcome_count(Outcome::TokenIssued, 2);
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_that_is_down_is_a_typed_error_and_nothing_is_sent() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        fake.fail_next_on(Endpoint::Token, 10, Fault::maintenance_text());
        let error = call(&kit, provider, "nocredential").await.unwrap_err();
        assert!(
            matches!(error, OnboardingError::CredentialUnavailable { .. }),
            "{provider}: {error:?}"
        );
        fake.assert_user_requests(0);
    }
    kit.bitpanda.clear_faults();
    kit.bitpanda
        .fail_next_on(Endpoint::Token, 1, Fault::documented(401, "invalid_client"));
    let error = call(&kit, Provider::Bitpanda, "refused").await.unwrap_err();
    let OnboardingError::CredentialUnavailable { error, .. } = error else {
        panic!("{error:?}");
    };
    assert!(
        matches!(error, TokenError::Refused { status: 401, .. }),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn too_many_requests_is_retried_after_retry_after() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        fake.fail_next(1, Fault::too_many_requests(2));
        let started = tokio::time::Instant::now();
        assert_eq!(
            call(&kit, provider, "throttled").await.unwrap(),
            2,
            "{provider}"
        );
        let requests = fake.user_requests();
        let waited = requests[1].arrived_at() - requests[0].arrived_at();
        assert!(waited >= Duration::from_secs(2), "{provider}: {waited:?}");
        // Tokio's paused clock: the Retry-After wait, not the machine's speed.
        let slept = started.elapsed();
        assert!(slept >= Duration::from_secs(2), "{provider}: {slept:?}");
        fake.assert_outcome_count(Outcome::Throttled, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn too_many_requests_every_time_gives_up_as_rate_limited() {
    let kit = onboarding_testkit::start().await;
    kit.bitpanda.fail_next(5, Fault::too_many_requests(1));
    let error = call(&kit, Provider::Bitpanda, "always").await.unwrap_err();
    assert!(
        matches!(error, OnboardingError::RateLimited { attempts: 3, retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{error:?}"
    );
    assert!(kit.bitpanda.users().is_empty());
}

#[tokio::test(start_paused = true)]
async fn maintenance_with_a_json_or_a_text_body_is_retried() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        fake.fail_next(1, Fault::maintenance_json());
        fake.fail_next(1, Fault::maintenance_text());
        assert_eq!(
            call(&kit, provider, "maintained").await.unwrap(),
            3,
            "{provider}"
        );
        fake.assert_outcome_count(Outcome::Unavailable, 2);
        assert_eq!(fake.users().len(), 1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_500_after_create_is_never_a_second_user() {
    let kit = onboarding_testkit::start().await;
    // Wealthyhood: the create may have been applied, so the caller is told to reconcile first.
    kit.wealthyhood.fail_next(1, Fault::ServerErrorAfterCreate);
    let error = call(&kit, Provider::Wealthyhood, "after500")
        .await
        .unwrap_err();
    assert!(
        matches!(error, OnboardingError::ServerError { status: 500, .. }),
        "{error:?}"
    );
    assert_eq!(error.retry_advice(), RetryAdvice::ReconcileFirst);
    assert_eq!(
        outcomes(&kit.wealthyhood),
        [(Outcome::Created, Answer::Status(500))]
    );
    kit.wealthyhood
        .assert_one_create_for_email("after500@example.com");
    // Bitpanda with an external_id: the retry meets 409, which confirms the first create.
    kit.bitpanda.fail_next(1, Fault::ServerErrorAfterCreate);
    let created = client(&kit, Provider::Bitpanda)
        .create_user(&user("after500"))
        .await
        .unwrap();
    assert!(
        matches!(created, CreatedUser::ConfirmedExisting { attempts: 2, .. }),
        "{created:?}"
    );
    assert_eq!(
        outcomes(&kit.bitpanda),
        [
            (Outcome::Created, Answer::Status(500)),
            (Outcome::Duplicate, Answer::Status(409))
        ]
    );
    kit.bitpanda.assert_one_create_for_external_id("after500");
}

#[tokio::test(start_paused = true)]
async fn no_answer_after_create_is_outcome_unknown_or_confirmed_by_the_retry() {
    let kit = onboarding_testkit::start().await;
    // Wealthyhood: the create is not repeated; the caller learns the outcome is unknown.
    kit.wealthyhood.fail_next(1, Fault::NoAnswerAfterCreate);
    let error = call(&kit, Provider::Wealthyhood, "held").await.unwrap_err();
    assert!(
        matches!(error, OnboardingError::OutcomeUnknown { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(
        outcomes(&kit.wealthyhood),
        [(Outcome::Created, Answer::NoAnswer)]
    );
    // Bitpanda with an external_id: the retry meets 409, which confirms the first create.
    kit.bitpanda.fail_next(1, Fault::NoAnswerAfterCreate);
    let client = client(&kit, Provider::Bitpanda);
    let created = client.create_user(&user("held")).await.unwrap();
    assert!(
        matches!(created, CreatedUser::ConfirmedExisting { attempts: 2, .. }),
        "{created:?}"
    );
    assert_eq!(
        outcomes(&kit.bitpanda),
        [
            (Outcome::Created, Answer::NoAnswer),
            (Outcome::Duplicate, Answer::Status(409))
        ]
    );
    kit.bitpanda.assert_one_create_for_external_id("held");
}

#[tokio::test(start_paused = true)]
async fn a_reset_connection_is_never_a_duplicate() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        kit.fake(provider).fail_next(1, Fault::ResetConnection);
    }
    // Bitpanda (external_id) and BTC Direct (idempotent PATCH) retry and succeed.
    assert_eq!(call(&kit, Provider::Bitpanda, "reset").await.unwrap(), 2);
    assert_eq!(call(&kit, Provider::BtcDirect, "reset").await.unwrap(), 2);
    kit.bitpanda.assert_one_create_for_external_id("reset");
    // Wealthyhood: a sent create without an answer is not repeated.
    let error = call(&kit, Provider::Wealthyhood, "reset")
        .await
        .unwrap_err();
    assert!(
        matches!(error, OnboardingError::OutcomeUnknown { .. }),
        "{error:?}"
    );
    assert!(kit.wealthyhood.users().is_empty());
    for provider in Provider::ALL {
        kit.fake(provider).assert_outcome_count(Outcome::Reset, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_within_the_timeout_succeeds_and_a_slower_one_is_unknown() {
    let kit = onboarding_testkit::start().await;
    kit.wealthyhood
        .fail_next(1, Fault::Slow(TIMEOUT - Duration::from_secs(1)));
    assert_eq!(call(&kit, Provider::Wealthyhood, "slow").await.unwrap(), 1);
    kit.wealthyhood
        .fail_next(1, Fault::Slow(TIMEOUT + Duration::from_secs(1)));
    let error = call(&kit, Provider::Wealthyhood, "slower")
        .await
        .unwrap_err();
    assert!(
        matches!(error, OnboardingError::OutcomeUnknown { .. }),
        "{error:?}"
    );
    kit.wealthyhood
        .assert_one_create_for_email("slower@example.com");
}

#[tokio::test(start_paused = true)]
async fn a_2xx_off_the_spec_still_gives_the_id_and_is_never_resent() {
    let kit = onboarding_testkit::start().await;
    for provider in [Provider::Bitpanda, Provider::Wealthyhood] {
        let fake = kit.fake(provider);
        fake.fail_next(1, Fault::OffSpecSuccess(OffSpecBody::Default));
        let created = client(&kit, provider)
            .create_user(&user("offspec"))
            .await
            .unwrap_or_else(|e| panic!("{provider}: {e:?}"));
        let users = fake.users();
        assert_eq!(users.len(), 1);
        assert!(
            matches!(&created, CreatedUser::Created { id, off_spec: true, attempts: 1, .. } if id == users[0].id()),
            "{provider}: {created:?}"
        );
        fake.assert_user_requests(1);
    }
}

#[tokio::test(start_paused = true)]
async fn documented_errors_reach_the_caller_with_the_providers_code() {
    let kit = onboarding_testkit::start().await;
    kit.btcdirect.fail_next(1, Fault::documented(400, "ER085"));
    let error = call(&kit, Provider::BtcDirect, "young").await.unwrap_err();
    assert!(
        matches!(error, OnboardingError::Rejected { .. }),
        "{error:?}"
    );
    assert_eq!(error.provider_codes(), ["ER085"]);
    kit.bitpanda
        .fail_next(1, Fault::documented(404, "invalid_language"));
    let error = call(&kit, Provider::Bitpanda, "lang").await.unwrap_err();
    assert_eq!(error.provider_codes(), ["invalid_language"]);
    kit.bitpanda.assert_user_requests(1);
}

#[tokio::test(start_paused = true)]
async fn a_second_external_id_is_a_conflict_and_an_expired_token_is_unauthorized() {
    let kit = onboarding_testkit::start().await;
    call(&kit, Provider::Bitpanda, "twice").await.unwrap();
    let error = call(&kit, Provider::Bitpanda, "TWICE").await.unwrap_err();
    assert!(
        matches!(error, OnboardingError::Conflict { .. }),
        "{error:?}"
    );

    // A fixed token is never renewed: once expired on the kit's clock, it is refused.
    let client = ClientBuilder::new(kit.wealthyhood.url())
        .wealthyhood(FixedToken::new(&kit.wealthyhood.access_token()).unwrap())
        .unwrap();
    tokio::time::advance(kit.wealthyhood.token_lifetime()).await;
    let error = client.create_user(&user("late")).await.unwrap_err();
    assert!(
        matches!(error, OnboardingError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(error.provider_codes(), ["TOKEN_EXPIRED"]);
}

//! The fakes over real loopback HTTP (reqwest): routing, credentials, schema checks, state,
//! tokens, faults and the journal; and every body they send against the spec's response schema
//! (checked by an independent validator).

use crate::support;

use std::time::Duration;

use onboarding_testkit::spec;
use onboarding_testkit::{
    Answer, BTCDIRECT_API_KEY, BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET,
    Endpoint, FakeProvider, Fault, OffSpecBody, Outcome, Provider, RateLimit, WEALTHYHOOD_AUDIENCE,
};
use serde_json::{Value, json};
use support::{
    IDENTIFIER, byol, operation_pointer, oracle, response_oracle, sample_body, send, send_user,
    with,
};

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_object()
        .map(|errors| errors.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_are_refused_in_the_providers_shape() {
    let kit = onboarding_testkit::start().await;
    let answer = send(&kit.bitpanda, "POST", "/v1/users", &[], &json!({})).await;
    assert_eq!(answer.status, 404);
    assert!(answer.body["errors"].is_array());
    let answer = send(&kit.wealthyhood, "GET", "/users", &[], &json!({})).await;
    assert_eq!(answer.status, 405);
    assert!(answer.body["message"].is_string());
    kit.wealthyhood.assert_outcome_count(Outcome::NotRouted, 1);
}

#[tokio::test]
async fn a_wrong_method_is_answered_405_with_an_allow_header_naming_the_right_one() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        let (user_method, user_path) = provider.user_operation();
        let token_path = match provider {
            Provider::Bitpanda => onboarding_testkit::BITPANDA_TOKEN_PATH,
            Provider::Wealthyhood => onboarding_testkit::WEALTHYHOOD_TOKEN_PATH,
            Provider::BtcDirect => onboarding_testkit::BTCDIRECT_AUTHENTICATE_PATH,
        };
        for (path, allowed) in [(user_path, user_method), (token_path, "POST")] {
            let answer = send(fake, "DELETE", path, &[], &json!({})).await;
            assert_eq!(answer.status, 405, "{provider} {path}");
            let allow = answer.headers.get_all("allow").iter().collect::<Vec<_>>();
            assert_eq!(
                allow,
                [allowed],
                "{provider} {path}: one Allow, the path's method"
            );
        }
        let answer = send(fake, "DELETE", "/nowhere", &[], &json!({})).await;
        assert_eq!(answer.status, 404);
        assert!(
            answer.headers.get("allow").is_none(),
            "{provider}: a 404 allows nothing"
        );
    }
}

#[tokio::test]
async fn a_valid_create_gets_201_with_a_body_valid_against_the_response_schema() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        let answer = send_user(fake, &sample_body(provider)).await;
        let (status, outcome) = provider.success();
        assert_eq!(answer.status, status, "{provider}: {:?}", answer.body);
        let oracle = response_oracle(provider, status);
        assert!(oracle.is_valid(&answer.body), "{provider}: {}", answer.body);
        assert!(spec::response_is_valid(provider, status, &answer.body));
        assert!(spec::request_is_valid(provider, &sample_body(provider)));
        assert!(!spec::request_is_valid(provider, &json!({})));
        fake.assert_outcome_count(outcome, 1);
        assert_eq!(fake.users().len(), 1);
    }
    let created = kit.bitpanda.users();
    let id = created[0].id();
    let answer_id = kit.bitpanda.user_requests()[0].answer();
    assert_eq!(answer_id, Answer::Status(201));
    assert!(!id.is_empty());
}

#[tokio::test]
async fn every_error_the_fakes_send_validates_against_its_documented_schema() {
    let kit = onboarding_testkit::start().await;
    let mut checked = 0;
    for provider in [Provider::Bitpanda, Provider::Wealthyhood] {
        let fake = kit.fake(provider);
        let (method, path) = provider.user_operation();
        let body = sample_body(provider);
        let no_auth = send(fake, method, path, &[], &body).await;
        let invalid = send_user(fake, &with(body.clone(), "email", json!("not-an-email"))).await;
        let created = send_user(fake, &body).await;
        let duplicate = send_user(fake, &body).await;
        fake.fail_next(1, Fault::ServerErrorAfterCreate);
        let failed = send_user(fake, &with(body.clone(), "email", json!("x@example.com"))).await;
        fake.fail_next(1, Fault::documented(400, "bad_request"));
        let documented = send_user(fake, &body).await;
        let mut answers = vec![no_auth, invalid, created, duplicate, failed, documented];
        if provider == Provider::Bitpanda {
            fake.fail_next(1, Fault::too_many_requests(2));
            answers.push(send_user(fake, &body).await);
            fake.fail_next(1, Fault::maintenance_json());
            answers.push(send_user(fake, &body).await);
        }
        for answer in answers {
            let oracle = response_oracle(provider, answer.status);
            assert!(
                oracle.is_valid(&answer.body),
                "{provider} {}: {}",
                answer.status,
                answer.body
            );
            checked += 1;
        }
    }
    let fake = &kit.btcdirect;
    let body = sample_body(Provider::BtcDirect);
    let (method, path) = Provider::BtcDirect.user_operation();
    let oracle = response_oracle(Provider::BtcDirect, 400);
    for answer in [
        send(fake, method, path, &[], &body).await,
        send_user(fake, &with(body.clone(), "country", json!("Greece"))).await,
    ] {
        assert_eq!(answer.status, 400);
        assert!(oracle.is_valid(&answer.body), "{}", answer.body);
        checked += 1;
    }
    assert_eq!(checked, 16);
}

#[tokio::test]
async fn bitpanda_refuses_a_second_external_id_case_insensitively() {
    let kit = onboarding_testkit::start().await;
    assert_eq!(
        send_user(&kit.bitpanda, &byol("Ext-Id-7")).await.status,
        201
    );
    let again = send_user(&kit.bitpanda, &byol("EXT-ID-7")).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["errors"][0]["code"], "duplicate_external_id");
    assert_eq!(
        send_user(&kit.bitpanda, &byol("Ext-Id-8")).await.status,
        201
    );
    kit.bitpanda.assert_one_create_for_external_id("ext-id-7");
    kit.bitpanda.assert_outcome_count(Outcome::Duplicate, 1);
    assert_eq!(kit.bitpanda.users().len(), 2);
}

#[tokio::test]
async fn wealthyhood_refuses_a_second_email_with_409() {
    let kit = onboarding_testkit::start().await;
    let body = sample_body(Provider::Wealthyhood);
    assert_eq!(send_user(&kit.wealthyhood, &body).await.status, 201);
    let shouted = with(body, "email", json!("JOHN.DOE@EXAMPLE.COM"));
    let again = send_user(&kit.wealthyhood, &shouted).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["code"], "CONFLICT");
    kit.wealthyhood
        .assert_one_create_for_email("john.doe@example.com");
}

#[tokio::test]
async fn a_body_the_schema_refuses_gets_the_providers_4xx() {
    let kit = onboarding_testkit::start().await;
    let bitpanda = send_user(&kit.bitpanda, &json!({"email": "x@example.com"})).await;
    assert_eq!(bitpanda.status, 422);
    assert_eq!(bitpanda.body["errors"][0]["code"], "validation_error");
    let mut wealthyhood = sample_body(Provider::Wealthyhood);
    wealthyhood["dateOfBirth"] = json!("1990-02-30");
    let wealthyhood = send_user(&kit.wealthyhood, &wealthyhood).await;
    assert_eq!(wealthyhood.status, 400);
    assert_eq!(wealthyhood.body["code"], "VALIDATION_ERROR");
    let detail = wealthyhood.body["message"].as_str().unwrap();
    assert!(detail.contains("/dateOfBirth"), "{detail}");
    assert!(
        !detail.contains("1990"),
        "values stay out of messages: {detail}"
    );

    let mut btcdirect = sample_body(Provider::BtcDirect);
    btcdirect.as_object_mut().unwrap().remove("email");
    btcdirect["phoneNumber"] = json!("+31 6 1234");
    btcdirect["firstName"] = json!("<b>John</b>");
    let btcdirect = send_user(&kit.btcdirect, &btcdirect).await;
    assert_eq!(btcdirect.status, 400);
    assert_eq!(codes(&btcdirect.body), ["ER003", "ER059", "ER126"]);
    assert_eq!(
        btcdirect.body["errors"]["ER059"]["message"],
        "Invalid phone number provided."
    );
    for fake in [&kit.bitpanda, &kit.wealthyhood, &kit.btcdirect] {
        fake.assert_outcome_count(Outcome::Invalid, 1);
        assert!(fake.users().len() <= 1);
    }
}

#[tokio::test]
async fn btcdirect_wants_exactly_one_partner_credential_and_one_user_context() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.btcdirect;
    fake.link_identifier(IDENTIFIER);
    let partner = fake.access_token();
    let bearer = format!("Bearer {partner}");
    let user_token = format!("Bearer {}", fake.user_token(IDENTIFIER));
    let body = sample_body(Provider::BtcDirect);
    let (method, path) = Provider::BtcDirect.user_operation();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("user-identifier", IDENTIFIER)], "ER802"),
        (
            vec![
                ("authorization", &bearer),
                ("x-api-key", BTCDIRECT_API_KEY),
                ("user-identifier", IDENTIFIER),
            ],
            "ER803",
        ),
        (
            vec![("x-api-key", "wrong-key"), ("user-identifier", IDENTIFIER)],
            "ER805",
        ),
        (
            vec![("x-api-key", ""), ("user-identifier", IDENTIFIER)],
            "ER806",
        ),
        (
            vec![
                ("authorization", "Bearer forged"),
                ("user-identifier", IDENTIFIER),
            ],
            "ER800",
        ),
        (vec![("x-api-key", BTCDIRECT_API_KEY)], "ER704"),
        (
            vec![
                ("x-api-key", BTCDIRECT_API_KEY),
                ("user-identifier", IDENTIFIER),
                ("user-authorization", &user_token),
            ],
            "ER703",
        ),
        (
            vec![
                ("x-api-key", BTCDIRECT_API_KEY),
                ("user-identifier", "short"),
            ],
            "ER102",
        ),
        (
            vec![
                ("x-api-key", BTCDIRECT_API_KEY),
                (
                    "user-identifier",
                    "7d9f2c4e-8b1a-4f6e-9c3b-5a7d1e2f4a6b8c0d",
                ),
            ],
            "ER707",
        ),
        (
            vec![
                ("x-api-key", BTCDIRECT_API_KEY),
                ("user-identifier", "000000000000000000000000000000000000"),
            ],
            "ER705",
        ),
        (
            vec![
                ("x-api-key", BTCDIRECT_API_KEY),
                ("user-authorization", "Bearer forged"),
            ],
            "ER702",
        ),
    ];
    let refused = cases.len();
    for (headers, code) in cases {
        let answer = send(fake, method, path, &headers, &body).await;
        assert_eq!(answer.status, 400, "{code}");
        assert_eq!(codes(&answer.body), [code]);
    }
    for headers in [
        vec![
            ("authorization", bearer.as_str()),
            ("user-identifier", IDENTIFIER),
        ],
        vec![
            ("x-api-key", BTCDIRECT_API_KEY),
            ("user-authorization", &user_token),
        ],
    ] {
        assert_eq!(send(fake, method, path, &headers, &body).await.status, 202);
    }
    fake.assert_outcome_count(Outcome::Unauthorized, refused);
    fake.assert_outcome_count(Outcome::Updated, 2);
}

#[tokio::test]
async fn btcdirect_patch_applies_to_the_user_behind_the_context() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.btcdirect;
    let other = "1111111111222222222233333333334444444444";
    fake.link_identifier(other);
    let token = format!("Bearer {}", fake.user_token(IDENTIFIER));
    let (method, path) = Provider::BtcDirect.user_operation();
    let body = with(sample_body(Provider::BtcDirect), "firstName", json!("Jan"));
    let answer = send(
        fake,
        method,
        path,
        &[
            ("x-api-key", BTCDIRECT_API_KEY),
            ("user-authorization", &token),
        ],
        &body,
    )
    .await;
    assert_eq!(answer.status, 202);
    assert_eq!(answer.body["firstName"], "Jan");
    let users = fake.users();
    let updated = users.iter().find(|u| u.id() == IDENTIFIER).unwrap();
    let untouched = users.iter().find(|u| u.id() == other).unwrap();
    assert_eq!((updated.updates(), untouched.updates()), (1, 0));
    assert_eq!(updated.body()["firstName"], "Jan");
    assert!(untouched.body().get("firstName").is_none());
}

/// Sends a token request; returns the status and the JSON body (`null` when not JSON).
async fn exchange(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Sends `body` to `fake`'s user operation with `Authorization: Bearer token` (and, for BTC
/// Direct, the test identifier as the user context).
async fn send_with_token(fake: &FakeProvider, token: &Value, body: &Value) -> support::Answer {
    let bearer = format!("Bearer {}", token.as_str().expect("a token"));
    let (method, path) = fake.provider().user_operation();
    let mut headers = vec![("authorization", bearer.as_str())];
    if fake.provider() == Provider::BtcDirect {
        headers.push(("user-identifier", IDENTIFIER));
    }
    send(fake, method, path, &headers, body).await
}

#[tokio::test(start_paused = true)]
async fn bitpanda_tokens_come_from_the_token_url_and_expire_on_tokio_time() {
    let kit = onboarding_testkit::start().await;
    let client = reqwest::Client::new();
    let ask = |secret: &str| {
        client
            .post(kit.bitpanda.token_url())
            .basic_auth(CLIENT_ID, Some(secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
    };
    assert_eq!(exchange(ask("wrong")).await.0, 401);
    let (status, issued) = exchange(ask(CLIENT_SECRET)).await;
    assert_eq!(status, 200);
    assert_eq!(issued["token_type"], "Bearer");
    assert_eq!(issued["expires_in"], 600);
    let token = &issued["access_token"];
    assert_eq!(
        send_with_token(&kit.bitpanda, token, &byol("a"))
            .await
            .status,
        201
    );
    tokio::time::advance(Duration::from_secs(600)).await;
    let expired = send_with_token(&kit.bitpanda, token, &byol("b")).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body["errors"][0]["code"], "token_expired");
    kit.bitpanda.assert_outcome_count(Outcome::TokenIssued, 1);
    kit.bitpanda.assert_outcome_count(Outcome::TokenRefused, 1);
}

#[tokio::test(start_paused = true)]
async fn wealthyhood_issues_auth0_tokens_for_the_audience() {
    let kit = onboarding_testkit::start().await;
    let client = reqwest::Client::new();
    let token_url = format!("{}/oauth/token", kit.wealthyhood.url());
    let ask = |audience: &str| {
        client.post(&token_url).json(&json!({
            "grant_type": "client_credentials", "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "audience": audience
        }))
    };
    assert_eq!(exchange(ask("https://elsewhere")).await.0, 403);
    let (_, issued) = exchange(ask(WEALTHYHOOD_AUDIENCE)).await;
    assert_eq!(issued["token_type"], "Bearer");
    let lifetime = issued["expires_in"].as_u64().unwrap();
    let body = sample_body(Provider::Wealthyhood);
    let token = &issued["access_token"];
    assert_eq!(
        send_with_token(&kit.wealthyhood, token, &body).await.status,
        201
    );
    tokio::time::advance(Duration::from_secs(lifetime)).await;
    let expired = send_with_token(&kit.wealthyhood, token, &body).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body["code"], "TOKEN_EXPIRED");
}

#[tokio::test(start_paused = true)]
async fn btcdirect_partner_login_and_refresh_and_expiry() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.btcdirect;
    fake.link_identifier(IDENTIFIER);
    let client = reqwest::Client::new();
    let login = client
        .post(fake.token_url())
        .json(&json!({"username": BTCDIRECT_USERNAME, "password": BTCDIRECT_PASSWORD}));
    let (status, login) = exchange(login).await;
    let answered = |status: u16| {
        let part = format!("responses/{status}");
        oracle(
            Provider::BtcDirect,
            &operation_pointer("POST", "/api/v1/authenticate", &part),
        )
    };
    assert!(answered(status).is_valid(&login), "{login}");
    let wrong = client
        .post(fake.token_url())
        .json(&json!({"username": BTCDIRECT_USERNAME, "password": "wrong"}));
    let (status, refused) = exchange(wrong).await;
    assert_eq!(status, 401);
    assert!(answered(status).is_valid(&refused), "{refused}");
    let malformed = client.post(fake.token_url()).json(&json!({"username": 7}));
    assert_eq!(
        exchange(malformed).await.0,
        400,
        "the spec's request schema is enforced"
    );
    let body = &sample_body(Provider::BtcDirect);
    assert_eq!(
        send_with_token(fake, &login["token"], body).await.status,
        202
    );
    tokio::time::advance(Duration::from_secs(3_600)).await;
    let expired = send_with_token(fake, &login["token"], body).await;
    assert_eq!(codes(&expired.body), ["ER801"]);
    let refresh = || {
        client
            .post(format!("{}/api/v1/refresh", fake.url()))
            .json(&json!({"refreshToken": login["refreshToken"]}))
    };
    let (status, renewed) = exchange(refresh()).await;
    assert_eq!(status, 200);
    assert_eq!(
        send_with_token(fake, &renewed["token"], body).await.status,
        202
    );
    assert_eq!(
        exchange(refresh()).await.0,
        401,
        "a refresh token is spent once used"
    );
    assert_eq!(fake.requests_to(Endpoint::Refresh).len(), 2);
}

#[tokio::test]
async fn faults_play_for_the_next_n_calls_then_stop() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.bitpanda;
    fake.fail_next(2, Fault::too_many_requests(3));
    let first = send_user(fake, &byol("a")).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.headers["retry-after"], "3");
    assert_eq!(send_user(fake, &byol("a")).await.status, 429);
    assert_eq!(send_user(fake, &byol("a")).await.status, 201);
    fake.assert_outcome_count(Outcome::Throttled, 2);
    fake.assert_one_create_for_external_id("a");
}

#[tokio::test]
async fn faults_play_for_calls_a_predicate_picks() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.bitpanda;
    fake.fail_when(
        |call| call.json_str("/external_id") == Some("unlucky"),
        Fault::maintenance_text(),
    );
    let answer = send_user(fake, &byol("unlucky")).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(send_user(fake, &byol("lucky")).await.status, 201);
    assert_eq!(send_user(fake, &byol("unlucky")).await.status, 503);
    fake.clear_faults();
    assert_eq!(send_user(fake, &byol("unlucky")).await.status, 201);
}

#[tokio::test]
async fn a_500_after_create_keeps_the_user_and_the_retry_meets_a_conflict() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.bitpanda;
    fake.fail_next(1, Fault::ServerErrorAfterCreate);
    let failed = send_user(fake, &byol("kept")).await;
    assert_eq!(failed.status, 500);
    assert_eq!(fake.users().len(), 1);
    assert_eq!(send_user(fake, &byol("kept")).await.status, 409);
    let requests = fake.user_requests();
    assert_eq!(requests[0].outcome(), Outcome::Created);
    assert_eq!(requests[0].answer(), Answer::Status(500));
}

#[tokio::test]
async fn an_off_spec_success_still_creates_and_fails_the_response_schema() {
    let kit = onboarding_testkit::start().await;
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        fake.fail_next(1, Fault::OffSpecSuccess(OffSpecBody::Default));
        let answer = send_user(fake, &sample_body(provider)).await;
        let (status, outcome) = provider.success();
        assert_eq!(answer.status, status);
        assert!(
            !response_oracle(provider, status).is_valid(&answer.body),
            "{provider}: {}",
            answer.body
        );
        fake.assert_outcome_count(outcome, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_comes_after_the_delay_on_tokio_time() {
    let kit = onboarding_testkit::start().await;
    kit.bitpanda
        .fail_next(1, Fault::Slow(Duration::from_secs(40)));
    let started = tokio::time::Instant::now();
    assert_eq!(send_user(&kit.bitpanda, &byol("slow")).await.status, 201);
    // Tokio's paused clock: the kit's delay, not the machine's speed.
    let slept = started.elapsed();
    assert!(slept >= Duration::from_secs(40), "{slept:?}");
}

#[tokio::test(start_paused = true)]
async fn no_answer_after_create_holds_until_the_client_gives_up() {
    let kit = onboarding_testkit::start().await;
    kit.bitpanda.fail_next(1, Fault::NoAnswerAfterCreate);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let bearer = format!("Bearer {}", kit.bitpanda.access_token());
    let error = client
        .post(format!("{}/v2/users", kit.bitpanda.url()))
        .header("authorization", bearer)
        .json(&byol("held"))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(kit.bitpanda.users().len(), 1);
    assert_eq!(kit.bitpanda.user_requests()[0].answer(), Answer::NoAnswer);
}

#[tokio::test]
async fn a_reset_connection_fails_the_request_and_creates_nothing() {
    let kit = onboarding_testkit::start().await;
    kit.wealthyhood.fail_next(1, Fault::ResetConnection);
    let bearer = format!("Bearer {}", kit.wealthyhood.access_token());
    let error = reqwest::Client::new()
        .post(format!("{}/users", kit.wealthyhood.url()))
        .header("authorization", bearer)
        .json(&sample_body(Provider::Wealthyhood))
        .send()
        .await
        .unwrap_err();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    let mut reset = false;
    while let Some(cause) = source {
        reset |= cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionReset);
        source = cause.source();
    }
    assert!(reset, "{error:?}");
    assert!(kit.wealthyhood.users().is_empty());
    kit.wealthyhood.assert_outcome_count(Outcome::Reset, 1);
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_throttles_with_retry_after_and_refills() {
    let kit = onboarding_testkit::start().await;
    kit.bitpanda.set_rate_limit(Some(RateLimit {
        per_second: 2.0,
        burst: 2.0,
        retry_after: 1,
    }));
    let statuses = [
        send_user(&kit.bitpanda, &byol("r1")).await,
        send_user(&kit.bitpanda, &byol("r2")).await,
        send_user(&kit.bitpanda, &byol("r3")).await,
    ];
    assert_eq!(statuses.each_ref().map(|a| a.status), [201, 201, 429]);
    assert_eq!(statuses[2].headers["retry-after"], "1");
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(send_user(&kit.bitpanda, &byol("r3")).await.status, 201);
}

#[tokio::test]
async fn documented_btcdirect_errors_carry_the_pages_words() {
    let kit = onboarding_testkit::start().await;
    kit.btcdirect.fail_next(1, Fault::documented(400, "ER085"));
    let answer = send_user(&kit.btcdirect, &sample_body(Provider::BtcDirect)).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body["errors"]["ER085"]["message"],
        "User is not 18 years old yet."
    );
    kit.btcdirect.assert_outcome_count(Outcome::Documented, 1);
}

#[tokio::test]
async fn the_journal_debug_shows_no_tokens_and_no_personal_data() {
    let kit = onboarding_testkit::start().await;
    let token = kit.bitpanda.access_token();
    let body = sample_body(Provider::Bitpanda);
    send(
        &kit.bitpanda,
        "POST",
        "/v2/users",
        &[("authorization", &format!("Bearer {token}"))],
        &body,
    )
    .await;
    let requests = kit.bitpanda.requests();
    let printed = format!("{requests:?} {:?}", kit.bitpanda.users());
    for secret in [
        token.as_str(),
        "username@domain.com",
        "Pascal",
        "+33123123412",
    ] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
    assert!(printed.contains("first_name"), "keys are shown: {printed}");
    assert_eq!(requests[0].json_str("/last_name"), Some("Pascal"));
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}

#[tokio::test(start_paused = true)]
async fn a_picker_chooses_faults_per_call_and_no_answer_creates_nothing() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.bitpanda;
    fake.fail_with(|call| match call.json_str("/external_id") {
        Some("silent") => Some(Fault::NoAnswer),
        Some("busy") if call.sequence() == 1 => Some(Fault::too_many_requests(1)),
        _ => None,
    });
    assert_eq!(send_user(fake, &byol("fine")).await.status, 201);
    assert_eq!(send_user(fake, &byol("busy")).await.status, 429);
    assert_eq!(send_user(fake, &byol("busy")).await.status, 201);
    let bearer = format!("Bearer {}", fake.access_token());
    let unanswered = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .post(format!("{}/v2/users", fake.url()))
        .header("authorization", bearer)
        .json(&byol("silent"))
        .send()
        .await
        .unwrap_err();
    assert!(unanswered.is_timeout(), "{unanswered}");
    assert_eq!(fake.users().len(), 2);
    fake.assert_outcome_count(Outcome::Unanswered, 1);
}

#[tokio::test]
async fn a_keys_only_journal_keeps_what_the_assertions_need() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.bitpanda;
    fake.set_journal_detail(onboarding_testkit::JournalDetail::Keys);
    let body = with(
        sample_body(Provider::Bitpanda),
        "external_id",
        json!("kept-1"),
    );
    assert_eq!(send_user(fake, &body).await.status, 201);
    fake.assert_one_create_for_external_id("kept-1");
    let request = &fake.user_requests()[0];
    assert_eq!(
        request.json(),
        Some(&json!({"external_id": "kept-1", "email": "username@domain.com"}))
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(fake.users()[0].body(), request.json().unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_btcdirect_user_token_expires_on_tokio_time() {
    let kit = onboarding_testkit::start().await;
    let fake = &kit.btcdirect;
    let user = format!("Bearer {}", fake.user_token(IDENTIFIER));
    let (method, path) = Provider::BtcDirect.user_operation();
    let headers = [
        ("x-api-key", BTCDIRECT_API_KEY),
        ("user-authorization", user.as_str()),
    ];
    let body = sample_body(Provider::BtcDirect);
    assert_eq!(send(fake, method, path, &headers, &body).await.status, 202);
    tokio::time::advance(fake.token_lifetime()).await;
    let expired = send(fake, method, path, &headers, &body).await;
    assert_eq!(codes(&expired.body), ["ER701"]);
}

#[tokio::test]
async fn an_echoing_error_repeats_the_request_value_in_each_providers_shape() {
    let kit = onboarding_testkit::start().await;
    let echo = "The value 'echo.me@example.com' is not accepted.";
    for provider in Provider::ALL {
        let fake = kit.fake(provider);
        let body = with(sample_body(provider), "email", json!("echo.me@example.com"));
        let code = if provider == Provider::BtcDirect {
            "ER001"
        } else {
            "invalid_email"
        };
        fake.fail_next(1, Fault::echoing(400, code, "/email"));
        let answer = send_user(fake, &body).await;
        assert_eq!(answer.status, 400, "{provider}");
        let message = match provider {
            Provider::Bitpanda => &answer.body["errors"][0]["detail"],
            Provider::Wealthyhood => &answer.body["message"],
            Provider::BtcDirect => &answer.body["errors"]["ER001"]["message"],
        };
        assert_eq!(message, echo, "{provider}: {}", answer.body);
        assert!(
            response_oracle(provider, 400).is_valid(&answer.body),
            "{provider}: {}",
            answer.body
        );
        fake.assert_outcome_count(Outcome::Documented, 1);
    }
    assert_eq!(
        kit.btcdirect.requests().len(),
        1,
        "the echoing error is played instead of handling"
    );
}

#[test]
fn one_of_each_fault_kind_is_listed() {
    let faults = Fault::one_of_each();
    let kinds: std::collections::BTreeSet<String> = faults
        .iter()
        .map(|fault| {
            format!("{fault:?}")
                .split([' ', '(', '{'])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds.len(), 10, "{kinds:?}");
}

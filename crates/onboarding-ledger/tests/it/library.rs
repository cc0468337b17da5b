//! `Ledger::create_user` around the facade, against the kit: at most one create per key.

use onboarding_ledger::{
    Access, ClientSettings, CreateClient, Credentials, Ledger, LedgerError, Provider, State, User,
};
use onboarding_testkit::{CLIENT_ID, CLIENT_SECRET, Fault, TestKit, WEALTHYHOOD_AUDIENCE};

fn user(n: usize) -> User {
    User::from_json(serde_json::json!({
        "email": format!("person{n}@example.com"),
        "given_names": ["Maria"],
        "family_name": "Papadopoulou",
        "date_of_birth": "1985-11-02",
        "country_of_residence": "GR",
        "language": "en"
    }))
    .unwrap()
}

fn client(kit: &TestKit) -> CreateClient {
    CreateClient::new(
        Provider::Wealthyhood,
        &ClientSettings {
            base_url: kit.wealthyhood.url(),
            timeout: Some(std::time::Duration::from_secs(2)),
        },
        Credentials::Auth0 {
            issuer: kit.wealthyhood.url(),
            audience: WEALTHYHOOD_AUDIENCE.into(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        },
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_create_per_key_and_a_reused_key_is_refused() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(
        &dir.path().join("l.db").display().to_string(),
        Access::Write,
    )
    .await
    .unwrap();
    let client = client(&kit);
    {
        let first = ledger.create_user(&client, "c-1", &user(1)).await.unwrap();
        assert_eq!(first.state, State::Created);
        assert!(first.sent);
        let id = first.provider_id.clone().unwrap();
        assert_eq!(kit.wealthyhood.users()[0].id(), id);

        let second = ledger.create_user(&client, "c-1", &user(1)).await.unwrap();
        assert_eq!(second.state, State::Created);
        assert!(!second.sent, "answered from the ledger");
        assert_eq!(second.provider_id.as_deref(), Some(id.as_str()));
        assert_eq!(kit.wealthyhood.user_requests().len(), 1);

        match ledger.create_user(&client, "c-1", &user(2)).await {
            Err(LedgerError::KeyReused { key }) => assert_eq!(key, "c-1"),
            other => panic!("expected KeyReused, got {other:?}"),
        }
        assert_eq!(kit.wealthyhood.user_requests().len(), 1, "nothing sent");

        // A create answered 500 after it was applied: reconcile first, so in doubt, and a
        // second call does not resend it.
        kit.wealthyhood.fail_next(1, Fault::ServerErrorAfterCreate);
        let doubt = ledger.create_user(&client, "c-3", &user(3)).await.unwrap();
        assert_eq!(doubt.state, State::InDoubt);
        assert_eq!(doubt.error_kind.as_deref(), Some("server_error"));
        let again = ledger.create_user(&client, "c-3", &user(3)).await.unwrap();
        assert_eq!(again.state, State::InDoubt);
        assert!(!again.sent);
        assert_eq!(kit.wealthyhood.creates_for_email("person3@example.com"), 1);
    }
    ledger.close().await;
}

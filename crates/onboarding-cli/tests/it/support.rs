//! Running `onboard` against the kit: input files, the environment, the child process, and
//! reading `onboard report --format jsonl`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use onboarding_testkit::{CLIENT_ID, CLIENT_SECRET, TestKit, WEALTHYHOOD_AUDIENCE};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// The built binary.
pub const ONBOARD: &str = env!("CARGO_BIN_EXE_onboard");

/// A Bitpanda user (Investment as a Service) with this e-mail and, when given, `external_id`.
pub fn bitpanda_user(key: &str, n: usize, external_id: bool) -> Value {
    let mut user = json!({
        "key": key,
        "email": format!("person{n}@example.com"),
        "phone": "+306912345678",
        "given_names": ["Maria"],
        "family_name": "Papadopoulou",
        "date_of_birth": "1985-11-02",
        "language": "el",
        "citizenship": "GR",
        "country_of_residence": "GR",
        "bitpanda": {
            "mode": "investment_as_a_service",
            "terms": [1, 2],
            "aml": [{ "question_id": 1, "answer_id": 3 }],
            "appropriateness": [{ "question_id": 10, "answer_id": 41 }],
            "verification": {
                "report": "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a93",
                "files": ["7d9e2a41-0b6c-4e58-8f13-5a2c9d7e6b04"],
                "provider": "idnow",
                "token": "TST-GRPAP",
                "issuing_date": "2019-05-14",
                "issuing_authority": "Hellenic Police",
                "issuing_country": "GR",
                "expiration_date": "2029-05-13",
                "verification_date": "2024-03-01",
                "address": {
                    "street": "Ermou 25",
                    "city": "Athens",
                    "zip_code": "10563",
                    "country_of_residence": "GR"
                },
                "gender": "female",
                "birth_date": "1985-11-02",
                "birth_place": "Athens",
                "national_id": "AK123456",
                "document_type": "id_card",
                "language": "el"
            }
        }
    });
    if external_id {
        user["external_id"] = json!(format!("ext-{n}"));
    }
    user
}

/// A Wealthyhood user with this e-mail.
pub fn wealthyhood_user(key: &str, n: usize) -> Value {
    json!({
        "key": key,
        "email": format!("person{n}@example.com"),
        "given_names": ["Maria"],
        "family_name": "Papadopoulou",
        "date_of_birth": "1985-11-02",
        "country_of_residence": "GR",
        "language": "en"
    })
}

/// Writes `lines` as JSON Lines.
pub fn write_lines(path: &Path, lines: &[Value]) {
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// The `onboard` command with the kit's credentials in the environment (and nothing inherited
/// that could steer it).
pub fn onboard(kit: &TestKit) -> Command {
    let mut command = Command::new(ONBOARD);
    command
        .env_remove("ONBOARD_TEST_HOOK")
        .env_remove("ONBOARDING_LEDGER_URL")
        .env("ONBOARDING_BITPANDA_TOKEN_URL", kit.bitpanda.token_url())
        .env("ONBOARDING_BITPANDA_CLIENT_ID", CLIENT_ID)
        .env("ONBOARDING_BITPANDA_CLIENT_SECRET", CLIENT_SECRET)
        .env("ONBOARDING_WEALTHYHOOD_ISSUER", kit.wealthyhood.url())
        .env("ONBOARDING_WEALTHYHOOD_AUDIENCE", WEALTHYHOOD_AUDIENCE)
        .env("ONBOARDING_WEALTHYHOOD_CLIENT_ID", CLIENT_ID)
        .env("ONBOARDING_WEALTHYHOOD_CLIENT_SECRET", CLIENT_SECRET)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// `onboard batch` arguments for `provider` at the kit.
pub fn batch_args(kit: &TestKit, provider: &str, ledger: &str, file: &Path) -> Vec<String> {
    let url = if provider == "bitpanda" {
        kit.bitpanda.url()
    } else {
        kit.wealthyhood.url()
    };
    vec![
        "batch".into(),
        "--provider".into(),
        provider.into(),
        "--base-url".into(),
        url,
        "--ledger".into(),
        ledger.into(),
        "--timeout".into(),
        "0.5".into(),
        "--lease".into(),
        "0.6".into(),
        file.display().to_string(),
    ]
}

/// What a finished run said.
#[derive(Debug)]
pub struct Ran {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `onboard` with `args` to its end.
pub async fn run(kit: &TestKit, args: &[String]) -> Ran {
    let output = onboard(kit).args(args).output().await.unwrap();
    Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Starts `onboard` with `args` and piped stderr.
pub fn spawn(kit: &TestKit, args: &[String], hook: Option<&str>) -> Child {
    let mut command = onboard(kit);
    command
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(hook) = hook {
        command.env("ONBOARD_TEST_HOOK", hook);
    }
    command.spawn().unwrap()
}

/// `onboard report --format jsonl` (optionally for one state), as key → object.
pub async fn report(kit: &TestKit, ledger: &str, state: Option<&str>) -> BTreeMap<String, Value> {
    let mut args: Vec<String> = vec![
        "report".into(),
        "--ledger".into(),
        ledger.into(),
        "--format".into(),
        "jsonl".into(),
    ];
    if let Some(state) = state {
        args.extend(["--state".into(), state.into()]);
    }
    let ran = run(kit, &args).await;
    assert_eq!(ran.code, 0, "report failed: {}", ran.stderr);
    ran.stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap();
            (value["key"].as_str().unwrap().to_owned(), value)
        })
        .collect()
}

/// A SQLite ledger path in `dir`.
pub fn sqlite_ledger(dir: &Path) -> String {
    let path: PathBuf = dir.join("ledger.db");
    path.display().to_string()
}

/// Sets `flag` to `value` in `args` (replacing it when present, else inserting it after the
/// subcommand).
pub fn set_flag(args: &mut Vec<String>, flag: &str, value: &str) {
    match args.iter().position(|a| a == flag) {
        Some(at) => args[at + 1] = value.to_owned(),
        None => {
            args.insert(1, value.to_owned());
            args.insert(1, flag.to_owned());
        }
    }
}

//! The `onboard` binary: register or update one user, or onboard many from a JSON Lines (or CSV) file through a
//! durable ledger that survives a crash.
//!
//! - `onboard create` / `onboard update`: one user from a JSON file of the neutral model;
//! - `onboard batch`: every line of a file, resumable after any interruption;
//! - `onboard report`: what happened to each key, without personal data;
//! - `onboard reconcile`: what each provider allows for the users in doubt.
//!
//! See `onboard --help` and the README section "For operators: onboarding many users".

use onboarding_cli::{batch, exit, report};

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use onboarding_ledger::{
    Access, CREDENTIAL_VARIABLES, ClientSettings, CreateClient, Ledger, LedgerError, Provider,
    State, User, reconcile,
};

/// A provider that creates users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Creator {
    /// Bitpanda (`POST /v2/users`).
    Bitpanda,
    /// Wealthyhood (`POST /users`).
    Wealthyhood,
}

impl From<Creator> for Provider {
    fn from(creator: Creator) -> Self {
        match creator {
            Creator::Bitpanda => Provider::Bitpanda,
            Creator::Wealthyhood => Provider::Wealthyhood,
        }
    }
}

/// A provider that updates users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Updater {
    /// BTC Direct (`PATCH /api/v2/user`).
    Btcdirect,
}

/// A provider, for `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AnyProvider {
    /// Bitpanda.
    Bitpanda,
    /// Wealthyhood.
    Wealthyhood,
    /// BTC Direct.
    Btcdirect,
}

impl From<AnyProvider> for Provider {
    fn from(provider: AnyProvider) -> Self {
        match provider {
            AnyProvider::Bitpanda => Provider::Bitpanda,
            AnyProvider::Wealthyhood => Provider::Wealthyhood,
            AnyProvider::Btcdirect => Provider::BtcDirect,
        }
    }
}

/// A state name, for `report --state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
enum StateArg {
    /// Loaded, never sent.
    Pending,
    /// Held by a live worker.
    InFlight,
    /// Created, with the provider's id.
    Created,
    /// Exists at the provider, proved by a safe resend.
    ConfirmedExisting,
    /// Refused (validation or provider).
    Rejected,
    /// Waiting to be sent again.
    RetryLater,
    /// May exist: for a person or `onboard reconcile`.
    InDoubt,
}

impl From<StateArg> for State {
    fn from(state: StateArg) -> Self {
        match state {
            StateArg::Pending => State::Pending,
            StateArg::InFlight => State::InFlight,
            StateArg::Created => State::Created,
            StateArg::ConfirmedExisting => State::ConfirmedExisting,
            StateArg::Rejected => State::Rejected,
            StateArg::RetryLater => State::RetryLater,
            StateArg::InDoubt => State::InDoubt,
        }
    }
}

fn seconds(value: &str) -> Result<Duration, String> {
    let secs: f64 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

/// Register users with Bitpanda or Wealthyhood, or update them with BTC Direct.
#[derive(Debug, Parser)]
#[command(name = "onboard", version, after_help = after_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn after_help() -> String {
    format!("{CREDENTIAL_VARIABLES}\n\n{}", exit::TABLE)
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create one user from a JSON file of the neutral model; prints one JSON line.
    #[command(after_help = after_help())]
    Create {
        /// The provider.
        #[arg(long)]
        provider: Creator,
        /// The provider's base URL.
        #[arg(long)]
        base_url: String,
        /// Record the create in this ledger under `--key` (at most once per key).
        #[arg(
            long,
            env = "ONBOARDING_LEDGER_URL",
            hide_env_values = true,
            requires = "key"
        )]
        ledger: Option<String>,
        /// The caller's id for the person (with `--ledger`).
        #[arg(long)]
        key: Option<String>,
        /// The timeout of one request, in seconds.
        #[arg(long, value_parser = seconds, default_value = "30")]
        timeout: Duration,
        /// The user, as JSON.
        file: PathBuf,
    },
    /// Update one user with BTC Direct from a JSON file; prints one JSON line.
    #[command(after_help = after_help())]
    Update {
        /// The provider.
        #[arg(long)]
        provider: Updater,
        /// The provider's base URL.
        #[arg(long)]
        base_url: String,
        /// The timeout of one request, in seconds.
        #[arg(long, value_parser = seconds, default_value = "30")]
        timeout: Duration,
        /// The update, as JSON.
        file: PathBuf,
    },
    /// Create every user of a JSON Lines file (each object a user with a `key`) or of a `.csv`
    /// file (a header row of the same field names, dotted for nested ones), through the ledger:
    /// run it again after any interruption and it carries on.
    #[command(after_help = after_help())]
    Batch {
        /// The provider.
        #[arg(long)]
        provider: Creator,
        /// The provider's base URL.
        #[arg(long, required_unless_present = "load_only")]
        base_url: Option<String>,
        /// The ledger: a SQLite file path or `sqlite://PATH`, or `postgres://…`.
        #[arg(long, env = "ONBOARDING_LEDGER_URL", hide_env_values = true)]
        ledger: String,
        /// Requests in flight at most.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
        concurrency: u16,
        /// Only load the file into the ledger (once, before starting several workers).
        #[arg(long)]
        load_only: bool,
        /// How long a claimed row stays this worker's without a heartbeat, in seconds.
        #[arg(long, value_parser = seconds, default_value = "30")]
        lease: Duration,
        /// The timeout of one request, in seconds.
        #[arg(long, value_parser = seconds, default_value = "30")]
        timeout: Duration,
        /// Attempts per row before a `retry_later` row is left for a later run.
        #[arg(long, default_value_t = 5)]
        max_attempts: u32,
        /// Requests per second at most (the provider's rate limit).
        #[arg(long)]
        rate: Option<f64>,
        /// This worker's name, as `onboard report` shows it.
        #[arg(long, default_value = "worker")]
        worker: String,
        /// The JSON Lines file, or a CSV file (name ending in `.csv`) with a header row.
        file: PathBuf,
    },
    /// Show what happened to each key (no personal data).
    Report {
        /// The ledger.
        #[arg(long, env = "ONBOARDING_LEDGER_URL", hide_env_values = true)]
        ledger: String,
        /// Only this provider's rows.
        #[arg(long)]
        provider: Option<AnyProvider>,
        /// Only rows in this state.
        #[arg(long)]
        state: Option<StateArg>,
        /// The output format.
        #[arg(long, value_enum, default_value = "table")]
        format: report::Format,
    },
    /// Apply each provider's documented rule to every in_doubt row: Bitpanda with an
    /// external_id is resent (a 409 proves the user exists), BTC Direct's PATCH is idempotent,
    /// Wealthyhood and Bitpanda without an external_id stay in doubt for a person.
    #[command(after_help = after_help())]
    Reconcile {
        /// The ledger.
        #[arg(long, env = "ONBOARDING_LEDGER_URL", hide_env_values = true)]
        ledger: String,
        /// The provider.
        #[arg(long)]
        provider: AnyProvider,
        /// The provider's base URL.
        #[arg(long)]
        base_url: String,
        /// The timeout of one request, in seconds.
        #[arg(long, value_parser = seconds, default_value = "30")]
        timeout: Duration,
        /// The batch's input file, needed to resend (the ledger keeps no body).
        file: Option<PathBuf>,
    },
}

fn ledger_code(error: &LedgerError) -> u8 {
    match error {
        LedgerError::KeyReused { .. } => exit::REJECTED,
        LedgerError::InProgress { .. } => exit::UNFINISHED,
        _ => exit::LEDGER,
    }
}

fn read_json(file: &PathBuf) -> Result<serde_json::Value, (u8, String)> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| (exit::INPUT, format!("{}: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        (
            exit::INPUT,
            format!(
                "{}: not JSON at line {}, column {}",
                file.display(),
                e.line(),
                e.column()
            ),
        )
    })
}

async fn run(command: Command) -> Result<u8, (u8, String)> {
    match command {
        Command::Create {
            provider,
            base_url,
            ledger,
            key,
            timeout,
            file,
        } => {
            let user = User::from_json(read_json(&file)?).map_err(|not| {
                (
                    exit::FAILED,
                    format!(
                        "{}: a value does not fit the model (fields: {})",
                        file.display(),
                        not.fields.join(",")
                    ),
                )
            })?;
            let settings = ClientSettings {
                base_url,
                timeout: Some(timeout),
            };
            let client = CreateClient::from_env(provider.into(), &settings)
                .map_err(|e| (exit::CONFIGURATION, e))?;
            match (ledger, key) {
                (Some(ledger), Some(key)) => {
                    let ledger = Ledger::open(&ledger, Access::Write)
                        .await
                        .map_err(|e| (ledger_code(&e), e.to_string()))?;
                    let recorded = ledger
                        .create_user(&client, &key, &user)
                        .await
                        .map_err(|e| (ledger_code(&e), e.to_string()))?;
                    ledger.close().await;
                    println!(
                        "{}",
                        serde_json::json!({
                            "provider": client.provider().name(),
                            "key": key,
                            "state": recorded.state.name(),
                            "id": recorded.provider_id,
                            "sent": recorded.sent,
                        })
                    );
                    Ok(match recorded.state {
                        State::Created | State::ConfirmedExisting => exit::OK,
                        State::InDoubt => exit::IN_DOUBT,
                        State::Rejected => exit::REJECTED,
                        _ => exit::UNFINISHED,
                    })
                }
                _ => {
                    let line = client
                        .create_reported(&user)
                        .await
                        .map_err(|e| (exit::FAILED, e))?;
                    println!("{line}");
                    Ok(exit::OK)
                }
            }
        }
        Command::Update {
            provider: Updater::Btcdirect,
            base_url,
            timeout,
            file,
        } => {
            let settings = ClientSettings {
                base_url,
                timeout: Some(timeout),
            };
            let line = onboarding_ledger::update_one(&settings, read_json(&file)?)
                .await
                .map_err(|e| (exit::FAILED, e))?;
            println!("{line}");
            Ok(exit::OK)
        }
        Command::Batch {
            provider,
            base_url,
            ledger,
            concurrency,
            load_only,
            lease,
            timeout,
            max_attempts,
            rate,
            worker,
            file,
        } => {
            let options = batch::Options {
                provider: provider.into(),
                base_url,
                ledger,
                concurrency: usize::from(concurrency),
                load_only,
                lease: lease.max(Duration::from_millis(300)),
                timeout,
                max_attempts: i64::from(max_attempts),
                rate,
                worker: worker.clone(),
                file,
                reconcile_only: false,
                credentials: None,
            };
            let summary = batch::run(&options)
                .await
                .map_err(|e| (e.code(), e.to_string()))?;
            print!("{}", summary.table(&worker));
            Ok(if load_only { exit::OK } else { summary.code() })
        }
        Command::Report {
            ledger,
            provider,
            state,
            format,
        } => {
            let ledger = Ledger::open(&ledger, Access::Read)
                .await
                .map_err(|e| (ledger_code(&e), e.to_string()))?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            report::write(
                &ledger,
                provider.map(Into::into),
                state.map(Into::into),
                format,
                &mut out,
            )
            .await
            .map_err(|e| (exit::FAILED, e.to_string()))?;
            std::io::Write::flush(&mut out).map_err(|e| (exit::FAILED, e.to_string()))?;
            Ok(exit::OK)
        }
        Command::Reconcile {
            ledger,
            provider,
            base_url,
            timeout,
            file,
        } => reconcile_command(ledger, provider.into(), base_url, timeout, file).await,
    }
}

/// `onboard reconcile`.
async fn reconcile_command(
    ledger_url: String,
    provider: Provider,
    base_url: String,
    timeout: Duration,
    file: Option<PathBuf>,
) -> Result<u8, (u8, String)> {
    let failed = |e: LedgerError| (ledger_code(&e), e.to_string());
    if provider == Provider::BtcDirect {
        println!(
            "btcdirect: its PATCH is idempotent; send the same update again with `onboard update` \
             for any key in doubt"
        );
    }
    let mut resent = 0;
    if reconcile::rule(provider, true) == reconcile::Rule::Resend && provider != Provider::BtcDirect
    {
        match file {
            Some(file) => {
                let options = batch::Options {
                    provider,
                    base_url: Some(base_url),
                    ledger: ledger_url.clone(),
                    concurrency: 8,
                    load_only: false,
                    lease: Duration::from_secs(30),
                    timeout,
                    max_attempts: i64::from(u32::MAX),
                    rate: None,
                    worker: "reconcile".into(),
                    file,
                    reconcile_only: true,
                    credentials: None,
                };
                let summary = batch::run(&options)
                    .await
                    .map_err(|e| (e.code(), e.to_string()))?;
                for (state, count) in &summary.mine {
                    println!("{provider}: resent (external_id), now {state}: {count}");
                    resent += count;
                }
            }
            None => println!(
                "{provider}: rows with an external_id may be resent safely; give the batch's \
                 input FILE to resend them (the ledger keeps no body)"
            ),
        }
    }
    let ledger = Ledger::open(&ledger_url, Access::Write)
        .await
        .map_err(failed)?;
    if ledger.backend() == onboarding_ledger::Backend::Sqlite {
        ledger.expire_leases(provider, true).await.map_err(failed)?;
    } else {
        ledger
            .expire_leases(provider, false)
            .await
            .map_err(failed)?;
    }
    let mut out = Vec::new();
    let left = report::write(
        &ledger,
        Some(provider),
        Some(State::InDoubt),
        report::Format::Table,
        &mut out,
    )
    .await
    .map_err(failed)?;
    ledger.close().await;
    println!("{provider}: resent {resent}; left in doubt for a person: {left}");
    if left > 0 {
        print!("{}", String::from_utf8_lossy(&out));
        Ok(exit::IN_DOUBT)
    } else {
        Ok(exit::OK)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    match run(cli.command).await {
        Ok(code) => ExitCode::from(code),
        Err((code, message)) => {
            eprintln!("onboard: {message}");
            ExitCode::from(code)
        }
    }
}

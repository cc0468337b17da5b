//! `onboard report`: what happened to each key, without personal data, as a table, CSV or
//! JSON Lines (one object per key: `key`, `provider`, `state`, and `provider_id` when created).

use std::io::Write;

use onboarding_ledger::{Ledger, LedgerError, Provider, ReportRow, State};
use serde_json::{Map, Value};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// Comma-separated, with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The columns, in order.
const COLUMNS: [&str; 11] = [
    "provider",
    "key",
    "state",
    "line",
    "provider_id",
    "error_kind",
    "provider_codes",
    "fields",
    "attempts",
    "worker",
    "updated_at",
];

fn cells(row: &ReportRow) -> [String; 11] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        row.provider.clone(),
        row.key.clone(),
        row.state.clone(),
        row.line.to_string(),
        opt(&row.provider_id),
        opt(&row.error_kind),
        opt(&row.provider_codes),
        opt(&row.fields),
        row.attempts.to_string(),
        opt(&row.worker),
        row.updated_at.to_string(),
    ]
}

fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

fn json(row: &ReportRow) -> Value {
    let mut object = Map::new();
    object.insert("key".into(), row.key.clone().into());
    object.insert("provider".into(), row.provider.clone().into());
    object.insert("state".into(), row.state.clone().into());
    object.insert("line".into(), row.line.into());
    let mut optional = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            object.insert(name.into(), value.clone().into());
        }
    };
    optional("provider_id", &row.provider_id);
    optional("error_kind", &row.error_kind);
    let list = |value: &Option<String>| -> Value {
        value
            .as_deref()
            .map(|v| v.split(',').map(|s| Value::from(s.to_owned())).collect())
            .unwrap_or_else(|| Value::Array(Vec::new()))
    };
    object.insert("provider_codes".into(), list(&row.provider_codes));
    object.insert("fields".into(), list(&row.fields));
    object.insert("attempts".into(), row.attempts.into());
    if let Some(at) = row.retry_at {
        object.insert("retry_at".into(), at.into());
    }
    if let Some(worker) = &row.worker {
        object.insert("worker".into(), worker.clone().into());
    }
    object.insert("updated_at".into(), row.updated_at.into());
    Value::Object(object)
}

/// Writes every row (of `provider`, in `state`) to `out`, a page at a time.
pub async fn write(
    ledger: &Ledger,
    provider: Option<Provider>,
    state: Option<State>,
    format: Format,
    out: &mut impl Write,
) -> Result<u64, LedgerError> {
    let io = |e: std::io::Error| LedgerError::Database(format!("writing the report: {e}"));
    match format {
        Format::Csv => writeln!(out, "{}", COLUMNS.join(",")).map_err(io)?,
        Format::Table => writeln!(
            out,
            "{:<12} {:<24} {:<19} {:>7} {:<24} {:<22} {:<12} {:<20} {:>8}",
            "provider",
            "key",
            "state",
            "line",
            "provider_id",
            "error_kind",
            "codes",
            "fields",
            "attempts"
        )
        .map_err(io)?,
        Format::Jsonl => {}
    }
    let mut after: Option<(String, i64, String)> = None;
    let mut written = 0;
    loop {
        let page = ledger
            .report_page(
                provider,
                state,
                after.as_ref().map(|(p, l, k)| (p.as_str(), *l, k.as_str())),
                1000,
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.provider.clone(), last.line, last.key.clone()));
        for row in &page {
            written += 1;
            match format {
                Format::Jsonl => writeln!(out, "{}", json(row)).map_err(io)?,
                Format::Csv => {
                    let line: Vec<String> = cells(row).iter().map(|c| csv_cell(c)).collect();
                    writeln!(out, "{}", line.join(",")).map_err(io)?;
                }
                Format::Table => {
                    let c = cells(row);
                    writeln!(
                        out,
                        "{:<12} {:<24} {:<19} {:>7} {:<24} {:<22} {:<12} {:<20} {:>8}",
                        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]
                    )
                    .map_err(io)?;
                }
            }
        }
    }
    Ok(written)
}

//! What a batch shows while it runs: a bar with counts per state and the current rate on a
//! terminal, plain log lines every second otherwise.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use onboarding_ledger::State;

/// Counts of this run's outcomes, shared by the senders and the display.
#[derive(Debug, Default)]
pub struct Tally {
    counts: Mutex<BTreeMap<State, u64>>,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&self, state: State) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry(state).or_default() += 1;
    }

    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<State, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn line(counts: &BTreeMap<State, u64>, rate: f64) -> String {
    let mut parts: Vec<String> = counts
        .iter()
        .map(|(state, count)| format!("{state} {count}"))
        .collect();
    parts.push(format!("{rate:.0}/s"));
    parts.join(" · ")
}

/// Shows progress until dropped.
pub struct Progress {
    task: tokio::task::JoinHandle<()>,
    bar: Option<ProgressBar>,
    total: Arc<AtomicU64>,
}

impl Progress {
    /// Starts showing `tally` against `total` rows to settle.
    pub fn start(tally: Arc<Tally>, total: u64) -> Self {
        let shown_total = Arc::new(AtomicU64::new(total));
        let total = shown_total.clone();
        let terminal = std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(shown_total.load(Ordering::Relaxed)),
                ProgressDrawTarget::stderr(),
            );
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        let shown = bar.clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut last = (Instant::now(), 0u64);
            loop {
                tokio::time::sleep(Duration::from_millis(if terminal { 200 } else { 1000 })).await;
                let counts = tally.snapshot();
                let total = total.load(Ordering::Relaxed);
                let done: u64 = counts.values().sum();
                let now = Instant::now();
                let span = now.duration_since(last.0).as_secs_f64().max(1e-3);
                let rate = (done.saturating_sub(last.1)) as f64 / span;
                last = (now, done);
                match &shown {
                    Some(bar) => {
                        bar.set_length(total);
                        bar.set_position(done);
                        bar.set_message(line(&counts, rate));
                    }
                    None => eprintln!(
                        "progress: {done} of {total} settled after {:.0} s: {}",
                        started.elapsed().as_secs_f64(),
                        line(&counts, rate)
                    ),
                }
            }
        });
        Self {
            task,
            bar,
            total: shown_total,
        }
    }

    /// Adds `rows` to settle (rows loaded while the batch runs).
    pub fn add_total(&self, rows: u64) {
        self.total.fetch_add(rows, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

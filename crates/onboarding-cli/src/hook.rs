//! Test-only pause points: with `ONBOARD_TEST_HOOK=POINT:N` the process stops for good the
//! N-th time it reaches `POINT`, after printing `onboard-test-hook: POINT` on stderr, so a test
//! can `SIGKILL` it exactly there. Points: `after_in_flight_commit` (rows committed
//! `in_flight`, nothing sent yet) and `after_answer` (an answer received, its outcome not
//! committed).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a pause can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// A claim is committed; its requests are not sent.
    AfterInFlightCommit,
    /// An answer came back; its outcome is not committed.
    AfterAnswer,
}

impl Point {
    fn name(self) -> &'static str {
        match self {
            Point::AfterInFlightCommit => "after_in_flight_commit",
            Point::AfterAnswer => "after_answer",
        }
    }
}

static ASKED: OnceLock<Option<(String, u64)>> = OnceLock::new();
static REACHED: AtomicU64 = AtomicU64::new(0);

/// Pauses forever when the environment asks for it at this point, this time.
pub fn reached(point: Point) {
    let asked = ASKED.get_or_init(|| {
        let value = std::env::var("ONBOARD_TEST_HOOK").ok()?;
        let (name, count) = value.split_once(':').unwrap_or((&value, "1"));
        Some((name.to_owned(), count.parse().unwrap_or(1)))
    });
    let Some((name, count)) = asked else { return };
    if name != point.name() {
        return;
    }
    if REACHED.fetch_add(1, Ordering::SeqCst) + 1 == *count {
        eprintln!("onboard-test-hook: {}", point.name());
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

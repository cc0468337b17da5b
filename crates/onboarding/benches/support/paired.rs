//! Paired ratios: two routines timed in alternating rounds, so that a change of the machine's
//! speed during the run (another process starting, the CPU's clock) weighs on both alike.
//!
//! Criterion measures one routine after the other; on a shared machine the second may run at
//! another speed than the first, and their ratio moves by several per cent from one run to the
//! next. [`paired`] times `rounds` rounds; in each it runs both routines for the same number of
//! iterations (sized to take about `ROUND` each, the order swapped every round) and takes the
//! ratio of the two times. It reports the median of the rounds' ratios and their interquartile
//! range.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// About how long each routine runs in one round.
const ROUND: Duration = Duration::from_millis(20);

/// The median ratio `numerator / denominator` over the rounds and its interquartile range.
pub struct PairedRatio {
    /// `group/numerator / denominator`, as printed.
    pub label: String,
    /// The median of the rounds' ratios.
    pub median: f64,
    /// The 25th and 75th percentiles of the rounds' ratios.
    pub quartiles: (f64, f64),
    /// How many rounds were timed.
    pub rounds: usize,
}

/// Times `numerator` against `denominator` in `rounds` alternating rounds.
pub fn paired<A, B>(
    label: String,
    rounds: usize,
    numerator: &mut impl FnMut() -> A,
    denominator: &mut impl FnMut() -> B,
) -> PairedRatio {
    // Warm both up and size a round from the slower one.
    let iterations = {
        let started = Instant::now();
        let mut count = 0u64;
        while started.elapsed() < ROUND {
            black_box(numerator());
            black_box(denominator());
            count += 1;
        }
        count.max(1)
    };
    let time = |routine: &mut dyn FnMut()| {
        let started = Instant::now();
        for _ in 0..iterations {
            routine();
        }
        started.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|round| {
            let mut top = || {
                black_box(numerator());
            };
            let mut bottom = || {
                black_box(denominator());
            };
            if round % 2 == 0 {
                let a = time(&mut top);
                a / time(&mut bottom)
            } else {
                let b = time(&mut bottom);
                time(&mut top) / b
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |fraction: f64| ratios[((ratios.len() - 1) as f64 * fraction).round() as usize];
    PairedRatio {
        label,
        median: at(0.5),
        quartiles: (at(0.25), at(0.75)),
        rounds,
    }
}

/// Prints every paired ratio, one line each.
pub fn print_paired(ratios: &[PairedRatio]) {
    if ratios.is_empty() {
        return;
    }
    println!(
        "\npaired ratios (median of alternating rounds of about 20 ms each; 25th-75th percentile):"
    );
    for ratio in ratios {
        println!(
            "  {:<58} = {:.3}  [{:.3} .. {:.3}], {} rounds",
            ratio.label, ratio.median, ratio.quartiles.0, ratio.quartiles.1, ratio.rounds
        );
    }
}

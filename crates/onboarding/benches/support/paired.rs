//! Paired ratios: two routines timed in alternating rounds, so that a change of the machine's
//! speed during the run (another process starting, the CPU's clock) weighs on both alike.
//!
//! Criterion measures one routine after the other; on a shared machine the second may run at
//! another speed than the first, and their ratio moves by several per cent from one run to the
//! next. [`paired`] times `rounds` rounds; in each it runs both routines for the same number of
//! iterations (sized to take about `ROUND` each, the order swapped every round) and takes the
//! ratio of the two times. It reports the median of the rounds' ratios and their interquartile
//! range.

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

/// One routine of a benchmark: its name and one iteration (what it computes is dropped inside
/// it, so its drop is timed).
pub struct Routine<'r> {
    /// The benchmark's function name (`facade`, `generated_client`, ...).
    pub name: &'static str,
    /// One iteration.
    pub run: Box<dyn FnMut() + 'r>,
}

impl<'r> Routine<'r> {
    /// The routine `name` running `run`.
    pub fn plain(name: &'static str, run: impl FnMut() + 'r) -> Self {
        Self {
            name,
            run: Box::new(run),
        }
    }

    /// Seconds taken by `count` iterations.
    fn time(&mut self, count: usize) -> f64 {
        let started = Instant::now();
        for _ in 0..count {
            (self.run)();
        }
        started.elapsed().as_secs_f64()
    }
}

/// Times `numerator` against `denominator` in `rounds` alternating rounds.
pub fn paired(
    label: String,
    rounds: usize,
    numerator: &mut Routine<'_>,
    denominator: &mut Routine<'_>,
) -> PairedRatio {
    // Warm both up and size a round from the slower one.
    let iterations = {
        let started = Instant::now();
        let mut count = 0;
        while started.elapsed() < ROUND {
            numerator.time(1);
            denominator.time(1);
            count += 1;
        }
        count.max(1)
    };
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|round| {
            if round % 2 == 0 {
                let a = numerator.time(iterations);
                a / denominator.time(iterations)
            } else {
                let b = denominator.time(iterations);
                numerator.time(iterations) / b
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

//! Paired ratios: two routines timed in alternating rounds, so that a change of the machine's
//! speed during the run (another process starting, the CPU's clock) weighs on both alike.
//!
//! Criterion measures one routine after the other; on a shared machine the second may run at
//! another speed than the first, and their ratio moves by several per cent from one run to the
//! next. [`paired`] times `rounds` rounds; in each it runs both routines for the same number of
//! iterations (sized to take about `ROUND` each, the order swapped every round; each iteration's
//! input, such as the facade's own copy of the user, made before the clock starts) and takes the
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

/// One routine of a benchmark: its name, what each iteration is handed (made beforehand, not
/// timed) and the iteration itself.
pub struct Routine<'r, I> {
    /// The benchmark's function name (`facade`, `generated_client`, ...).
    pub name: &'static str,
    /// Makes the input of one iteration; not timed.
    pub setup: Box<dyn FnMut() -> I + 'r>,
    /// One iteration: what it returns is dropped inside it, so its drop is timed.
    pub run: Box<dyn FnMut(I) + 'r>,
}

impl<'r> Routine<'r, ()> {
    /// A routine that needs no input.
    pub fn plain(name: &'static str, mut run: impl FnMut() + 'r) -> Self {
        Self {
            name,
            setup: Box::new(|| ()),
            run: Box::new(move |()| run()),
        }
    }
}

impl<'r, T: Clone + 'r> Routine<'r, T> {
    /// A routine handed its own copy of `value` each iteration (the copy is made beforehand and
    /// not timed; dropping what is left of it is).
    pub fn owned(name: &'static str, value: &'r T, run: impl FnMut(T) + 'r) -> Self {
        Self {
            name,
            setup: Box::new(move || value.clone()),
            run: Box::new(run),
        }
    }
}

impl<I> Routine<'_, I> {
    /// The inputs of `count` iterations.
    pub fn inputs(&mut self, count: usize) -> Vec<I> {
        (0..count).map(|_| (self.setup)()).collect()
    }

    /// Seconds taken by `count` iterations, their inputs made beforehand.
    fn time(&mut self, count: usize) -> f64 {
        let inputs = self.inputs(count);
        let started = Instant::now();
        for input in inputs {
            (self.run)(input);
        }
        started.elapsed().as_secs_f64()
    }
}

/// Times `numerator` against `denominator` in `rounds` alternating rounds.
pub fn paired<A, B>(
    label: String,
    rounds: usize,
    numerator: &mut Routine<'_, A>,
    denominator: &mut Routine<'_, B>,
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

//! A provider's rate limit: a token bucket on Tokio's clock.

use std::time::Duration;

use tokio::time::Instant;

/// A rate limit on the user operation: `per_second` requests a second, at most `burst` saved
/// up (the bucket starts full), and over the limit `429` with `Retry-After: retry_after`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests admitted per second, on average.
    pub per_second: f64,
    /// The bucket's size: how many requests may come at once after a quiet spell.
    pub burst: f64,
    /// The `Retry-After` sent with each 429, in whole seconds.
    pub retry_after: u64,
}

impl RateLimit {
    /// `per_second` requests a second, a burst of as many, `Retry-After: 1`.
    pub fn per_second(per_second: f64) -> Self {
        Self {
            per_second,
            burst: per_second.max(1.0),
            retry_after: 1,
        }
    }
}

/// The bucket's state.
pub(crate) struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub(crate) fn new(limit: RateLimit, now: Instant) -> Self {
        Self {
            limit,
            tokens: limit.burst,
            last: now,
        }
    }

    pub(crate) fn retry_after(&self) -> u64 {
        self.limit.retry_after
    }

    /// Takes one token at `now`; `false` when the bucket is empty.
    pub(crate) fn take(&mut self, now: Instant) -> bool {
        let elapsed: Duration = now.saturating_duration_since(self.last);
        self.tokens =
            (self.tokens + elapsed.as_secs_f64() * self.limit.per_second).min(self.limit.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_bucket_refills_on_tokio_time() {
        let now = Instant::now();
        let mut bucket = Bucket::new(
            RateLimit {
                per_second: 2.0,
                burst: 2.0,
                retry_after: 1,
            },
            now,
        );
        assert!(bucket.take(now));
        assert!(bucket.take(now));
        assert!(!bucket.take(now));
        tokio::time::advance(Duration::from_millis(500)).await;
        assert!(bucket.take(Instant::now()));
        assert!(!bucket.take(Instant::now()));
    }
}

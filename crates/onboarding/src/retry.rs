//! When to try again, and how long to wait.
//!
//! The rule is documented on [`RetryPolicy`].

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::{Duration, SystemTime};

/// How many times, and how patiently, the facade retries a call.
///
/// # The retry rule, in full
///
/// - **429 Too Many Requests and 503 Unavailable** are retried, waiting the provider's
///   `Retry-After` (seconds or an HTTP date) capped at [`RetryPolicy::max_retry_after`], plus a
///   random spread of up to [`RetryPolicy::initial_backoff`] so callers throttled together do
///   not all come back in the same millisecond (never earlier than the provider asked); or
///   exponential backoff with full jitter when it sent none.
/// - **Connection failures before the request was sent** (refused, DNS, TLS handshake) are
///   retried with backoff: the provider never saw them.
/// - **A request that may have been applied** — sent with no answer (timeout, connection reset),
///   or answered with a 5xx other than 503 — is retried only when repeating it provably cannot
///   apply it twice: BTC Direct's `PATCH` (idempotent), and a Bitpanda create that carries an
///   `external_id` (Bitpanda rejects a second user with the same `external_id` with 409, so a 409
///   on such a retry means an earlier attempt created the user:
///   [`CreatedUser::ConfirmedExisting`](crate::CreatedUser::ConfirmedExisting)). Any other create
///   is returned at once as [`OutcomeUnknown`](crate::OnboardingError::OutcomeUnknown) or
///   [`ServerError`](crate::OnboardingError::ServerError) with
///   [`RetryAdvice::ReconcileFirst`](crate::RetryAdvice::ReconcileFirst), never repeated.
/// - **Wealthyhood's unique email does not make its create repeatable.** Its page says the email
///   "must be unique" but documents no error answer: the 409 for a duplicate is inferred, and an
///   email already registered may belong to an account the person opened elsewhere. So a conflict
///   cannot prove that an unanswered attempt of this call created the user, and an unanswered or
///   failed (5xx) Wealthyhood create is never resent: the caller reconciles first.
/// - Nothing else is retried (4xx are the caller's to fix).
/// - **A refused access token** (HTTP 401, or BTC Direct's ER701/ER702/ER800/ER801) is dropped
///   and the request sent again at once with a renewed token, at most once per call; a second
///   refusal, a renewal that gives back the same token, or a fixed credential ends the call as
///   [`Unauthorized`](crate::OnboardingError::Unauthorized).
/// - Every attempt reads its token from the cache, so one that expired during a wait is renewed
///   before the next attempt, never sent expired.
/// - Attempts stop at [`RetryPolicy::max_attempts`], and no wait starts that would end after
///   [`RetryPolicy::max_total`] from the first attempt. Both hold for the **whole call**: the
///   attempt after a renewal counts like any other, and a call whose budget is spent does not
///   renew.
///
/// Build one from [`RetryPolicy::default`] (or [`RetryPolicy::never`]) and the `with_…`
/// setters; fields may be added, so it is not built literally outside this crate:
///
/// ```
/// use std::time::Duration;
/// use onboarding::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_max_total(Duration::from_secs(20));
/// assert_eq!(policy.max_attempts, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first and a token renewal's included (1 = never retry).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; doubles each retry.
    pub initial_backoff: Duration,
    /// The largest backoff between two attempts.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a larger one is cut to this.
    pub max_retry_after: Duration,
    /// No retry is started whose wait would end later than this after the first attempt.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms initial backoff up to 5 s, `Retry-After` capped at 30 s, 60 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            max_total: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: one attempt, so a refused token is not renewed within the
    /// call either (it is dropped, and the next call renews it).
    pub fn never() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// This policy with [`max_attempts`](Self::max_attempts) set: attempts in all, the first
    /// and a renewal's included (0 is taken as 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// This policy with [`initial_backoff`](Self::initial_backoff) set.
    #[must_use]
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// This policy with [`max_backoff`](Self::max_backoff) set.
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// This policy with [`max_retry_after`](Self::max_retry_after) set.
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// This policy with [`max_total`](Self::max_total) set.
    #[must_use]
    pub fn with_max_total(mut self, max_total: Duration) -> Self {
        self.max_total = max_total;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry): the provider's
    /// `retry_after` capped at [`max_retry_after`](Self::max_retry_after) plus a random spread
    /// of up to [`initial_backoff`](Self::initial_backoff), or else a random
    /// duration up to `initial_backoff × 2^(retry-1)`, capped at [`max_backoff`](Self::max_backoff).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait
                .min(self.max_retry_after)
                .saturating_add(full_jitter(self.initial_backoff));
        }
        let exponent = retry.saturating_sub(1).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        full_jitter(ceiling)
    }
}

/// A uniformly random duration in `[0, ceiling]`, from the standard library's random hasher keys.
fn full_jitter(ceiling: Duration) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(nanos);
    let random = hasher.finish();
    // `nanos + 1` overflows only for the whole `u64` range, which any `random` already is in.
    Duration::from_nanos(nanos.checked_add(1).map_or(random, |bound| random % bound))
}

/// Reads a `Retry-After` header value: delay-seconds, or an HTTP date (a date in the past means
/// "now"). `None` when it is neither.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `Retry-After` of a response's headers, if present and readable.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(42));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(42))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(42));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy::default();
        let wait = policy.delay(1, Some(Duration::from_secs(86_400)));
        assert!(wait >= policy.max_retry_after, "{wait:?}");
        assert!(
            wait <= policy.max_retry_after + policy.initial_backoff,
            "{wait:?}"
        );
    }

    #[test]
    fn retry_after_is_never_shortened_and_is_spread() {
        let policy = RetryPolicy::default();
        let asked = Duration::from_secs(1);
        let waits: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| policy.delay(1, Some(asked))).collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= asked && *w <= asked + policy.initial_backoff)
        );
        assert!(
            waits.len() > 10,
            "callers throttled together spread out: {waits:?}"
        );
    }

    #[test]
    fn the_longest_configured_waits_do_not_overflow() {
        let policy = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            max_retry_after: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(policy.delay(1, Some(Duration::MAX)), Duration::MAX);
        assert!(policy.delay(30, None) <= Duration::from_nanos(u64::MAX));
    }

    #[test]
    fn backoff_grows_and_stays_under_its_ceiling() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(policy.delay(1, None) <= Duration::from_millis(100));
            assert!(policy.delay(2, None) <= Duration::from_millis(200));
            assert!(policy.delay(3, None) <= Duration::from_millis(350));
            assert!(policy.delay(30, None) <= Duration::from_millis(350));
        }
        let spread: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| policy.delay(3, None)).collect();
        assert!(spread.len() > 10, "jitter spreads the waits: {spread:?}");
    }
}

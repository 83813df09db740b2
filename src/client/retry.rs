//! When to retry a request and how long to wait first.
//!
//! Pure logic, so the schedule and the classification are unit-tested apart
//! from any network.

use std::time::Duration;

use rand::Rng;

/// Jittered exponential backoff: the ceiling starts at `initial`, doubles
/// after every retry and never exceeds `max`; the actual delay is drawn from
/// the upper half of the ceiling so parallel clients spread out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub initial: Duration,
    pub max: Duration,
    /// A server's `Retry-After` is honoured up to this long; anything larger
    /// is treated as this value (the caller's deadline still applies).
    pub max_retry_after: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl BackoffPolicy {
    /// The largest delay before retry number `retry` (0 for the first retry).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }

    /// The delay before retry number `retry`: jittered within
    /// `[ceiling / 2, ceiling]`, and never shorter than the server's
    /// `Retry-After` (itself clamped to `max_retry_after`).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(retry);
        let floor = ceiling / 2;
        let spread = (ceiling - floor).as_millis() as u64;
        let jittered = floor + Duration::from_millis(rng.random_range(0..=spread));
        match retry_after {
            Some(wanted) => jittered.max(wanted.min(self.max_retry_after)),
            None => jittered,
        }
    }
}

/// Whether re-sending a request can cause an effect twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// GET, PUT, DELETE and the POST/PATCH calls that only search or set a
    /// value: sending twice has the same effect as once.
    Idempotent,
    /// A POST that creates something: re-sent only when the server certainly
    /// never processed it (see `create_idempotently` for the rest).
    NotIdempotent,
}

/// What a failed attempt tells about the server's side of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The connection was never established: nothing reached the server.
    NotSent,
    /// 429: the server refused the request without processing it.
    Throttled,
    /// The request may or may not have taken effect: a timeout or dropped
    /// connection after sending, or a 502/503/504 from a gateway.
    Ambiguous,
    /// An answer that will not change by asking again (4xx, 500, ...).
    Final,
}

impl FailureKind {
    /// Classifies an HTTP error status.
    pub fn of_status(status: u16) -> FailureKind {
        match status {
            429 => FailureKind::Throttled,
            502..=504 => FailureKind::Ambiguous,
            _ => FailureKind::Final,
        }
    }

    /// Whether a request of this idempotency may be sent again after this failure.
    pub fn is_retryable(self, idempotency: Idempotency) -> bool {
        match self {
            FailureKind::NotSent | FailureKind::Throttled => true,
            FailureKind::Ambiguous => idempotency == Idempotency::Idempotent,
            FailureKind::Final => false,
        }
    }
}

/// Parses a `Retry-After` header given in seconds. The HTTP-date form is
/// not used by Palette and yields `None` (the normal backoff applies).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The facts the retry decision depends on after one failed attempt.
#[derive(Debug, Clone, Copy)]
pub struct FailedAttempt {
    pub kind: FailureKind,
    pub idempotency: Idempotency,
    /// Retries already made for this request (0 after the first attempt).
    pub retries_done: u32,
    pub retry_after: Option<Duration>,
    /// Time left before the caller's deadline, if it has one.
    pub remaining: Option<Duration>,
    /// Retry past the budget while the deadline allows (a transient failure
    /// only; see `CallContext::riding_out_outages`).
    pub ride_out: bool,
}

/// Decides whether to retry, and after how long. `None` means give up now:
/// the failure is not retryable, the attempts are used up (unless riding out
/// an outage, which needs a deadline), or the wait would outlast the
/// caller's deadline.
pub fn next_delay(
    policy: &BackoffPolicy,
    max_retries: u32,
    attempt: FailedAttempt,
    rng: &mut impl Rng,
) -> Option<Duration> {
    let riding_out = attempt.ride_out && attempt.remaining.is_some();
    if !attempt.kind.is_retryable(attempt.idempotency) || (attempt.retries_done >= max_retries && !riding_out) {
        return None;
    }
    let delay = policy.delay(attempt.retries_done, attempt.retry_after, rng);
    match attempt.remaining {
        Some(remaining) if delay >= remaining => None,
        _ => Some(delay),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(7)
    }

    fn failed(kind: FailureKind, idempotency: Idempotency, retries_done: u32) -> FailedAttempt {
        FailedAttempt { kind, idempotency, retries_done, retry_after: None, remaining: None, ride_out: false }
    }

    #[test]
    fn ceiling_doubles_then_caps() {
        let policy = BackoffPolicy::default();
        let ceilings: Vec<u64> = (0..8).map(|n| policy.ceiling(n).as_millis() as u64).collect();
        assert_eq!(ceilings, vec![250, 500, 1000, 2000, 4000, 4000, 4000, 4000]);
        assert_eq!(policy.ceiling(200), policy.max, "huge retry numbers must not overflow");
    }

    #[test]
    fn delays_are_jittered_within_the_upper_half_of_the_ceiling() {
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        for retry in 0..10 {
            let ceiling = policy.ceiling(retry);
            let delays: Vec<Duration> = (0..200).map(|_| policy.delay(retry, None, &mut rng)).collect();
            assert!(delays.iter().all(|d| *d >= ceiling / 2 && *d <= ceiling), "retry {retry}: {delays:?}");
            let distinct: std::collections::HashSet<_> = delays.iter().collect();
            assert!(distinct.len() > 20, "retry {retry} is not jittered: {distinct:?}");
        }
    }

    #[test]
    fn the_whole_schedule_is_bounded() {
        // Ten retries (the official default) wait at most 250+500+1000+2000+6*4000 ms,
        // where the official SDK waits at least 68 minutes.
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        let total: Duration = (0..10).map(|n| policy.delay(n, None, &mut rng)).sum();
        assert!(total <= Duration::from_millis(27_750), "{total:?}");
        assert!(total >= Duration::from_millis(13_875), "{total:?}");
    }

    #[test]
    fn retry_after_is_honoured_and_clamped() {
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3)), &mut rng), Duration::from_secs(3));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3600)), &mut rng), policy.max_retry_after);
        let short = policy.delay(4, Some(Duration::from_millis(1)), &mut rng);
        assert!(short >= Duration::from_secs(2), "a tiny Retry-After must not shorten the backoff: {short:?}");
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after("5"), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after(""), None);
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(FailureKind::of_status(429), FailureKind::Throttled);
        for status in [502, 503, 504] {
            assert_eq!(FailureKind::of_status(status), FailureKind::Ambiguous, "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 500, 501] {
            assert_eq!(FailureKind::of_status(status), FailureKind::Final, "{status}");
        }
    }

    #[test]
    fn ambiguous_failures_retry_only_idempotent_requests() {
        use FailureKind::*;
        use Idempotency::*;
        assert!(Ambiguous.is_retryable(Idempotent));
        assert!(!Ambiguous.is_retryable(NotIdempotent));
        for kind in [NotSent, Throttled] {
            assert!(kind.is_retryable(Idempotent) && kind.is_retryable(NotIdempotent), "{kind:?}");
        }
        assert!(!Final.is_retryable(Idempotent));
    }

    #[test]
    fn attempts_are_bounded_by_the_retry_budget() {
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        let attempt = |n| failed(FailureKind::Throttled, Idempotency::Idempotent, n);
        assert!(next_delay(&policy, 2, attempt(0), &mut rng).is_some());
        assert!(next_delay(&policy, 2, attempt(1), &mut rng).is_some());
        assert_eq!(next_delay(&policy, 2, attempt(2), &mut rng), None);
        assert_eq!(next_delay(&policy, 0, attempt(0), &mut rng), None, "zero retries means one attempt");
    }

    #[test]
    fn no_retry_for_final_or_unsafe_failures() {
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        let final_error = failed(FailureKind::Final, Idempotency::Idempotent, 0);
        assert_eq!(next_delay(&policy, 10, final_error, &mut rng), None);
        let lost_create = failed(FailureKind::Ambiguous, Idempotency::NotIdempotent, 0);
        assert_eq!(next_delay(&policy, 10, lost_create, &mut rng), None);
        let refused_create = failed(FailureKind::NotSent, Idempotency::NotIdempotent, 0);
        assert!(next_delay(&policy, 10, refused_create, &mut rng).is_some());
    }

    #[test]
    fn riding_out_retries_past_the_budget_until_the_deadline() {
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        let mut attempt = failed(FailureKind::Ambiguous, Idempotency::Idempotent, 40);
        attempt.ride_out = true;
        assert_eq!(next_delay(&policy, 10, attempt, &mut rng), None, "riding out needs a deadline");
        attempt.remaining = Some(Duration::from_secs(60));
        let delay = next_delay(&policy, 10, attempt, &mut rng).expect("still within the deadline");
        assert!(delay <= policy.max, "the backoff stays capped: {delay:?}");
        attempt.remaining = Some(Duration::from_secs(1));
        assert_eq!(next_delay(&policy, 10, attempt, &mut rng), None, "not past the deadline");
        let mut create = failed(FailureKind::Ambiguous, Idempotency::NotIdempotent, 0);
        create.ride_out = true;
        create.remaining = Some(Duration::from_secs(60));
        assert_eq!(next_delay(&policy, 10, create, &mut rng), None, "never a blind re-send of a create");
    }

    #[test]
    fn a_wait_past_the_deadline_gives_up_at_once() {
        let policy = BackoffPolicy::default();
        let mut rng = rng();
        let mut attempt = failed(FailureKind::Ambiguous, Idempotency::Idempotent, 3);
        attempt.remaining = Some(Duration::from_millis(500));
        assert_eq!(next_delay(&policy, 10, attempt, &mut rng), None);
        attempt.remaining = Some(Duration::from_secs(10));
        assert!(next_delay(&policy, 10, attempt, &mut rng).is_some());
        attempt.retry_after = Some(Duration::from_secs(30));
        assert_eq!(next_delay(&policy, 10, attempt, &mut rng), None, "Retry-After beyond the deadline");
    }
}

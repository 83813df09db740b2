//! Waiting for asynchronous API work (a cluster becoming ready, a deletion
//! finishing): check at once, then back off from 250 ms by ×1.5 up to 1 s
//! between checks for the first 15 s, up to 2 s after that, never sleeping past
//! the deadline, and return as soon as Terraform cancels.
//!
//! A check that fails transiently (the API unreachable or overloaded, as the
//! error's [`Transience`] says) does not end the wait: it is logged and the
//! wait goes on while time is left; only a permanent failure ends it early,
//! and a wait that times out reports the last failure with its last state.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep_until, Instant};

use super::context::Context;

const FIRST_INTERVAL: Duration = Duration::from_millis(250);
const MAX_INTERVAL: Duration = Duration::from_secs(2);
/// A lower cap while a wait is young: short operations finish within seconds,
/// where a 2 s gap would be a large share of the wait; the extra checks this
/// costs are bounded (about 6 per wait) however long the wait lasts.
const EARLY_MAX_INTERVAL: Duration = Duration::from_secs(1);
const EARLY_PHASE: Duration = Duration::from_secs(15);
const GROWTH: f64 = 1.5;

/// Whether a failure may go away by trying again later. API errors say
/// (unreachable, 429, 5xx: yes; 401/403/404 and other 4xx: no).
pub trait Transience {
    fn is_transient(&self) -> bool;
}

/// Why a check failed: its call to the API failed (transiently or not, as
/// the call's error says), or the object is in a state from which the wait
/// cannot reach its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError<E> {
    Call(E),
    /// The object's state rules the target out: a summary and a detail for the diagnostic.
    Unexpected { summary: String, detail: String },
}

impl<E: Transience> Transience for CheckError<E> {
    fn is_transient(&self) -> bool {
        match self {
            CheckError::Call(error) => error.is_transient(),
            CheckError::Unexpected { .. } => false,
        }
    }
}

impl<E: fmt::Display> fmt::Display for CheckError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Call(error) => error.fmt(f),
            CheckError::Unexpected { summary, detail } => write!(f, "{summary}: {detail}"),
        }
    }
}

impl<E> From<E> for CheckError<E> {
    fn from(error: E) -> Self {
        CheckError::Call(error)
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll<T> {
    Done(T),
    /// Not there yet; the text describes the observed state (e.g.
    /// `"Provisioning"`) and ends up in a timeout or cancellation error.
    Pending(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitError<E> {
    TimedOut {
        waited: Duration,
        last_state: Option<String>,
        /// The failure of the last check when it failed (transiently).
        last_error: Option<E>,
    },
    Cancelled {
        last_state: Option<String>,
    },
    /// A check failed permanently.
    Failed(E),
}

impl<E> WaitError<E> {
    /// The last state a check reported, if any.
    pub fn last_state(&self) -> Option<&str> {
        match self {
            WaitError::TimedOut { last_state, .. } | WaitError::Cancelled { last_state } => last_state.as_deref(),
            WaitError::Failed(_) => None,
        }
    }
}

impl<E: fmt::Display> WaitError<E> {
    /// A wait that ended without reaching its target: how, as a clause for
    /// messages ("timed out after 30s; the last check failed: …", "was
    /// stopped"), and the last state seen; a check that failed for good is
    /// handed back as it is.
    pub fn ending(self) -> Result<(String, String), E> {
        let last_state = self.last_state().unwrap_or("not yet reported").to_string();
        let why = match self {
            WaitError::TimedOut { waited, last_error: Some(failure), .. } => {
                format!("timed out after {}s; the last check failed: {failure}", waited.as_secs_f64().round())
            }
            WaitError::TimedOut { waited, last_error: None, .. } => format!("timed out after {}s", waited.as_secs_f64().round()),
            WaitError::Cancelled { .. } => "was stopped".to_string(),
            WaitError::Failed(failure) => return Err(failure),
        };
        Ok((why, last_state))
    }
}

fn last_seen(last_state: &Option<String>) -> String {
    match last_state {
        Some(state) => format!(" (last state: {state})"),
        None => String::new(),
    }
}

impl<E: fmt::Display> fmt::Display for WaitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut { waited, last_state, last_error } => {
                write!(f, "timed out after {}s{}", waited.as_secs_f64().round(), last_seen(last_state))?;
                match last_error {
                    Some(error) => write!(f, "; the last check failed: {error}"),
                    None => Ok(()),
                }
            }
            WaitError::Cancelled { last_state } => write!(f, "cancelled{}", last_seen(last_state)),
            WaitError::Failed(error) => error.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaitError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Failed(error) => Some(error),
            _ => None,
        }
    }
}

/// Calls `check` until it reports [`Poll::Done`], fails permanently, the
/// deadline passes (the earlier of `deadline` and the operation's own) or the
/// operation is cancelled. A transiently failed check is logged and the wait
/// goes on. A last check runs at the deadline before giving up.
pub async fn poll<D, T, E, F, Fut>(ctx: &Context<D>, deadline: Instant, mut check: F) -> Result<T, WaitError<E>>
where
    E: Transience + fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, E>>,
{
    let deadline = deadline.min(ctx.deadline());
    let cancellation = ctx.cancellation();
    let started = Instant::now();
    let mut interval = FIRST_INTERVAL;
    let mut last_state = None;
    let mut last_error = None;
    loop {
        let outcome = tokio::select! {
            biased;
            _ = cancellation.cancelled() => return Err(WaitError::Cancelled { last_state }),
            outcome = check() => outcome,
        };
        let now = Instant::now();
        match outcome {
            Ok(Poll::Done(value)) => return Ok(value),
            Ok(Poll::Pending(state)) => {
                tracing::debug!(%state, "still waiting");
                last_state = Some(state);
                last_error = None;
            }
            Err(error) if error.is_transient() || now >= deadline => {
                let left = deadline.saturating_duration_since(now);
                tracing::warn!(%error, seconds_left = left.as_secs(), "a check failed; waiting on while time is left");
                // A check cut short by the deadline says less than the failure before it.
                if last_error.is_none() || now < deadline {
                    last_error = Some(error);
                }
            }
            Err(error) => return Err(WaitError::Failed(error)),
        }
        if now >= deadline {
            return Err(WaitError::TimedOut { waited: now - started, last_state, last_error });
        }
        tokio::select! {
            biased;
            _ = cancellation.cancelled() => return Err(WaitError::Cancelled { last_state }),
            _ = sleep_until((now + interval).min(deadline)) => {}
        }
        let cap = if started.elapsed() < EARLY_PHASE { EARLY_MAX_INTERVAL } else { MAX_INTERVAL };
        interval = interval.mul_f64(GROWTH).min(cap);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tokio_util::sync::CancellationToken;

    use super::*;

    fn context(timeout: Duration) -> Context<()> {
        Context::new(Arc::new(()), CancellationToken::new(), Instant::now() + timeout)
    }

    /// A check failure whose transience the test chooses.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Failure {
        transient: bool,
        text: String,
    }

    impl Failure {
        fn transient(text: &str) -> Self {
            Failure { transient: true, text: text.to_string() }
        }

        fn permanent(text: &str) -> Self {
            Failure { transient: false, text: text.to_string() }
        }
    }

    impl Transience for Failure {
        fn is_transient(&self) -> bool {
            self.transient
        }
    }

    impl fmt::Display for Failure {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.text)
        }
    }

    /// Runs `poll` with a check that stays pending `pending` times, recording
    /// the offset of every check from the start.
    async fn run(ctx: &Context<()>, deadline: Duration, pending: usize) -> (Result<usize, WaitError<Failure>>, Vec<Duration>) {
        let start = Instant::now();
        let calls = Mutex::new(Vec::new());
        let result = poll(ctx, start + deadline, || {
            let mut calls = calls.lock().unwrap();
            calls.push(start.elapsed());
            let n = calls.len();
            async move {
                if n > pending {
                    Ok(Poll::Done(n))
                } else {
                    Ok(Poll::Pending(format!("state-{n}")))
                }
            }
        })
        .await;
        (result, calls.into_inner().unwrap())
    }

    /// Asserts check times, allowing for the timer's 1 ms resolution.
    fn assert_offsets(offsets: &[Duration], expected_millis: &[u64]) {
        assert_eq!(offsets.len(), expected_millis.len(), "{offsets:?}");
        for (offset, expected) in offsets.iter().zip(expected_millis) {
            let expected = Duration::from_millis(*expected);
            assert!(offset.abs_diff(expected) <= Duration::from_millis(3), "{offsets:?} vs {expected_millis:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn first_check_is_immediate() {
        let ctx = context(Duration::from_secs(60));
        let (result, calls) = run(&ctx, Duration::from_secs(60), 0).await;
        assert_eq!(result, Ok(1));
        assert_offsets(&calls, &[0]);
    }

    #[tokio::test(start_paused = true)]
    async fn backs_off_by_half_up_to_one_second_then_two_after_fifteen() {
        let ctx = context(Duration::from_secs(60));
        let (result, calls) = run(&ctx, Duration::from_secs(60), 20).await;
        assert_eq!(result, Ok(21));
        // Gaps: 250, 375, 562, 843, then 1000 until 15 s have passed, then 1500, 2000.
        let early = [0, 250, 625, 1187, 2031, 3031, 4031, 5031, 6031, 7031, 8031, 9031, 10031, 11031, 12031, 13031, 14031, 15031];
        let late = [16531, 18531, 20531];
        assert_offsets(&calls, &[early.as_slice(), late.as_slice()].concat());
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_at_the_deadline_after_a_last_check() {
        let ctx = context(Duration::from_secs(60));
        let (result, calls) = run(&ctx, Duration::from_secs(3), usize::MAX).await;
        assert_offsets(&calls, &[0, 250, 625, 1187, 2031, 3000]);
        let error = result.unwrap_err();
        assert_eq!(error, WaitError::TimedOut { waited: Duration::from_secs(3), last_state: Some("state-6".into()), last_error: None });
        assert_eq!(error.to_string(), "timed out after 3s (last state: state-6)");
        assert_eq!(error.last_state(), Some("state-6"));
    }

    #[tokio::test(start_paused = true)]
    async fn the_operation_deadline_bounds_the_wait() {
        let ctx = context(Duration::from_secs(1));
        let (result, calls) = run(&ctx, Duration::from_secs(600), usize::MAX).await;
        assert!(matches!(result, Err(WaitError::TimedOut { .. })));
        assert_eq!(calls.last(), Some(&Duration::from_secs(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_check_errors_end_the_wait() {
        let ctx = context(Duration::from_secs(60));
        let result: Result<(), _> =
            poll(&ctx, Instant::now() + Duration::from_secs(60), || async { Err::<Poll<()>, _>(Failure::permanent("forbidden")) }).await;
        assert_eq!(result, Err(WaitError::Failed(Failure::permanent("forbidden"))));
    }

    #[tokio::test(start_paused = true)]
    async fn transient_check_errors_are_ridden_out() {
        // Ten failed checks (an outage of about 8 s) between two pending ones, then done.
        let ctx = context(Duration::from_secs(60));
        let calls = Mutex::new(0);
        let result = poll(&ctx, Instant::now() + Duration::from_secs(60), || {
            let n = {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                *calls
            };
            async move {
                match n {
                    1 => Ok(Poll::Pending("Provisioning".to_string())),
                    2..=11 => Err(Failure::transient("502 Bad Gateway")),
                    _ => Ok(Poll::Done(n)),
                }
            }
        })
        .await;
        assert_eq!(result, Ok(12));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_timing_out_during_an_outage_reports_the_last_failure() {
        let ctx = context(Duration::from_secs(60));
        let calls = Mutex::new(0);
        let started = Instant::now();
        let result: Result<(), _> = poll(&ctx, started + Duration::from_secs(5), || {
            let n = {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                *calls
            };
            async move {
                if n == 1 {
                    Ok(Poll::Pending("Provisioning".to_string()))
                } else {
                    Err(Failure::transient(&format!("connection refused ({n})")))
                }
            }
        })
        .await;
        let error = result.unwrap_err();
        let WaitError::TimedOut { waited, last_state, last_error } = &error else { panic!("{error:?}") };
        assert_eq!(*waited, Duration::from_secs(5));
        assert_eq!(last_state.as_deref(), Some("Provisioning"));
        assert!(last_error.as_ref().is_some_and(|e| e.text.starts_with("connection refused")), "{error:?}");
        assert!(error.to_string().contains("last state: Provisioning") && error.to_string().contains("the last check failed: connection refused"), "{error}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_check_failing_at_the_deadline_ends_as_a_timeout_with_the_last_state() {
        let ctx = context(Duration::from_secs(60));
        let start = Instant::now();
        let result: Result<(), _> = poll(&ctx, start + Duration::from_secs(1), || async move {
            if start.elapsed() >= Duration::from_secs(1) {
                Err(Failure::permanent("request could not be sent"))
            } else {
                Ok(Poll::Pending("Deploying".to_string()))
            }
        })
        .await;
        let last_error = Some(Failure::permanent("request could not be sent"));
        assert_eq!(result, Err(WaitError::TimedOut { waited: Duration::from_secs(1), last_state: Some("Deploying".into()), last_error }));
    }

    #[tokio::test]
    async fn cancellation_returns_promptly_while_sleeping_or_checking() {
        for slow_check in [false, true] {
            let ctx = Arc::new(context(Duration::from_secs(60)));
            let waiting = {
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    poll(&ctx, Instant::now() + Duration::from_secs(60), || async move {
                        if slow_check {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                        Ok::<Poll<()>, Failure>(Poll::Pending("Provisioning".into()))
                    })
                    .await
                })
            };
            tokio::time::sleep(Duration::from_millis(300)).await;
            let cancelled_at = std::time::Instant::now();
            ctx.cancellation().cancel();
            let result = tokio::time::timeout(Duration::from_secs(1), waiting).await.unwrap().unwrap();
            assert!(cancelled_at.elapsed() < Duration::from_millis(100));
            let expected = if slow_check { None } else { Some("Provisioning".to_string()) };
            assert_eq!(result, Err(WaitError::Cancelled { last_state: expected }));
        }
    }
}

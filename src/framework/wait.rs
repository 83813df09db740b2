//! Waiting for asynchronous API work (a cluster becoming ready, a deletion
//! finishing): check at once, then back off from 250 ms by ×1.5 up to 1 s
//! between checks for the first 15 s, up to 2 s after that, never sleeping past
//! the deadline, and return as soon as Terraform cancels.
//!
//! A check that fails once the deadline has passed (its request could no
//! longer be sent in time) ends the wait as a timeout naming the last state
//! seen, not as a failure of the check.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::{sleep_until, Instant};

use super::context::{Context, ResourceError};

const FIRST_INTERVAL: Duration = Duration::from_millis(250);
const MAX_INTERVAL: Duration = Duration::from_secs(2);
/// A lower cap while a wait is young: short operations finish within seconds,
/// where a 2 s gap would be a large share of the wait; the extra checks this
/// costs are bounded (about 6 per wait) however long the wait lasts.
const EARLY_MAX_INTERVAL: Duration = Duration::from_secs(1);
const EARLY_PHASE: Duration = Duration::from_secs(15);
const GROWTH: f64 = 1.5;

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
    },
    Cancelled {
        last_state: Option<String>,
    },
    /// The check itself failed.
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

impl WaitError<ResourceError> {
    /// How the wait ended, as a clause for messages: "timed out after 30s",
    /// "was stopped", or the failed check's summary.
    pub fn ending(&self) -> String {
        match self {
            WaitError::TimedOut { waited, .. } => format!("timed out after {}s", waited.as_secs_f64().round()),
            WaitError::Cancelled { .. } => "was stopped".to_string(),
            WaitError::Failed(error) => error.diagnostics.0.first().map(|d| d.summary.clone()).unwrap_or_default(),
        }
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
            WaitError::TimedOut { waited, last_state } => {
                write!(f, "timed out after {}s{}", waited.as_secs_f64().round(), last_seen(last_state))
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

/// Calls `check` until it reports [`Poll::Done`], fails, the deadline passes
/// (the earlier of `deadline` and the operation's own) or the operation is
/// cancelled. A last check runs at the deadline before giving up; if that
/// check fails, the wait still ends as a timeout.
pub async fn poll<D, T, E, F, Fut>(ctx: &Context<D>, deadline: Instant, mut check: F) -> Result<T, WaitError<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, E>>,
{
    let deadline = deadline.min(ctx.deadline());
    let cancellation = ctx.cancellation();
    let started = Instant::now();
    let mut interval = FIRST_INTERVAL;
    let mut last_state = None;
    loop {
        let outcome = tokio::select! {
            biased;
            _ = cancellation.cancelled() => return Err(WaitError::Cancelled { last_state }),
            outcome = check() => outcome,
        };
        match outcome {
            Ok(Poll::Done(value)) => return Ok(value),
            Ok(Poll::Pending(state)) => {
                tracing::debug!(%state, "still waiting");
                last_state = Some(state);
            }
            Err(_) if Instant::now() >= deadline => return Err(WaitError::TimedOut { waited: started.elapsed(), last_state }),
            Err(error) => return Err(WaitError::Failed(error)),
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(WaitError::TimedOut { waited: now - started, last_state });
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

    /// Runs `poll` with a check that stays pending `pending` times, recording
    /// the offset of every check from the start.
    async fn run(ctx: &Context<()>, deadline: Duration, pending: usize) -> (Result<usize, WaitError<String>>, Vec<Duration>) {
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
        assert_eq!(error, WaitError::TimedOut { waited: Duration::from_secs(3), last_state: Some("state-6".into()) });
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
    async fn check_errors_end_the_wait() {
        let ctx = context(Duration::from_secs(60));
        let result: Result<(), _> =
            poll(&ctx, Instant::now() + Duration::from_secs(60), || async { Err::<Poll<()>, _>("boom".to_string()) }).await;
        assert_eq!(result, Err(WaitError::Failed("boom".to_string())));
    }

    #[tokio::test(start_paused = true)]
    async fn a_check_failing_at_the_deadline_ends_as_a_timeout_with_the_last_state() {
        let ctx = context(Duration::from_secs(60));
        let start = Instant::now();
        let result: Result<(), _> = poll(&ctx, start + Duration::from_secs(1), || async move {
            if start.elapsed() >= Duration::from_secs(1) {
                Err("request could not be sent".to_string())
            } else {
                Ok(Poll::Pending("Deploying".to_string()))
            }
        })
        .await;
        assert_eq!(result, Err(WaitError::TimedOut { waited: Duration::from_secs(1), last_state: Some("Deploying".into()) }));
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
                        Ok::<Poll<()>, String>(Poll::Pending("Provisioning".into()))
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

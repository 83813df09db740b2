//! Per-call cancellation and deadline.

use std::time::Duration;

use tokio::time::Instant;
pub use tokio_util::sync::CancellationToken;

/// What bounds one logical operation (a Terraform create, a refresh...):
/// a cancellation signal (Terraform's StopProvider), an optional deadline
/// (the resource's `timeouts`), and whether requests ride out outages.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct CallContext {
    cancel: CancellationToken,
    deadline: Option<Instant>,
    ride_out: bool,
}

/// Returned by [`CallContext::sleep`] when the operation was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl CallContext {
    pub fn new(cancel: CancellationToken) -> Self {
        CallContext { cancel, deadline: None, ride_out: false }
    }

    /// Never cancelled, no deadline: for one-off tools and tests.
    pub fn background() -> Self {
        CallContext::new(CancellationToken::new())
    }

    /// Adds a deadline; an earlier one already set is kept.
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(self.deadline.map_or(deadline, |current| current.min(deadline)));
        self
    }

    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.with_deadline(Instant::now() + timeout)
    }

    /// Requests keep retrying transient failures (see
    /// [`ClientError::is_transient`](super::ClientError::is_transient)) past the
    /// client's retry budget, with capped backoff, until the deadline: an
    /// operation that changes things (a create with an object already made)
    /// must not fail because Palette blinked. Needs a deadline to take effect.
    pub fn riding_out_outages(mut self) -> Self {
        self.ride_out = true;
        self
    }

    /// Whether requests ride out outages until the deadline.
    pub fn rides_out_outages(&self) -> bool {
        self.ride_out && self.deadline.is_some()
    }

    /// A context that ignores this one's cancellation but lives at most
    /// `timeout`: used to learn the outcome of a create that was already
    /// sent when the operation was cancelled.
    pub fn detached(&self, timeout: Duration) -> Self {
        let own = CallContext::background().with_timeout(timeout);
        match self.deadline {
            Some(deadline) => own.with_deadline(deadline),
            None => own,
        }
    }

    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Time left before the deadline (zero once passed); `None` without one.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }

    /// Sleeps for `duration`, waking at once if the operation is cancelled.
    pub async fn sleep(&self, duration: Duration) -> Result<(), Cancelled> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(Cancelled),
            _ = tokio::time::sleep(duration) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close_to(actual: Option<Duration>, expected: Duration) -> bool {
        actual.is_some_and(|left| left <= expected && left + Duration::from_millis(500) > expected)
    }

    #[tokio::test]
    async fn the_earlier_deadline_wins() {
        let context =
            CallContext::background().with_timeout(Duration::from_secs(10)).with_timeout(Duration::from_secs(60));
        assert!(close_to(context.remaining(), Duration::from_secs(10)), "{:?}", context.remaining());
        let tighter = context.with_timeout(Duration::from_secs(2));
        assert!(close_to(tighter.remaining(), Duration::from_secs(2)), "{:?}", tighter.remaining());
        assert_eq!(CallContext::background().remaining(), None);
    }

    #[tokio::test]
    async fn remaining_time_runs_down_to_zero() {
        let context = CallContext::background().with_timeout(Duration::from_millis(10));
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(context.remaining(), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn cancellation_interrupts_a_sleep_at_once() {
        let token = CancellationToken::new();
        let context = CallContext::new(token.clone());
        let started = std::time::Instant::now();
        let sleeper = tokio::spawn(async move { context.sleep(Duration::from_secs(60)).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        token.cancel();
        assert_eq!(sleeper.await.unwrap(), Err(Cancelled));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn detached_ignores_cancellation_but_keeps_a_bound() {
        let token = CancellationToken::new();
        let context = CallContext::new(token.clone()).with_timeout(Duration::from_secs(100));
        token.cancel();
        let detached = context.detached(Duration::from_secs(5));
        assert!(!detached.is_cancelled());
        assert!(close_to(detached.remaining(), Duration::from_secs(5)), "{:?}", detached.remaining());
        assert_eq!(detached.sleep(Duration::from_millis(10)).await, Ok(()));
    }
}

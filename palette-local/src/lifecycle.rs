//! The simulated asynchronous lifecycles of virtual clusters (§11 of the API reference).
//!
//! Nothing runs in the background: a cluster stores when each transition started and
//! when it completes, on the lifecycle clock (which `/__admin/time/advance` moves and
//! which survives restarts), and every read computes the current state from those
//! spans. A restart in the middle of provisioning therefore simply continues.
//!
//! - Provisioning: `Pending` for the first fifth of `--provision-seconds`, then
//!   `Provisioning`, then `Running`.
//! - Deletion: `Deleting` for `--delete-seconds`, then gone (`forceDelete`: at once).
//! - Pause / resume (`status.virtual.lifecycleStatus.status`): `Pausing` → `Paused` and
//!   `Resuming` → `Running` over `--pause-seconds`, starting once the cluster runs.
//! - Profile changes: `status.spcApply.canBeApplied` is false for `--pause-seconds`
//!   after the change (counted from when the cluster runs).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::clock::format_timestamp;
use super::config::LifecycleTimings;

/// Milliseconds since the Unix epoch, on the lifecycle clock.
pub type Millis = i64;

pub fn to_millis(time: OffsetDateTime) -> Millis {
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// `millis` as an RFC 3339 timestamp with milliseconds.
pub fn timestamp_of(millis: Millis) -> String {
    let time = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format_timestamp(time)
}

fn duration_millis(duration: Duration) -> Millis {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// A transition: it started at `start` and is complete from `end` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: Millis,
    pub end: Millis,
}

impl Span {
    pub fn lasting(start: Millis, duration: Duration) -> Span {
        Span { start, end: start.saturating_add(duration_millis(duration)) }
    }

    pub fn is_done(&self, now: Millis) -> bool {
        now >= self.end
    }
}

/// A requested pause (`pause: true`) or resume, and when it takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerChange {
    pub pause: bool,
    pub span: Span,
}

/// `status.state` of a virtual cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Provisioning,
    Running,
    Deleting,
    /// Deletion finished: the cluster answers 404 from now on.
    Gone,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "Pending",
            State::Provisioning => "Provisioning",
            State::Running => "Running",
            State::Deleting => "Deleting",
            State::Gone => "Deleted",
        }
    }

    /// `status.health.state` of the dashboard summaries.
    pub fn health(self) -> &'static str {
        match self {
            State::Running => "Healthy",
            State::Deleting | State::Gone => "UnHealthy",
            State::Pending | State::Provisioning => "Unknown",
        }
    }
}

/// `status.virtual.lifecycleStatus.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerStatus {
    Running,
    Pausing,
    Paused,
    Resuming,
}

impl PowerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PowerStatus::Running => "Running",
            PowerStatus::Pausing => "Pausing",
            PowerStatus::Paused => "Paused",
            PowerStatus::Resuming => "Resuming",
        }
    }
}

/// The stored transitions of one virtual cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    pub provision: Span,
    pub deletion: Option<Span>,
    pub power: Option<PowerChange>,
    pub apply: Option<Span>,
}

impl Lifecycle {
    /// A cluster created at `now`.
    pub fn start(now: Millis, timings: &LifecycleTimings) -> Lifecycle {
        Lifecycle { provision: Span::lasting(now, timings.provision), deletion: None, power: None, apply: None }
    }

    /// When the cluster is (or will be) first Running.
    pub fn running_from(&self) -> Millis {
        self.provision.end
    }

    fn pending_until(&self) -> Millis {
        self.provision.start + (self.provision.end - self.provision.start) / 5
    }

    pub fn state(&self, now: Millis) -> State {
        match self.deletion {
            Some(deletion) if deletion.is_done(now) => State::Gone,
            Some(_) => State::Deleting,
            None if self.provision.is_done(now) => State::Running,
            None if now < self.pending_until() => State::Pending,
            None => State::Provisioning,
        }
    }

    /// When the current [`State`] was entered (for conditions' transition times).
    pub fn state_since(&self, now: Millis) -> Millis {
        match self.state(now) {
            State::Pending => self.provision.start,
            State::Provisioning => self.pending_until(),
            State::Running => self.provision.end,
            State::Deleting => self.deletion.map_or(now, |span| span.start),
            State::Gone => self.deletion.map_or(now, |span| span.end),
        }
    }

    /// Whether the last request was to pause (`spec.clusterConfig.lifecycleConfig.pause`).
    pub fn wants_pause(&self) -> bool {
        self.power.is_some_and(|change| change.pause)
    }

    pub fn power(&self, now: Millis) -> PowerStatus {
        match self.power {
            None => PowerStatus::Running,
            Some(PowerChange { pause: true, span }) if span.is_done(now) => PowerStatus::Paused,
            Some(PowerChange { pause: true, .. }) => PowerStatus::Pausing,
            Some(PowerChange { pause: false, span }) if span.is_done(now) => PowerStatus::Running,
            Some(PowerChange { pause: false, .. }) => PowerStatus::Resuming,
        }
    }

    /// Requests a pause or a resume; returns false when the cluster is already
    /// paused or pausing (resp. running or resuming), which changes nothing.
    pub fn request_power(&mut self, pause: bool, now: Millis, timings: &LifecycleTimings) -> bool {
        if self.wants_pause() == pause {
            return false;
        }
        let start = now.max(self.running_from());
        self.power = Some(PowerChange { pause, span: Span::lasting(start, timings.pause) });
        true
    }

    /// Starts deleting; a forced delete completes at once, also over a running delete.
    pub fn request_deletion(&mut self, now: Millis, force: bool, timings: &LifecycleTimings) {
        match self.deletion {
            _ if force => self.deletion = Some(Span { start: self.deletion.map_or(now, |span| span.start), end: now }),
            Some(_) => {}
            None => self.deletion = Some(Span::lasting(now, timings.delete)),
        }
    }

    /// A profile change: it is downloaded and applicable `--pause-seconds` after the
    /// cluster runs.
    pub fn request_apply(&mut self, now: Millis, timings: &LifecycleTimings) {
        self.apply = Some(Span::lasting(now.max(self.running_from()), timings.pause));
    }

    /// `status.spcApply.canBeApplied`.
    pub fn can_be_applied(&self, now: Millis) -> bool {
        self.apply.is_none_or(|span| span.is_done(now))
    }

    /// When the last profile change became applicable, if there was one.
    pub fn applied_at(&self) -> Option<Millis> {
        self.apply.map(|span| span.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timings(provision: u64, delete: u64, pause: u64) -> LifecycleTimings {
        LifecycleTimings {
            provision: Duration::from_secs(provision),
            delete: Duration::from_secs(delete),
            pause: Duration::from_secs(pause),
            deploy: Duration::from_secs(pause),
        }
    }

    const T0: Millis = 1_700_000_000_000;

    #[test]
    fn provisioning_goes_pending_provisioning_running() {
        let lifecycle = Lifecycle::start(T0, &timings(5, 3, 2));
        assert_eq!(lifecycle.state(T0), State::Pending);
        assert_eq!(lifecycle.state(T0 + 999), State::Pending);
        assert_eq!(lifecycle.state(T0 + 1_000), State::Provisioning);
        assert_eq!(lifecycle.state_since(T0 + 2_000), T0 + 1_000);
        assert_eq!(lifecycle.state(T0 + 4_999), State::Provisioning);
        assert_eq!(lifecycle.state(T0 + 5_000), State::Running);
        assert_eq!(lifecycle.state(T0 + 5_000).health(), "Healthy");
        assert_eq!(Lifecycle::start(T0, &timings(0, 0, 0)).state(T0), State::Running);
    }

    #[test]
    fn deletion_takes_its_time_unless_forced() {
        let timings = timings(5, 3, 2);
        let mut lifecycle = Lifecycle::start(T0, &timings);
        lifecycle.request_deletion(T0 + 10_000, false, &timings);
        assert_eq!(lifecycle.state(T0 + 12_999), State::Deleting);
        lifecycle.request_deletion(T0 + 12_000, false, &timings);
        assert_eq!(lifecycle.state(T0 + 12_999), State::Deleting, "a second delete does not restart the clock");
        assert_eq!(lifecycle.state(T0 + 13_000), State::Gone);
        let mut forced = Lifecycle::start(T0, &timings);
        forced.request_deletion(T0 + 1, false, &timings);
        forced.request_deletion(T0 + 2, true, &timings);
        assert_eq!(forced.state(T0 + 2), State::Gone);
    }

    #[test]
    fn pause_and_resume_start_once_running() {
        let timings = timings(5, 3, 2);
        let mut lifecycle = Lifecycle::start(T0, &timings);
        assert_eq!(lifecycle.power(T0), PowerStatus::Running);
        assert!(lifecycle.request_power(true, T0 + 1_000, &timings));
        assert!(!lifecycle.request_power(true, T0 + 1_500, &timings), "already pausing");
        assert_eq!(lifecycle.power(T0 + 6_999), PowerStatus::Pausing);
        assert_eq!(lifecycle.power(T0 + 7_000), PowerStatus::Paused);
        assert!(lifecycle.wants_pause());
        assert!(lifecycle.request_power(false, T0 + 10_000, &timings));
        assert_eq!(lifecycle.power(T0 + 11_000), PowerStatus::Resuming);
        assert_eq!(lifecycle.power(T0 + 12_000), PowerStatus::Running);
        assert!(!lifecycle.request_power(false, T0 + 13_000, &timings));
    }

    #[test]
    fn profile_changes_become_applicable_after_a_delay() {
        let timings = timings(0, 0, 2);
        let mut lifecycle = Lifecycle::start(T0, &timings);
        assert!(lifecycle.can_be_applied(T0));
        lifecycle.request_apply(T0 + 100, &timings);
        assert!(!lifecycle.can_be_applied(T0 + 2_099));
        assert!(lifecycle.can_be_applied(T0 + 2_100));
        assert_eq!(lifecycle.applied_at(), Some(T0 + 2_100));
    }

    #[test]
    fn timestamps_are_rfc3339_with_milliseconds() {
        assert_eq!(timestamp_of(T0 + 204), "2023-11-14T22:13:20.204Z");
        assert_eq!(to_millis(OffsetDateTime::from_unix_timestamp(1).unwrap()), 1_000);
    }
}

//! The client-side rate limit: one schedule per Palette rate-limit group,
//! shared by every operation of the provider process (clones of the client
//! share it), so that concurrent operations together stay under Palette's
//! published limits instead of bouncing off them with 429s.
//!
//! Each group is a GCRA schedule: a request reserves the next free slot at
//! once and waits until it is due, so waiting requests keep their order and
//! never wake up together.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use palette_rate_limits::{palette_group, PALETTE_BURST, PALETTE_RATE};

/// Requests per second at Palette's base prefixes unless configured otherwise.
pub const DEFAULT_RATE_LIMIT: f64 = PALETTE_RATE;

/// Seconds' worth of requests a group may send at once: half of Palette's
/// burst queue, because `terraform apply` runs two provider processes back to
/// back (the plan, then the apply), each with a limiter of its own, and both
/// bursts together must fit in Palette's.
const BURST_SECONDS: f64 = PALETTE_BURST / 2.0;

/// How long a group pauses after a 429 that named no `Retry-After`: the
/// server's budget is spent (another client shares it), so give it a second.
const THROTTLED_PAUSE: Duration = Duration::from_secs(1);

/// The longest pause a `Retry-After` can impose on a whole group.
const MAX_THROTTLED_PAUSE: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Schedule {
    /// Time between two requests at the group's rate.
    interval: Duration,
    /// How far ahead of its slot a request may go: the burst.
    tolerance: Duration,
    /// The theoretical time of the next request at the steady rate.
    next: Instant,
}

/// Keeps each Palette rate-limit group at its share of the configured rate.
#[derive(Debug)]
pub struct RateLimiter {
    /// Requests per second at Palette's base prefixes; others scale with it.
    rate: f64,
    groups: Mutex<HashMap<String, Schedule>>,
}

impl RateLimiter {
    /// `None` when `per_second` turns the limit off (0 or less).
    pub fn new(per_second: f64) -> Option<RateLimiter> {
        (per_second.is_finite() && per_second > 0.0).then(|| RateLimiter { rate: per_second, groups: Mutex::new(HashMap::new()) })
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    fn with_schedule<T>(&self, segments: &[String], now: Instant, f: impl FnOnce(&mut Schedule) -> T) -> T {
        let (group, factor) = palette_group(segments);
        let rate = self.rate * factor;
        let burst = (rate * BURST_SECONDS).floor().max(1.0);
        let interval = Duration::from_secs_f64(1.0 / rate);
        let mut groups = self.groups.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let schedule = groups.entry(group).or_insert_with(|| Schedule { interval, tolerance: interval.mul_f64(burst - 1.0), next: now });
        f(schedule)
    }

    /// Reserves the next slot for a request to `segments` (the path after
    /// `/v1`) and returns how long to wait before sending it.
    pub fn reserve(&self, segments: &[String], now: Instant) -> Duration {
        self.with_schedule(segments, now, |schedule| {
            let due = schedule.next.checked_sub(schedule.tolerance).unwrap_or(now).max(now);
            schedule.next = schedule.next.max(now) + schedule.interval;
            due - now
        })
    }

    /// The server answered 429: the group sends nothing more for `retry_after`
    /// (or a second), and then no burst.
    pub fn throttled(&self, segments: &[String], retry_after: Option<Duration>, now: Instant) {
        let pause = retry_after.unwrap_or(THROTTLED_PAUSE).min(MAX_THROTTLED_PAUSE);
        self.with_schedule(segments, now, |schedule| {
            schedule.next = schedule.next.max(now + pause + schedule.tolerance);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<String> {
        text.split('/').map(str::to_string).collect()
    }

    /// The send times of `n` requests reserved at `now`, relative to it.
    fn sends(limiter: &RateLimiter, segments: &[String], now: Instant, n: usize) -> Vec<Duration> {
        (0..n).map(|_| limiter.reserve(segments, now)).collect()
    }

    #[test]
    fn zero_turns_the_limit_off() {
        assert!(RateLimiter::new(0.0).is_none());
        assert!(RateLimiter::new(-1.0).is_none());
        assert!(RateLimiter::new(f64::NAN).is_none());
    }

    #[test]
    fn a_burst_goes_at_once_then_requests_follow_at_the_rate() {
        let limiter = RateLimiter::new(10.0).unwrap();
        let now = Instant::now();
        let waits = sends(&limiter, &path("projects/p1"), now, 30);
        assert!(waits[..25].iter().all(Duration::is_zero), "{waits:?}");
        assert_eq!(waits[25], Duration::from_millis(100));
        assert_eq!(waits[29], Duration::from_millis(500));
        // Over any second after the burst, at most the rate is sent.
        let later = now + Duration::from_secs(10);
        assert!(limiter.reserve(&path("projects/p1"), later).is_zero(), "the burst refills while idle");
    }

    #[test]
    fn groups_follow_palettes_prefixes() {
        let limiter = RateLimiter::new(10.0).unwrap();
        let now = Instant::now();
        sends(&limiter, &path("projects/p1"), now, 25);
        assert!(limiter.reserve(&path("dashboard/projects"), now).is_zero(), "another prefix has its own budget");
        assert!(!limiter.reserve(&path("projects/p2/meta"), now).is_zero(), "counted with /v1/projects");
        let clusters = sends(&limiter, &path("spectroclusters/c1/config/rbacs"), now, 126);
        assert!(clusters[..125].iter().all(Duration::is_zero) && clusters[125] == Duration::from_millis(20), "5× faster: {:?}", &clusters[124..]);
        let assets = sends(&limiter, &path("spectroclusters/c1/assets/kubeconfigclient"), now, 26);
        assert_eq!(assets[25], Duration::from_millis(100), "kubeconfig downloads are held to the base rate");
    }

    #[test]
    fn a_429_pauses_the_group_without_a_burst_after() {
        let limiter = RateLimiter::new(10.0).unwrap();
        let now = Instant::now();
        limiter.throttled(&path("projects/p1"), None, now);
        let waits = sends(&limiter, &path("projects/p1"), now, 3);
        assert_eq!(waits, vec![Duration::from_millis(1000), Duration::from_millis(1100), Duration::from_millis(1200)]);
        limiter.throttled(&path("packs/x"), Some(Duration::from_secs(3)), now);
        assert_eq!(limiter.reserve(&path("packs"), now), Duration::from_secs(3));
        limiter.throttled(&path("users"), Some(Duration::from_secs(3600)), now);
        assert_eq!(limiter.reserve(&path("users"), now), MAX_THROTTLED_PAUSE);
        assert!(limiter.reserve(&path("clusterprofiles/x"), now).is_zero(), "other groups go on");
    }

    #[test]
    fn a_low_rate_still_allows_one_request_at_a_time() {
        let limiter = RateLimiter::new(0.2).unwrap();
        let now = Instant::now();
        assert_eq!(sends(&limiter, &path("projects"), now, 2), vec![Duration::ZERO, Duration::from_secs(5)]);
    }
}

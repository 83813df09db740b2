//! How an app deployment's tiers roll out on the lifecycle clock.
//!
//! A rollout starts once the cluster runs and lasts `--deploy-seconds`; the
//! profile's tiers deploy one after another in install order, each taking an
//! equal share. A failure injected for a tier name (`/__admin/appTierFailures`)
//! is captured when the rollout is planned: that tier enters `Error` with the
//! injected message when its turn comes, and the tiers after it stay pending.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::lifecycle::{Millis, Span};

/// The tier that fails in a rollout, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierFailure {
    pub tier: String,
    pub message: String,
}

/// One rollout of a deployment's profile: the first one, or the one after a
/// profile change (`update`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollout {
    pub span: Span,
    pub update: bool,
    pub failure: Option<TierFailure>,
}

/// Where one tier stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TierPhase {
    /// Waiting for its turn (or for the cluster).
    Pending,
    Deploying { since: Millis },
    Ready { since: Millis },
    Failed { since: Millis, message: String },
}

impl Rollout {
    /// A rollout of `tiers` (names in install order) that starts at `start`;
    /// `failures` maps tier names to injected failure messages.
    pub fn plan(start: Millis, duration: Duration, update: bool, tiers: &[&str], failures: &BTreeMap<String, String>) -> Rollout {
        let failure = tiers
            .iter()
            .find_map(|tier| failures.get(*tier).map(|message| TierFailure { tier: tier.to_string(), message: message.clone() }));
        Rollout { span: Span::lasting(start, duration), update, failure }
    }

    /// The phase of each of `tiers` (names in install order) at `now`.
    pub fn phases(&self, tiers: &[&str], now: Millis) -> Vec<TierPhase> {
        let count = i64::try_from(tiers.len()).unwrap_or(i64::MAX).max(1);
        let length = self.span.end - self.span.start;
        let boundary = |i: i64| self.span.start + length * i / count;
        let mut failed = false;
        tiers
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let i = i64::try_from(i).unwrap_or(i64::MAX);
                let (starts, ready) = (boundary(i), boundary(i + 1));
                if failed || now < starts {
                    return TierPhase::Pending;
                }
                match &self.failure {
                    Some(failure) if failure.tier == *name => {
                        failed = true;
                        TierPhase::Failed { since: starts, message: failure.message.clone() }
                    }
                    _ if now >= ready => TierPhase::Ready { since: ready },
                    _ => TierPhase::Deploying { since: starts },
                }
            })
            .collect()
    }

    /// Whether every tier is ready at `now`.
    pub fn is_complete(&self, tiers: &[&str], now: Millis) -> bool {
        self.span.is_done(now) && self.phases(tiers, now).iter().all(|phase| matches!(phase, TierPhase::Ready { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_700_000_000_000;
    const TIERS: [&str; 3] = ["db", "cache", "web"];

    fn failing(tier: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(tier.to_string(), "image pull failed".to_string())])
    }

    #[test]
    fn tiers_deploy_one_after_another_in_equal_shares() {
        let rollout = Rollout::plan(T0, Duration::from_secs(3), false, &TIERS, &BTreeMap::new());
        assert_eq!(rollout.phases(&TIERS, T0 - 1), vec![TierPhase::Pending; 3]);
        assert_eq!(
            rollout.phases(&TIERS, T0 + 1_500),
            vec![TierPhase::Ready { since: T0 + 1_000 }, TierPhase::Deploying { since: T0 + 1_000 }, TierPhase::Pending]
        );
        assert!(!rollout.is_complete(&TIERS, T0 + 2_999));
        assert!(rollout.is_complete(&TIERS, T0 + 3_000));
        let instant = Rollout::plan(T0, Duration::ZERO, false, &TIERS, &BTreeMap::new());
        assert!(instant.is_complete(&TIERS, T0));
        assert!(Rollout::plan(T0, Duration::from_secs(1), false, &[], &BTreeMap::new()).is_complete(&[], T0 + 1_000));
    }

    #[test]
    fn an_injected_failure_stops_the_rollout_at_its_tier() {
        let rollout = Rollout::plan(T0, Duration::from_secs(3), false, &TIERS, &failing("cache"));
        assert_eq!(rollout.failure.as_ref().map(|f| f.tier.as_str()), Some("cache"));
        assert_eq!(rollout.phases(&TIERS, T0 + 500)[1], TierPhase::Pending);
        let later = rollout.phases(&TIERS, T0 + 60_000);
        assert_eq!(later[0], TierPhase::Ready { since: T0 + 1_000 });
        assert_eq!(later[1], TierPhase::Failed { since: T0 + 1_000, message: "image pull failed".into() });
        assert_eq!(later[2], TierPhase::Pending);
        assert!(!rollout.is_complete(&TIERS, T0 + 60_000));
        assert_eq!(Rollout::plan(T0, Duration::ZERO, false, &TIERS, &failing("other")).failure, None);
    }
}

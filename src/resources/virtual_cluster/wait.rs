//! What a virtual cluster operation waits for, and how each check reads the
//! cluster: states on the way count as pending, the target ends the wait, and
//! any other state fails at once with the cluster's state and message.

use tokio::time::Instant;

use crate::client::clusters::SpectroCluster;
use crate::client::{ClientError, Scope};
use terraform_plugin::framework::context::Context;
use terraform_plugin::framework::wait::{poll, CheckError, Poll, WaitError};
use crate::provider::{call, Palette};

/// Provisioning states that lead to `Running`.
const PROVISIONING: [&str; 5] = ["", "Unknown", "Pending", "Provisioning", "Importing"];
/// States a cluster may show while a deletion proceeds.
const DELETING: [&str; 6] = ["", "Pending", "Provisioning", "Running", "Deleting", "Importing"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `status.state` Running and the overview's health Healthy.
    RunningHealthy,
    /// 404 or `Deleted`.
    Gone,
    /// Gone, waiting at most until the given instant (before a forced delete).
    GoneBy(Instant),
    /// Lifecycle status `Paused`.
    Paused,
    /// Lifecycle status `Running` after a resume.
    Resumed,
    /// `status.spcApply.canBeApplied` after a profile change.
    ProfilesApplied,
}

/// What one check concludes from the cluster as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Done,
    Pending(String),
    /// Running, but health is needed to decide.
    NeedsHealth,
    Unexpected(String),
}

/// The first condition message the cluster reports as not met, for errors.
fn condition_message(cluster: &SpectroCluster) -> String {
    let status = cluster.status.as_ref();
    let lifecycle = cluster.lifecycle_status().map(|l| l.msg.clone()).filter(|m| !m.is_empty());
    let condition = status.and_then(|s| s.conditions.iter().find(|c| c.status != "True" && !c.message.is_empty())).map(|c| c.message.clone());
    lifecycle.or(condition).unwrap_or_else(|| "no message".to_string())
}

/// Judges one read of the cluster (`None` = gone) against `target`.
pub fn judge(target: Target, cluster: Option<&SpectroCluster>) -> Verdict {
    let Some(cluster) = cluster.filter(|c| !c.is_deleted()) else {
        return match target {
            Target::Gone | Target::GoneBy(_) => Verdict::Done,
            _ => Verdict::Unexpected("the cluster no longer exists".to_string()),
        };
    };
    let state = cluster.state();
    let unexpected = |what: &str| Verdict::Unexpected(format!("the cluster is in {what} ({})", condition_message(cluster)));
    match target {
        Target::RunningHealthy if state == "Running" => Verdict::NeedsHealth,
        Target::RunningHealthy if PROVISIONING.contains(&state) => Verdict::Pending(if state.is_empty() { "NotReady".to_string() } else { state.to_string() }),
        Target::RunningHealthy => unexpected(&format!("state {state}")),
        Target::Gone | Target::GoneBy(_) if DELETING.contains(&state) => Verdict::Pending(if state.is_empty() { "Unknown".to_string() } else { state.to_string() }),
        Target::Gone | Target::GoneBy(_) => unexpected(&format!("state {state}")),
        Target::Paused | Target::Resumed => {
            let power = cluster.lifecycle_status().map(|l| l.status.as_str()).unwrap_or("");
            let (done, on_the_way): (&str, &[&str]) = match target {
                // The source state counts as pending: the transition may not have begun.
                Target::Paused => ("Paused", &["Running", "Pausing", "Resuming", ""]),
                _ => ("Running", &["Paused", "Resuming", "Pausing", ""]),
            };
            if power == done {
                Verdict::Done
            } else if on_the_way.contains(&power) {
                Verdict::Pending(if power.is_empty() { "lifecycle not reported".to_string() } else { power.to_string() })
            } else {
                unexpected(&format!("lifecycle status {power}"))
            }
        }
        Target::ProfilesApplied => match cluster.status.as_ref().and_then(|s| s.spc_apply.as_ref()) {
            Some(apply) if !apply.can_be_applied => Verdict::Pending("profile changes downloading".to_string()),
            _ => Verdict::Done,
        },
    }
}

/// Waits for `target` within the operation's deadline (or `GoneBy`'s). A read
/// that fails transiently (Palette unreachable or failing) does not end the
/// wait; a cluster in an unexpected state ends it at once.
pub async fn wait_for(ctx: &Context<Palette>, scope: &Scope, uid: &str, target: Target) -> Result<(), WaitError<CheckError<ClientError>>> {
    let deadline = match target {
        Target::GoneBy(by) => by,
        _ => ctx.deadline(),
    };
    let client = &ctx.data().client;
    poll(ctx, deadline, move || async move {
        let cluster = client.get_cluster(&call(ctx), scope, uid).await?;
        match judge(target, cluster.as_ref()) {
            Verdict::Done => Ok(Poll::Done(())),
            Verdict::Pending(state) => Ok(Poll::Pending(state)),
            Verdict::Unexpected(detail) => Err(CheckError::Unexpected { summary: "The virtual cluster entered an unexpected state".to_string(), detail }),
            Verdict::NeedsHealth => {
                let overview = client.get_cluster_overview(&call(ctx), scope, uid).await?;
                let health = overview.as_ref().map(|o| o.health()).unwrap_or("");
                Ok(if health == "Healthy" { Poll::Done(()) } else { Poll::Pending(format!("Running, health {}", if health.is_empty() { "unknown" } else { health })) })
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster(body: serde_json::Value) -> SpectroCluster {
        serde_json::from_value(body).unwrap()
    }

    fn in_state(state: &str) -> SpectroCluster {
        cluster(json!({"metadata": {"uid": "c"}, "status": {"state": state}}))
    }

    fn with_power(status: &str) -> SpectroCluster {
        cluster(json!({"status": {"state": "Running", "virtual": {"lifecycleStatus": {"status": status, "msg": "host gone"}}}}))
    }

    #[test]
    fn create_waits_through_provisioning_then_asks_for_health() {
        assert_eq!(judge(Target::RunningHealthy, Some(&cluster(json!({"metadata": {}})))), Verdict::Pending("NotReady".into()));
        assert_eq!(judge(Target::RunningHealthy, Some(&in_state("Provisioning"))), Verdict::Pending("Provisioning".into()));
        assert_eq!(judge(Target::RunningHealthy, Some(&in_state("Running"))), Verdict::NeedsHealth);
        assert!(matches!(judge(Target::RunningHealthy, Some(&in_state("Failed"))), Verdict::Unexpected(m) if m.contains("state Failed")));
        assert!(matches!(judge(Target::RunningHealthy, None), Verdict::Unexpected(_)));
        assert!(matches!(judge(Target::RunningHealthy, Some(&in_state("Deleted"))), Verdict::Unexpected(_)));
    }

    #[test]
    fn delete_waits_through_running_and_deleting_until_gone() {
        assert_eq!(judge(Target::Gone, Some(&in_state("Running"))), Verdict::Pending("Running".into()));
        assert_eq!(judge(Target::Gone, Some(&in_state("Deleting"))), Verdict::Pending("Deleting".into()));
        assert_eq!(judge(Target::Gone, Some(&in_state("Deleted"))), Verdict::Done);
        assert_eq!(judge(Target::Gone, None), Verdict::Done);
        assert!(matches!(judge(Target::Gone, Some(&in_state("Error"))), Verdict::Unexpected(_)));
    }

    #[test]
    fn pause_and_resume_fail_at_once_on_error_with_the_message() {
        assert_eq!(judge(Target::Paused, Some(&with_power("Pausing"))), Verdict::Pending("Pausing".into()));
        assert_eq!(judge(Target::Paused, Some(&with_power("Running"))), Verdict::Pending("Running".into()));
        assert_eq!(judge(Target::Paused, Some(&with_power("Paused"))), Verdict::Done);
        assert_eq!(judge(Target::Resumed, Some(&with_power("Resuming"))), Verdict::Pending("Resuming".into()));
        assert_eq!(judge(Target::Resumed, Some(&with_power("Running"))), Verdict::Done);
        let error = judge(Target::Paused, Some(&with_power("Error")));
        assert!(matches!(&error, Verdict::Unexpected(m) if m.contains("lifecycle status Error") && m.contains("host gone")), "{error:?}");
    }

    #[test]
    fn profile_changes_wait_until_applicable() {
        let downloading = cluster(json!({"status": {"state": "Running", "spcApply": {"canBeApplied": false}}}));
        assert!(matches!(judge(Target::ProfilesApplied, Some(&downloading)), Verdict::Pending(_)));
        let ready = cluster(json!({"status": {"state": "Running", "spcApply": {"canBeApplied": true}}}));
        assert_eq!(judge(Target::ProfilesApplied, Some(&ready)), Verdict::Done);
    }
}

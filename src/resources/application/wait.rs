//! What an application deployment operation waits for, and how each check reads
//! the deployment: states on the way count as pending, the target ends the wait,
//! and a tier in error (or the deployment vanishing) fails at once with the
//! tier's name and message.

use crate::client::app_deployments::AppDeployment;
use crate::client::{ClientError, Scope};
use terraform_plugin::framework::context::Context;
use terraform_plugin::framework::wait::{poll, CheckError, Poll, WaitError};
use crate::provider::{call, Palette};

/// `status.state` of a deployment whose tiers all run.
const DEPLOYED: &str = "Deployed";
/// `condition.type` of a tier that failed.
const TIER_ERROR: &str = "Error";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `Deployed`, every tier's condition `Ready` and `True`.
    Deployed,
    /// 404.
    Gone,
}

/// What one check concludes from the deployment as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Done,
    Pending(String),
    Failed { summary: String, detail: String },
}

/// Judges one read of the deployment (`None` = gone) against `target`.
pub fn judge(target: Target, deployment: Option<&AppDeployment>) -> Verdict {
    let Some(deployment) = deployment else {
        return match target {
            Target::Gone => Verdict::Done,
            Target::Deployed => Verdict::Failed {
                summary: "The application deployment disappeared".to_string(),
                detail: "It was deleted while Terraform waited for it to deploy.".to_string(),
            },
        };
    };
    let state = if deployment.status.state.is_empty() { "Pending" } else { deployment.status.state.as_str() };
    if target == Target::Gone {
        return Verdict::Pending(state.to_string());
    }
    let tiers = &deployment.status.app_tiers;
    if let Some((tier, condition)) = tiers.iter().find_map(|t| t.condition.as_ref().filter(|c| c.condition_type == TIER_ERROR).map(|c| (t, c))) {
        let message = if condition.message.is_empty() { "no message" } else { condition.message.as_str() };
        return Verdict::Failed {
            summary: format!("Tier {:?} of application {:?} failed", tier.name, deployment.metadata.name),
            detail: format!("Palette reports tier {:?} in error: {message}", tier.name),
        };
    }
    let ready = |t: &&crate::client::app_deployments::TierStatus| t.condition.as_ref().is_some_and(|c| c.condition_type == "Ready" && c.status == "True");
    let ready_count = tiers.iter().filter(ready).count();
    if state == DEPLOYED && ready_count == tiers.len() {
        return Verdict::Done;
    }
    match tiers.iter().find(|t| !ready(t)) {
        Some(next) if !tiers.is_empty() => {
            let reason = next.condition.as_ref().map(|c| c.reason.as_str()).filter(|r| !r.is_empty()).unwrap_or("not ready");
            Verdict::Pending(format!("{state}, {ready_count} of {} tiers ready, tier {} {reason}", tiers.len(), next.name))
        }
        _ => Verdict::Pending(state.to_string()),
    }
}

/// Waits for `target` within the operation's deadline. A read that fails
/// transiently (Palette unreachable or failing) does not end the wait; a tier
/// in error ends it at once.
pub async fn wait_for(ctx: &Context<Palette>, scope: &Scope, uid: &str, target: Target) -> Result<(), WaitError<CheckError<ClientError>>> {
    let client = &ctx.data().client;
    poll(ctx, ctx.deadline(), move || async move {
        let deployment = client.get_app_deployment(&call(ctx), scope, uid).await?;
        match judge(target, deployment.as_ref()) {
            Verdict::Done => Ok(Poll::Done(())),
            Verdict::Pending(state) => Ok(Poll::Pending(state)),
            Verdict::Failed { summary, detail } => Err(CheckError::Unexpected { summary, detail }),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(state: &str, tiers: serde_json::Value) -> AppDeployment {
        serde_json::from_value(json!({"metadata": {"name": "shop"}, "status": {"state": state, "appTiers": tiers}})).unwrap()
    }

    fn tier(name: &str, kind: &str, status: &str, reason: &str, message: &str) -> serde_json::Value {
        json!({"name": name, "condition": {"type": kind, "status": status, "reason": reason, "message": message}})
    }

    #[test]
    fn deploys_when_the_state_and_every_tier_are_ready() {
        let ready = tier("db", "Ready", "True", "Deployed", "");
        assert_eq!(judge(Target::Deployed, Some(&deployment("Deployed", json!([ready.clone(), ready.clone()])))), Verdict::Done);
        assert_eq!(judge(Target::Deployed, Some(&deployment("Deployed", json!([])))), Verdict::Done);
        let rolling = deployment("Deploying", json!([ready, tier("web", "Ready", "False", "Deploying", "")]));
        assert_eq!(judge(Target::Deployed, Some(&rolling)), Verdict::Pending("Deploying, 1 of 2 tiers ready, tier web Deploying".into()));
        assert_eq!(judge(Target::Deployed, Some(&deployment("", json!(null)))), Verdict::Pending("Pending".into()));
    }

    #[test]
    fn a_tier_in_error_fails_at_once_with_its_name_and_message() {
        let failed = deployment("Deploying", json!([tier("db", "Ready", "True", "", ""), tier("web", "Error", "True", "DeployFailed", "ImagePullBackOff")]));
        let Verdict::Failed { summary, detail } = judge(Target::Deployed, Some(&failed)) else { panic!("expected a failure") };
        assert!(summary.contains("\"web\"") && detail.contains("ImagePullBackOff"), "{summary} / {detail}");
        assert!(matches!(judge(Target::Deployed, None), Verdict::Failed { .. }));
    }

    #[test]
    fn deletion_waits_until_gone() {
        assert_eq!(judge(Target::Gone, Some(&deployment("Deleting", json!([])))), Verdict::Pending("Deleting".into()));
        assert_eq!(judge(Target::Gone, None), Verdict::Done);
    }
}

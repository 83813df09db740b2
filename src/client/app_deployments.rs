//! App deployments (`/v1/appDeployments`): an application profile deployed into
//! an existing virtual cluster or into a new one made for it in a cluster group.

use serde::{Deserialize, Serialize};

use super::clusters::ClusterCondition;
use super::context::CallContext;
use super::error::ClientError;
use super::models::{nullable, ObjectMeta, ObjectRef, VersionRef};
use super::packs::{FilterString, SortSpec};
use super::transport::{PaletteClient, Request, Scope};

/// Items per page on the deployment search (the API's maximum).
const PAGE_SIZE: &str = "50";
/// `envRef.type` of a deployment whose cluster was made in a cluster group.
pub const CLUSTER_GROUP_ENVIRONMENT: &str = "clusterGroup";

// ---- create bodies ----

/// `v1AppDeploymentVirtualClusterEntity` / `v1AppDeploymentClusterGroupEntity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDeploymentEntity<T> {
    pub metadata: ObjectMeta,
    pub spec: AppDeploymentEntitySpec<T>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDeploymentEntitySpec<T> {
    pub config: TargetConfigEntity<T>,
    pub profile: ProfileEntity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetConfigEntity<T> {
    pub target_spec: T,
}

/// `v1AppDeploymentProfileEntity`: also the body of `PUT .../profile`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileEntity {
    pub app_profile_uid: String,
}

/// Into an existing virtual cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterTarget {
    pub cluster_uid: String,
}

/// Into a new virtual cluster named `cluster_name` in a cluster group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterGroupTarget {
    pub cluster_group_uid: String,
    pub cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_limits: Option<ClusterLimits>,
}

/// `v1AppDeploymentTargetClusterLimits`: CPU cores, memory MiB, storage GiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClusterLimits {
    pub cpu: i32,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: i32,
    #[serde(rename = "storageGiB")]
    pub storage_gib: i32,
}

impl<T> AppDeploymentEntity<T> {
    pub fn new(metadata: ObjectMeta, target: T, profile_uid: impl Into<String>) -> Self {
        AppDeploymentEntity {
            metadata,
            spec: AppDeploymentEntitySpec {
                config: TargetConfigEntity { target_spec: target },
                profile: ProfileEntity { app_profile_uid: profile_uid.into() },
            },
        }
    }
}

// ---- reads ----

/// `v1AppDeployment` (the members the resource reads).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppDeployment {
    pub metadata: ObjectMeta,
    pub spec: AppDeploymentSpec,
    pub status: AppDeploymentStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppDeploymentSpec {
    pub config: AppDeploymentConfig,
    pub profile: AppDeploymentProfile,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppDeploymentConfig {
    pub target: AppDeploymentTarget,
}

/// `spec.config.target`: the cluster, and what it was chosen by (`envRef.type`
/// `clusterGroup` for a cluster made in a group, `nestedCluster` otherwise).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppDeploymentTarget {
    pub cluster_ref: ObjectRef,
    pub env_ref: EnvironmentRef,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EnvironmentRef {
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub env_type: String,
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppDeploymentProfile {
    pub metadata: ObjectMeta,
}

/// `status`: `state` is `Pending`, `Deploying`, `Deployed`, `Updating` (or
/// `Deleting`); each tier reports a condition.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppDeploymentStatus {
    #[serde(deserialize_with = "nullable")]
    pub state: String,
    #[serde(deserialize_with = "nullable")]
    pub app_tiers: Vec<TierStatus>,
}

/// A tier's status (`v1ClusterPackStatus`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TierStatus {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// `type` `Ready`, or `Error` for a tier that failed.
    pub condition: Option<ClusterCondition>,
}

impl AppDeployment {
    /// The cluster group the deployment made its cluster in, if it did.
    pub fn cluster_group_uid(&self) -> Option<&str> {
        let env = &self.spec.config.target.env_ref;
        (env.env_type == CLUSTER_GROUP_ENVIRONMENT && !env.uid.is_empty()).then_some(env.uid.as_str())
    }

    pub fn cluster_uid(&self) -> &str {
        &self.spec.config.target.cluster_ref.uid
    }
}

/// An item of the deployment search (`v1AppDeploymentSummary`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppDeploymentSummary {
    pub metadata: ObjectMeta,
}

/// `v1AppDeploymentsFilterSpec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AppDeploymentSearch {
    pub filter: AppDeploymentFilter,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppDeploymentFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_deployment_name: Option<FilterString>,
}

impl AppDeploymentSearch {
    /// Deployments named exactly `name` (case-sensitive).
    pub fn by_name(name: &str) -> Self {
        AppDeploymentSearch {
            filter: AppDeploymentFilter { app_deployment_name: Some(FilterString { ignore_case: Some(false), ..FilterString::eq(name) }) },
            sort: vec![SortSpec { field: "appDeploymentName".to_string(), order: "asc".to_string() }],
        }
    }
}

/// `v1AppDeploymentProfileVersions`: the versions a deployment may move to.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileVersions {
    #[serde(deserialize_with = "nullable")]
    pub available_versions: Vec<VersionRef>,
    #[serde(deserialize_with = "nullable")]
    pub latest_versions: Vec<VersionRef>,
}

impl ProfileVersions {
    pub fn offers(&self, profile_uid: &str) -> bool {
        self.available_versions.iter().chain(&self.latest_versions).any(|v| v.uid == profile_uid)
    }
}

impl PaletteClient {
    /// `POST /v1/appDeployments` (into an existing cluster); returns the new
    /// UID. A lost answer is resolved by searching for the deployment's name.
    pub async fn create_app_deployment(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        deployment: &AppDeploymentEntity<ClusterTarget>,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["appDeployments"]).scope(scope).json(deployment);
        self.create_deployment(ctx, scope, request, &deployment.metadata.name).await
    }

    /// `POST /v1/appDeployments/clusterGroup` (into a new cluster made in the
    /// group, with the limits as its quota); returns the new UID.
    pub async fn create_app_deployment_in_group(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        deployment: &AppDeploymentEntity<ClusterGroupTarget>,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["appDeployments", "clusterGroup"]).scope(scope).json(deployment);
        self.create_deployment(ctx, scope, request, &deployment.metadata.name).await
    }

    async fn create_deployment(&self, ctx: &CallContext, scope: &Scope, request: Request, name: &str) -> Result<String, ClientError> {
        self.create_with_lookup(ctx, request, |lookup| async move {
            let found = self.find_app_deployments(&lookup, scope, name).await?;
            Ok(found.into_iter().next().map(|d| d.metadata.uid))
        })
        .await
    }

    /// `GET /v1/appDeployments/{uid}`; `None` on 404.
    pub async fn get_app_deployment(&self, ctx: &CallContext, scope: &Scope, uid: &str) -> Result<Option<AppDeployment>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["appDeployments", uid]).scope(scope)).await
    }

    /// `DELETE /v1/appDeployments/{uid}`; already gone is not an error. The
    /// deletion continues asynchronously: poll [`get_app_deployment`](Self::get_app_deployment).
    pub async fn delete_app_deployment(&self, ctx: &CallContext, scope: &Scope, uid: &str) -> Result<(), ClientError> {
        self.send_delete(ctx, Request::delete(&["appDeployments", uid]).scope(scope)).await
    }

    /// Deployments named exactly `name`, from `POST /v1/dashboard/appDeployments` over all pages.
    pub async fn find_app_deployments(&self, ctx: &CallContext, scope: &Scope, name: &str) -> Result<Vec<AppDeploymentSummary>, ClientError> {
        let request = Request::post(&["dashboard", "appDeployments"])
            .scope(scope)
            .query("limit", PAGE_SIZE)
            .json(&AppDeploymentSearch::by_name(name))
            .idempotent();
        let found: Vec<AppDeploymentSummary> = self.fetch_all(ctx, request).await?;
        Ok(found.into_iter().filter(|d| d.metadata.name == name).collect())
    }

    /// `GET /v1/appDeployments/{uid}/profile/versions`; `None` on 404.
    pub async fn get_app_deployment_profile_versions(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ProfileVersions>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["appDeployments", uid, "profile", "versions"]).scope(scope)).await
    }

    /// `PUT /v1/appDeployments/{uid}/profile`: moves the deployment to another
    /// version of its profile; it rolls out again.
    pub async fn set_app_deployment_profile(&self, ctx: &CallContext, scope: &Scope, uid: &str, profile_uid: &str) -> Result<(), ClientError> {
        let body = ProfileEntity { app_profile_uid: profile_uid.to_string() };
        self.send(ctx, Request::put(&["appDeployments", uid, "profile"]).scope(scope).json(&body)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_bodies_match_the_spec() {
        let limits = ClusterLimits { cpu: 2, memory_mib: 4096, storage_gib: 10 };
        let target = ClusterGroupTarget { cluster_group_uid: "g".into(), cluster_name: "vc".into(), cluster_limits: Some(limits) };
        let body = serde_json::to_value(AppDeploymentEntity::new(ObjectMeta::named("app"), target, "p")).unwrap();
        assert_eq!(
            body["spec"],
            json!({"config": {"targetSpec": {"clusterGroupUid": "g", "clusterName": "vc", "clusterLimits": {"cpu": 2, "memoryMiB": 4096, "storageGiB": 10}}},
                   "profile": {"appProfileUid": "p"}})
        );
        let body = serde_json::to_value(AppDeploymentEntity::new(ObjectMeta::named("app"), ClusterTarget { cluster_uid: "c".into() }, "p")).unwrap();
        assert_eq!(body["spec"]["config"], json!({"targetSpec": {"clusterUid": "c"}}));
        let search = serde_json::to_value(AppDeploymentSearch::by_name("app")).unwrap();
        assert_eq!(search["filter"], json!({"appDeploymentName": {"eq": "app", "ignoreCase": false}}));
    }

    #[test]
    fn reads_tell_a_group_target_from_an_existing_cluster() {
        let read = |env: &str| -> AppDeployment {
            serde_json::from_value(json!({"metadata": {"uid": "d"}, "spec": {"config": {"target": {
                "clusterRef": {"uid": "c", "name": "vc"}, "envRef": {"type": env, "uid": "g", "name": "cg"}}},
                "profile": {"metadata": {"uid": "p"}}}, "status": {"state": "Deployed", "appTiers": null}}))
            .unwrap()
        };
        assert_eq!(read("clusterGroup").cluster_group_uid(), Some("g"));
        assert_eq!(read("nestedCluster").cluster_group_uid(), None);
        assert_eq!(read("nestedCluster").cluster_uid(), "c");
    }
}

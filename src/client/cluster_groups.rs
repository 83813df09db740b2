//! Cluster groups (`/v1/clustergroups`).

use serde::{Deserialize, Serialize};

use super::context::CallContext;
use super::conventions::context_for_scope;
use super::error::ClientError;
use super::models::{
    nullable, AttachedProfile, AttachedProfiles, ClusterProfileTemplate, Items, ObjectMeta, ObjectRef,
    ProfileAttachment, ProfileAttachments,
};
use super::transport::{PaletteClient, Request, Scope};

/// The only cluster group type the API knows.
pub const HOST_CLUSTER_GROUP_TYPE: &str = "hostCluster";

/// `v1ClusterGroupEntity`: the create body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterGroupEntity {
    pub metadata: ObjectMeta,
    pub spec: ClusterGroupEntitySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterGroupEntitySpec {
    /// Always [`HOST_CLUSTER_GROUP_TYPE`].
    #[serde(rename = "type")]
    pub group_type: String,
    #[serde(deserialize_with = "nullable")]
    pub cluster_refs: Vec<ClusterRef>,
    pub clusters_config: ClustersConfig,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<ProfileAttachment>,
}

/// A member host cluster: `{clusterUid, clusterName}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterRef {
    #[serde(deserialize_with = "nullable")]
    pub cluster_uid: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub cluster_name: String,
}

/// `clustersConfig`: endpoints, quotas, values and distribution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClustersConfig {
    /// `Ingress` or `LoadBalancer`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub endpoint_type: String,
    #[serde(deserialize_with = "nullable")]
    pub host_clusters_config: Vec<HostClusterConfig>,
    /// `k3s`, `cncf_k8s` or `vcluster-generic`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub kubernetes_distro_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_config: Option<LimitConfig>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub values: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostClusterConfig {
    #[serde(deserialize_with = "nullable")]
    pub cluster_uid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_config: Option<EndpointConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_config: Option<IngressConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_config: Option<LoadBalancerConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngressConfig {
    /// The provider's `host_dns`, e.g. `*.dev.example.com`.
    #[serde(deserialize_with = "nullable")]
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerConfig {
    #[serde(rename = "externalIPs", deserialize_with = "nullable")]
    pub external_ips: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub external_traffic_policy: String,
    #[serde(deserialize_with = "nullable")]
    pub load_balancer_source_ranges: Vec<String>,
}

/// Quotas: CPU in millicores, memory in MiB, storage in GiB, and the
/// oversubscription percentage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LimitConfig {
    pub cpu_milli_core: i32,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: i32,
    #[serde(rename = "storageGiB")]
    pub storage_gib: i32,
    pub over_subscription: i32,
}

/// `v1ClusterGroup` as read back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterGroup {
    pub metadata: ObjectMeta,
    pub spec: ClusterGroupSpec,
    pub status: ClusterGroupStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterGroupSpec {
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub group_type: String,
    #[serde(deserialize_with = "nullable")]
    pub cluster_refs: Vec<ClusterRef>,
    pub clusters_config: Option<ClustersConfig>,
    #[serde(deserialize_with = "nullable")]
    pub cluster_profile_templates: Vec<ClusterProfileTemplate>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterGroupStatus {
    /// `Some(false)` means deleted (soft delete); a missing flag is not.
    pub is_active: Option<bool>,
}

/// The body of `PUT /v1/clustergroups/{uid}/hostCluster`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostClusterUpdate {
    #[serde(deserialize_with = "nullable")]
    pub cluster_refs: Vec<ClusterRef>,
    pub clusters_config: ClustersConfig,
}

/// An item of `GET /v1/clustergroups/hostCluster` (`v1ClusterGroupSummary`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterGroupSummary {
    pub metadata: ObjectMeta,
    pub spec: ClusterGroupSummarySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterGroupSummarySpec {
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
    #[serde(deserialize_with = "nullable")]
    pub endpoint_type: String,
    #[serde(deserialize_with = "nullable")]
    pub kubernetes_distro_type: String,
    #[serde(deserialize_with = "nullable")]
    pub host_clusters: Vec<ObjectRef>,
    pub host_clusters_count: i64,
    pub virtual_clusters_count: i64,
}

/// An item of `GET /v1/clustergroups/hostCluster/metadata`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterGroupMetadata {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// `tenant`, `system` or `project`.
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
}

/// `{"summaries": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct Summaries {
    #[serde(deserialize_with = "nullable")]
    summaries: Vec<ClusterGroupSummary>,
}

impl PaletteClient {
    /// `POST /v1/clustergroups`; returns the new UID. A lost answer is
    /// resolved by looking the name up in `scope`.
    pub async fn create_cluster_group(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        group: &ClusterGroupEntity,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["clustergroups"]).scope(scope).json(group);
        let name = group.metadata.name.as_str();
        self.create_with_lookup(
            ctx,
            request,
            |lookup| async move { self.find_cluster_group(&lookup, scope, name).await },
        )
        .await
    }

    /// `GET /v1/clustergroups/{uid}`; `None` when it does not exist or is
    /// soft-deleted (`status.isActive == false`).
    pub async fn get_cluster_group(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterGroup>, ClientError> {
        let group: Option<ClusterGroup> =
            self.fetch_optional(ctx, Request::get(&["clustergroups", uid]).scope(scope)).await?;
        Ok(group.filter(|g| g.status.is_active != Some(false)))
    }

    /// `PUT /v1/clustergroups/{uid}/meta`: name, labels, annotations.
    pub async fn update_cluster_group_meta(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        meta: &ObjectMeta,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["clustergroups", uid, "meta"]).scope(scope).json(meta)).await
    }

    /// `PUT /v1/clustergroups/{uid}/hostCluster`: members, endpoints, quotas, values.
    pub async fn update_cluster_group_host_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        update: &HostClusterUpdate,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["clustergroups", uid, "hostCluster"]).scope(scope).json(update)).await
    }

    /// `GET /v1/clustergroups/{uid}/profiles`.
    pub async fn get_cluster_group_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<AttachedProfile>, ClientError> {
        let body: AttachedProfiles =
            self.fetch(ctx, Request::get(&["clustergroups", uid, "profiles"]).scope(scope)).await?;
        Ok(body.profiles)
    }

    /// `PUT /v1/clustergroups/{uid}/profiles`: replaces the attached profiles.
    pub async fn update_cluster_group_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profiles: &ProfileAttachments,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["clustergroups", uid, "profiles"]).scope(scope).json(profiles)).await
    }

    /// `DELETE /v1/clustergroups/{uid}`; already gone is not an error.
    pub async fn delete_cluster_group(&self, ctx: &CallContext, scope: &Scope, uid: &str) -> Result<(), ClientError> {
        self.send_delete(ctx, Request::delete(&["clustergroups", uid]).scope(scope)).await
    }

    /// `GET /v1/clustergroups/hostCluster`: the groups visible in `scope`.
    pub async fn list_cluster_group_summaries(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<ClusterGroupSummary>, ClientError> {
        let body: Summaries = self.fetch(ctx, Request::get(&["clustergroups", "hostCluster"]).scope(scope)).await?;
        Ok(body.summaries)
    }

    /// `GET /v1/clustergroups/hostCluster/metadata`: `{uid, name, scope}` of
    /// the groups visible in `scope` (tenant and system ones included).
    pub async fn list_cluster_group_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<ClusterGroupMetadata>, ClientError> {
        let list: Items<ClusterGroupMetadata> =
            self.fetch(ctx, Request::get(&["clustergroups", "hostCluster", "metadata"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// The UID of the group named `name` that lives in `scope` itself: a
    /// tenant group (from the metadata listing) for [`Scope::Tenant`], a
    /// project group (from the summaries, as the official provider does) otherwise.
    pub async fn find_cluster_group(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        name: &str,
    ) -> Result<Option<String>, ClientError> {
        let wanted = context_for_scope(scope);
        let in_scope = |found: &str| found.is_empty() || found == wanted;
        match scope {
            Scope::Tenant => {
                let groups = self.list_cluster_group_metadata(ctx, scope).await?;
                Ok(groups.into_iter().find(|g| g.name == name && in_scope(&g.scope)).map(|g| g.uid))
            }
            Scope::Project(_) => {
                let groups = self.list_cluster_group_summaries(ctx, scope).await?;
                Ok(groups
                    .into_iter()
                    .find(|g| g.metadata.name == name && in_scope(&g.spec.scope))
                    .map(|g| g.metadata.uid))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::models::NameValue;
    use serde_json::json;

    fn sample_config() -> ClustersConfig {
        ClustersConfig {
            endpoint_type: "Ingress".into(),
            host_clusters_config: vec![HostClusterConfig {
                cluster_uid: "h1".into(),
                endpoint_config: Some(EndpointConfig {
                    ingress_config: Some(IngressConfig { host: "*.dev.example.com".into(), port: None }),
                    load_balancer_config: None,
                }),
            }],
            kubernetes_distro_type: "vcluster-generic".into(),
            limit_config: Some(LimitConfig {
                cpu_milli_core: 6000,
                memory_mib: 8192,
                storage_gib: 10,
                over_subscription: 120,
            }),
            values: String::new(),
        }
    }

    #[test]
    fn create_body_matches_the_spec() {
        let entity = ClusterGroupEntity {
            metadata: ObjectMeta::named("cg-dev"),
            spec: ClusterGroupEntitySpec {
                group_type: HOST_CLUSTER_GROUP_TYPE.into(),
                cluster_refs: vec![ClusterRef { cluster_uid: "h1".into(), cluster_name: String::new() }],
                clusters_config: sample_config(),
                profiles: vec![ProfileAttachment {
                    uid: "cp1".into(),
                    variables: vec![NameValue::new("replicas", "3")],
                    ..ProfileAttachment::default()
                }],
            },
        };
        let body = serde_json::to_value(&entity).unwrap();
        assert_eq!(body["spec"]["type"], "hostCluster");
        assert_eq!(body["spec"]["clusterRefs"], json!([{"clusterUid": "h1"}]));
        assert_eq!(
            body["spec"]["clustersConfig"],
            json!({"endpointType": "Ingress",
                   "hostClustersConfig": [{"clusterUid": "h1", "endpointConfig": {"ingressConfig": {"host": "*.dev.example.com"}}}],
                   "kubernetesDistroType": "vcluster-generic",
                   "limitConfig": {"cpuMilliCore": 6000, "memoryMiB": 8192, "storageGiB": 10, "overSubscription": 120}})
        );
        assert_eq!(body["spec"]["profiles"][0]["variables"], json!([{"name": "replicas", "value": "3"}]));
    }

    #[test]
    fn inactive_groups_read_as_gone_but_a_missing_flag_does_not() {
        let inactive: ClusterGroup =
            serde_json::from_value(json!({"metadata": {"uid": "g"}, "status": {"isActive": false}})).unwrap();
        assert_eq!(inactive.status.is_active, Some(false));
        let unknown: ClusterGroup = serde_json::from_value(json!({"metadata": {"uid": "g"}, "status": {}})).unwrap();
        assert_eq!(unknown.status.is_active, None);
    }

    #[test]
    fn group_reads_config_back() {
        let group: ClusterGroup = serde_json::from_value(json!({
            "metadata": {"uid": "g1", "name": "cg-dev", "annotations": {"scope": "tenant"}},
            "spec": {"type": "hostCluster", "clusterRefs": [{"clusterUid": "h1", "clusterName": "host-1"}],
                     "clustersConfig": {"endpointType": "Ingress", "kubernetesDistroType": "k3s", "values": "a: 1",
                                        "limitConfig": {"cpuMilliCore": 4000, "memoryMiB": 4096, "storageGiB": 5, "overSubscription": 100},
                                        "hostClustersConfig": [{"clusterUid": "h1", "endpointConfig": {"ingressConfig": {"host": "*.x", "port": 443}}}]},
                     "clusterProfileTemplates": null},
            "status": {"isActive": true}
        }))
        .unwrap();
        let config = group.spec.clusters_config.unwrap();
        assert_eq!(config.values, "a: 1");
        assert_eq!(config.limit_config.unwrap().memory_mib, 4096);
        assert_eq!(
            config.host_clusters_config[0].endpoint_config.as_ref().unwrap().ingress_config.as_ref().unwrap().port,
            Some(443)
        );
        assert_eq!(group.spec.cluster_refs[0].cluster_name, "host-1");
    }

    #[test]
    fn summaries_and_metadata_read() {
        let body: Summaries = serde_json::from_value(json!({"summaries": [
            {"metadata": {"uid": "g1", "name": "cg"}, "spec": {"scope": "project", "hostClustersCount": 2, "virtualClustersCount": 3}}
        ]}))
        .unwrap();
        assert_eq!(body.summaries[0].spec.virtual_clusters_count, 3);
        let list: Items<ClusterGroupMetadata> =
            serde_json::from_value(json!({"items": [{"uid": "g1", "name": "beehive", "scope": "system"}]})).unwrap();
        assert_eq!(list.items[0].scope, "system");
    }
}

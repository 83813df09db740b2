//! Virtual clusters and the spectroclusters calls around them
//! (`/v1/spectroclusters`, `/v1/cloudconfigs/virtual`, cluster dashboards).

mod types;
pub use types::*;

use serde::Serialize;

use super::context::CallContext;
use super::error::ClientError;
use super::models::{AttachedProfile, AttachedProfiles, Items, ObjectMeta, ProfileAttachments};
use super::transport::{PaletteClient, Request, Scope};

/// Items per page on cluster searches (the API's maximum).
const PAGE_SIZE: &str = "50";

/// `{"lifecycleConfig": {"pause": bool}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LifecycleUpdate {
    lifecycle_config: LifecycleConfig,
}

/// `{"instanceType": {...}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResizeBody<'a> {
    instance_type: &'a VirtualInstanceType,
}

/// `{"clusterConfig": {...}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfigBody<'a> {
    cluster_config: &'a VirtualClusterConfig,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileUids<'a> {
    profile_uids: &'a [String],
}

#[derive(Debug, Clone, Serialize)]
struct MetadataBody<'a> {
    metadata: &'a ObjectMeta,
}

#[derive(Debug, Clone, Serialize)]
struct TimezoneBody<'a> {
    timezone: &'a str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct OsPatchBody<'a> {
    os_patch_config: &'a OsPatchConfig,
}

#[derive(Debug, Clone, Serialize)]
struct NamespacesBody<'a> {
    namespaces: &'a [ClusterNamespace],
}

#[derive(Debug, Clone, Serialize)]
struct RbacsBody<'a> {
    rbacs: &'a [ClusterRbac],
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpgradeSettings {
    spectro_components: &'static str,
}

/// A feature a cluster has one configuration of (backup, compliance scan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClusterFeature {
    Backup,
    ComplianceScan,
}

impl ClusterFeature {
    fn segment(self) -> &'static str {
        match self {
            ClusterFeature::Backup => "backup",
            ClusterFeature::ComplianceScan => "complianceScan",
        }
    }
}

impl PaletteClient {
    /// `POST /v1/spectroclusters/virtual`; returns the new UID. A lost
    /// answer is resolved by searching for a live virtual cluster of that name.
    pub async fn create_virtual_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        cluster: &VirtualClusterEntity,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["spectroclusters", "virtual"]).scope(scope).json(cluster);
        let name = cluster.metadata.name.as_str();
        self.create_with_lookup(ctx, request, |lookup| async move {
            let found = self.find_clusters_by_name(&lookup, scope, name, true).await?;
            Ok(found.into_iter().next().map(|c| c.metadata.uid))
        })
        .await
    }

    /// `GET /v1/spectroclusters/{uid}`; `None` on 404. A cluster that is
    /// still listed as `Deleted` is returned: check [`SpectroCluster::is_deleted`].
    pub async fn get_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<SpectroCluster>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["spectroclusters", uid]).scope(scope)).await
    }

    /// `GET /v1/spectroclusters/{uid}/status`: `status.state` alone (empty
    /// while there is no status); `None` on 404.
    pub async fn get_cluster_state(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<String>, ClientError> {
        let status: Option<StatusOnly> =
            self.fetch_optional(ctx, Request::get(&["spectroclusters", uid, "status"]).scope(scope)).await?;
        Ok(status.map(|s| s.status.map(|s| s.state).unwrap_or_default()))
    }

    /// `GET /v1/dashboard/spectroclusters/{uid}/overview` (health); `None` on 404.
    pub async fn get_cluster_overview(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterOverview>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["dashboard", "spectroclusters", uid, "overview"]).scope(scope)).await
    }

    /// `DELETE /v1/spectroclusters/{uid}[?forceDelete=true]`; already gone
    /// is not an error. Deletion continues asynchronously: poll [`get_cluster`](Self::get_cluster).
    pub async fn delete_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        force: bool,
    ) -> Result<(), ClientError> {
        let request =
            Request::delete(&["spectroclusters", uid]).scope(scope).query_opt("forceDelete", force.then_some("true"));
        self.send_delete(ctx, request).await
    }

    /// `PATCH .../clusterConfig/lifecycleConfig`: pause (`true`) or resume.
    pub async fn set_cluster_paused(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        pause: bool,
    ) -> Result<(), ClientError> {
        let body = LifecycleUpdate { lifecycle_config: LifecycleConfig { pause } };
        let request =
            Request::patch(&["spectroclusters", uid, "clusterConfig", "lifecycleConfig"]).scope(scope).json(&body);
        self.send(ctx, request.idempotent()).await
    }

    /// `GET /v1/cloudconfigs/virtual/{configUid}`; `None` on 404.
    pub async fn get_virtual_cloud_config(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        config_uid: &str,
    ) -> Result<Option<VirtualCloudConfig>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["cloudconfigs", "virtual", config_uid]).scope(scope)).await
    }

    /// `PUT /v1/cloudconfigs/virtual/{configUid}/resize`: a new quota.
    pub async fn resize_virtual_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        config_uid: &str,
        quota: &VirtualInstanceType,
    ) -> Result<(), ClientError> {
        let request = Request::put(&["cloudconfigs", "virtual", config_uid, "resize"]).scope(scope);
        self.send(ctx, request.json(&ResizeBody { instance_type: quota })).await
    }

    /// `PUT /v1/cloudconfigs/virtual/{configUid}/clusterConfig`: a new vcluster
    /// chart and Kubernetes version.
    pub async fn set_virtual_cluster_config(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        config_uid: &str,
        config: &VirtualClusterConfig,
    ) -> Result<(), ClientError> {
        let request = Request::put(&["cloudconfigs", "virtual", config_uid, "clusterConfig"]).scope(scope);
        self.send(ctx, request.json(&ClusterConfigBody { cluster_config: config })).await
    }

    /// `GET /v1/spectroclusters/{uid}/profiles`.
    pub async fn get_cluster_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<AttachedProfile>, ClientError> {
        let body: AttachedProfiles =
            self.fetch(ctx, Request::get(&["spectroclusters", uid, "profiles"]).scope(scope)).await?;
        Ok(body.profiles)
    }

    /// `PATCH /v1/spectroclusters/{uid}/profiles?resolveNotification=...`:
    /// adds or updates the listed profiles, leaving the others attached.
    pub async fn patch_cluster_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profiles: &ProfileAttachments,
        resolve_notification: bool,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "profiles"])
            .scope(scope)
            .query("resolveNotification", resolve_notification.to_string())
            .json(profiles);
        self.send(ctx, request.idempotent()).await
    }

    /// `DELETE /v1/spectroclusters/{uid}/profiles` with `{profileUids}`.
    pub async fn delete_cluster_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profile_uids: &[String],
    ) -> Result<(), ClientError> {
        let request =
            Request::delete(&["spectroclusters", uid, "profiles"]).scope(scope).json(&ProfileUids { profile_uids });
        self.send(ctx, request).await
    }

    /// `GET /v1/spectroclusters/{uid}/variables` (a top-level array).
    pub async fn get_cluster_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<ProfileVariables>, ClientError> {
        self.fetch(ctx, Request::get(&["spectroclusters", uid, "variables"]).scope(scope)).await
    }

    /// `PATCH /v1/spectroclusters/{uid}/variables` (a top-level array body).
    pub async fn patch_cluster_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        values: &[ProfileVariableValues],
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "variables"]).scope(scope).json(&values);
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH /v1/spectroclusters/{uid}/metadata`: name, labels, annotations.
    pub async fn patch_cluster_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        meta: &ObjectMeta,
    ) -> Result<(), ClientError> {
        let request =
            Request::patch(&["spectroclusters", uid, "metadata"]).scope(scope).json(&MetadataBody { metadata: meta });
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH .../clusterConfig/timezone`.
    pub async fn set_cluster_timezone(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        timezone: &str,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "clusterConfig", "timezone"])
            .scope(scope)
            .json(&TimezoneBody { timezone });
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH .../clusterConfig/osPatch`.
    pub async fn set_cluster_os_patch(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        config: &OsPatchConfig,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "clusterConfig", "osPatch"])
            .scope(scope)
            .json(&OsPatchBody { os_patch_config: config });
        self.send(ctx, request.idempotent()).await
    }

    /// `GET /v1/spectroclusters/{uid}/config/namespaces`.
    pub async fn get_cluster_namespaces(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<ClusterNamespace>, ClientError> {
        let list: Items<ClusterNamespace> =
            self.fetch(ctx, Request::get(&["spectroclusters", uid, "config", "namespaces"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// `PUT /v1/spectroclusters/{uid}/config/namespaces`: replaces them all.
    pub async fn put_cluster_namespaces(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        namespaces: &[ClusterNamespace],
    ) -> Result<(), ClientError> {
        let request = Request::put(&["spectroclusters", uid, "config", "namespaces"]).scope(scope);
        self.send(ctx, request.json(&NamespacesBody { namespaces })).await
    }

    /// `GET /v1/spectroclusters/{uid}/config/rbacs`.
    pub async fn get_cluster_rbacs(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<ClusterRbac>, ClientError> {
        let list: Items<ClusterRbac> =
            self.fetch(ctx, Request::get(&["spectroclusters", uid, "config", "rbacs"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// `PUT /v1/spectroclusters/{uid}/config/rbacs`: replaces them all.
    pub async fn put_cluster_rbacs(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        rbacs: &[ClusterRbac],
    ) -> Result<(), ClientError> {
        let request = Request::put(&["spectroclusters", uid, "config", "rbacs"]).scope(scope);
        self.send(ctx, request.json(&RbacsBody { rbacs })).await
    }

    /// `GET .../features/backup`; `None` when no backup is configured
    /// (404, or the API's `BackupNotConfigured`).
    pub async fn get_cluster_backup(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterBackup>, ClientError> {
        let request =
            Request::get(&["spectroclusters", uid, "features", ClusterFeature::Backup.segment()]).scope(scope);
        match self.fetch_optional(ctx, request).await {
            Err(ClientError::Api(api)) if api.code == "BackupNotConfigured" => Ok(None),
            other => other,
        }
    }

    /// `POST .../features/backup` when `create`, else `PUT`.
    pub async fn set_cluster_backup(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        policy: &BackupPolicy,
        create: bool,
    ) -> Result<(), ClientError> {
        self.set_cluster_feature(ctx, scope, uid, ClusterFeature::Backup, policy, create).await
    }

    /// `GET .../features/complianceScan`; `None` when none is configured.
    pub async fn get_cluster_compliance_scan(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterComplianceScan>, ClientError> {
        let request =
            Request::get(&["spectroclusters", uid, "features", ClusterFeature::ComplianceScan.segment()]).scope(scope);
        self.fetch_optional(ctx, request).await
    }

    /// `POST .../features/complianceScan` when `create`, else `PUT`.
    pub async fn set_cluster_compliance_scan(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        policy: &ScanPolicy,
        create: bool,
    ) -> Result<(), ClientError> {
        self.set_cluster_feature(ctx, scope, uid, ClusterFeature::ComplianceScan, policy, create).await
    }

    /// Creates (POST) or replaces (PUT) a feature's configuration. A POST
    /// whose answer is lost is settled by reading the feature back.
    async fn set_cluster_feature(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        feature: ClusterFeature,
        body: &impl Serialize,
        create: bool,
    ) -> Result<(), ClientError> {
        let path = ["spectroclusters", uid, "features", feature.segment()];
        if !create {
            return self.send(ctx, Request::put(&path).scope(scope).json(body)).await;
        }
        let request = Request::post(&path).scope(scope).json(body);
        self.create_idempotently(
            ctx,
            || self.send(ctx, request.clone()),
            |lookup| async move {
                let exists: Option<serde_json::Value> =
                    self.fetch_optional(&lookup, Request::get(&path).scope(scope)).await?;
                Ok(exists.map(drop))
            },
        )
        .await
    }

    /// `POST /v1/spectroclusters/{uid}/upgrade/settings`: lock (`true`) or
    /// unlock Palette agent upgrades.
    pub async fn set_cluster_upgrade_lock(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        lock: bool,
    ) -> Result<(), ClientError> {
        let body = UpgradeSettings { spectro_components: if lock { "lock" } else { "unlock" } };
        let request = Request::post(&["spectroclusters", uid, "upgrade", "settings"]).scope(scope).json(&body);
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH /v1/spectroclusters/{uid}/k8certificates/renew`: renews the
    /// cluster's Kubernetes certificates now.
    pub async fn renew_cluster_certificates(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "k8certificates", "renew"]).scope(scope);
        self.send(ctx, request.idempotent()).await
    }

    /// `GET .../assets/kubeconfigclient`: the client kubeconfig, decoded
    /// from base64 when sent that way; `None` until it exists. Never logged.
    pub async fn get_cluster_kubeconfig(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<String>, ClientError> {
        self.download_text(ctx, Request::get(&["spectroclusters", uid, "assets", "kubeconfigclient"]).scope(scope))
            .await
    }

    /// `GET .../assets/adminKubeconfig`: like [`get_cluster_kubeconfig`](Self::get_cluster_kubeconfig).
    pub async fn get_cluster_admin_kubeconfig(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<String>, ClientError> {
        self.download_text(ctx, Request::get(&["spectroclusters", uid, "assets", "adminKubeconfig"]).scope(scope)).await
    }

    /// `POST /v1/dashboard/spectroclusters/search`, every page.
    pub async fn search_clusters(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        search: &ClusterSearch,
    ) -> Result<Vec<ClusterSummary>, ClientError> {
        let request = Request::post(&["dashboard", "spectroclusters", "search"])
            .scope(scope)
            .query("limit", PAGE_SIZE)
            .json(search)
            .search();
        self.fetch_all(ctx, request).await
    }

    /// Live clusters named exactly `name` (virtual ones, or with
    /// `virtual_clusters` false every other kind), from a search over all pages.
    pub async fn find_clusters_by_name(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        name: &str,
        virtual_clusters: bool,
    ) -> Result<Vec<ClusterSummary>, ClientError> {
        let found = self.search_clusters(ctx, scope, &ClusterSearch::by_name(name, virtual_clusters)).await?;
        Ok(found.into_iter().filter(|c| c.metadata.name == name).collect())
    }

    /// `GET /v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters`:
    /// the clusters able to host virtual clusters.
    pub async fn list_host_clusters(&self, ctx: &CallContext, scope: &Scope) -> Result<Vec<ObjectMeta>, ClientError> {
        let request = Request::get(&["dashboard", "spectroclusters", "metadata"])
            .scope(scope)
            .query("quickFilter", "hostclusters");
        let list: Items<ObjectMeta> = self.fetch(ctx, request).await?;
        Ok(list.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::models::{NameValue, ObjectRef, ProfileAttachment};
    use serde_json::json;

    #[test]
    fn create_body_matches_the_spec() {
        let entity = VirtualClusterEntity {
            metadata: ObjectMeta::named("vc-1"),
            spec: VirtualClusterEntitySpec {
                cloud_config: VirtualClusterConfig {
                    helm_release: Some(HelmRelease { chart: HelmChart::default(), values: String::new() }),
                    ..VirtualClusterConfig::default()
                },
                cluster_config: ClusterConfigEntity {
                    host_cluster_config: HostPlacement {
                        cluster_group: ObjectRef::uid("cg1"),
                        host_cluster: ObjectRef::default(),
                    },
                    timezone: "America/New_York".into(),
                    ..ClusterConfigEntity::default()
                },
                machine_pool_config: vec![VirtualMachinePoolEntity {
                    cloud_config: VirtualMachinePoolCloudConfig {
                        instance_type: VirtualInstanceType {
                            max_cpu: 4,
                            max_mem_in_mib: 8192,
                            max_storage_gib: 10,
                            ..Default::default()
                        },
                    },
                }],
                profiles: vec![ProfileAttachment { uid: "p1".into(), ..ProfileAttachment::default() }],
                policies: None,
            },
        };
        let body = serde_json::to_value(&entity).unwrap();
        assert_eq!(
            body["spec"]["clusterConfig"],
            json!({"hostClusterConfig": {"clusterGroup": {"uid": "cg1"}, "hostCluster": {}},
                   "timezone": "America/New_York", "updateWorkerPoolsInParallel": false})
        );
        assert_eq!(
            body["spec"]["machinepoolconfig"],
            json!([{"cloudConfig": {"instanceType": {"maxCPU": 4, "maxMemInMiB": 8192, "maxStorageGiB": 10,
                                                      "minCPU": 0, "minMemInMiB": 0, "minStorageGiB": 0}}}])
        );
        assert_eq!(
            body["spec"]["cloudConfig"],
            json!({"helmRelease": {"chart": {"name": "", "repo": "", "version": ""}, "values": ""}})
        );
        assert_eq!(body["spec"]["profiles"], json!([{"uid": "p1", "packValues": [], "variables": []}]));
        assert!(body["spec"].get("policies").is_none());
    }

    #[test]
    fn namespaces_rbacs_and_patches_match_the_spec() {
        let namespace = ClusterNamespace {
            metadata: ObjectMeta::named("ns1"),
            spec: ClusterNamespaceSpec {
                is_regex: false,
                resource_allocation: ResourceAllocation {
                    cpu_cores: 2.0,
                    memory_mib: 2048.0,
                    gpu_config: Some(GpuConfig { limit: 0, provider: "nvidia".into() }),
                },
            },
        };
        assert_eq!(
            serde_json::to_value(NamespacesBody { namespaces: &[namespace] }).unwrap(),
            json!({"namespaces": [{"metadata": {"name": "ns1", "labels": {}, "annotations": {}},
                                   "spec": {"isRegex": false, "resourceAllocation": {"cpuCores": 2.0, "memoryMiB": 2048.0,
                                                                                     "gpuConfig": {"limit": 0, "provider": "nvidia"}}}}]})
        );
        let rbac = ClusterRbac {
            metadata: ObjectMeta::default(),
            spec: ClusterRbacSpec {
                bindings: vec![RbacBinding {
                    binding_type: "ClusterRoleBinding".into(),
                    namespace: String::new(),
                    role: RbacRole { kind: "ClusterRole".into(), name: "admin".into() },
                    subjects: vec![RbacSubject {
                        subject_type: "User".into(),
                        name: "alice".into(),
                        namespace: String::new(),
                    }],
                }],
                is_system: true,
            },
        };
        assert_eq!(
            serde_json::to_value(&rbac).unwrap()["spec"],
            json!({"bindings": [{"type": "ClusterRoleBinding", "role": {"kind": "ClusterRole", "name": "admin"},
                                 "subjects": [{"type": "User", "name": "alice"}]}]})
        );
        let patch = OsPatchConfig { schedule: "0 0 * * *".into(), ..OsPatchConfig::default() };
        assert_eq!(
            serde_json::to_value(OsPatchBody { os_patch_config: &patch }).unwrap(),
            json!({"osPatchConfig": {"schedule": "0 0 * * *", "patchOnBoot": false, "rebootIfRequired": false}})
        );
        assert_eq!(
            serde_json::to_value(LifecycleUpdate { lifecycle_config: LifecycleConfig { pause: true } }).unwrap(),
            json!({"lifecycleConfig": {"pause": true}})
        );
        assert_eq!(
            serde_json::to_value(ProfileUids { profile_uids: &["a".to_string()] }).unwrap(),
            json!({"profileUids": ["a"]})
        );
        assert_eq!(
            serde_json::to_value(UpgradeSettings { spectro_components: "lock" }).unwrap(),
            json!({"spectroComponents": "lock"})
        );
        let values = [ProfileVariableValues { profile_uid: "p1".into(), variables: vec![NameValue::new("a", "1")] }];
        assert_eq!(
            serde_json::to_value(&values[..]).unwrap(),
            json!([{"profileUid": "p1", "variables": [{"name": "a", "value": "1"}]}])
        );
    }

    #[test]
    fn cluster_reads_the_documented_shape() {
        let cluster: SpectroCluster = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "SpectroCluster",
            "metadata": {"uid": "c1", "name": "vc-1", "annotations": {"scope": "project", "spectroComponentsUpgradeForbidden": "false"}},
            "spec": {"cloudType": "nested", "cloudConfigRef": {"kind": "VirtualCloudConfig", "name": "vc-1", "uid": "cc1"},
                     "clusterType": "PureManage",
                     "clusterConfig": {"hostClusterConfig": {"isHostCluster": false, "clusterGroup": {"uid": "cg1", "name": "cg"},
                                                             "hostCluster": {"uid": "h1", "name": "host"}},
                                       "lifecycleConfig": {"pause": true}, "timezone": "", "updateWorkerPoolsInParallel": false},
                     "clusterProfileTemplates": [{"uid": "p1", "name": "addon", "type": "add-on", "packs": []}]},
            "status": {"state": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                       "packs": [{"name": "nginx", "profileUid": "p1"}],
                       "virtual": {"state": "", "lifecycleStatus": {"status": "Paused", "msg": ""}},
                       "spcApply": {"canBeApplied": true}}
        }))
        .unwrap();
        assert_eq!(cluster.state(), "Running");
        assert!(!cluster.is_deleted());
        assert_eq!(cluster.lifecycle_status().map(|l| l.status.as_str()), Some("Paused"));
        assert_eq!(cluster.cloud_config_uid(), Some("cc1"));
        let config = cluster.spec.cluster_config.as_ref().unwrap();
        assert_eq!(config.lifecycle_config, Some(LifecycleConfig { pause: true }));
        assert_eq!(config.host_cluster_config.as_ref().unwrap().cluster_group.as_ref().unwrap().uid, "cg1");
        assert_eq!(cluster.spec.cluster_profile_templates[0].uid, "p1");
        assert!(cluster.status.as_ref().unwrap().spc_apply.as_ref().unwrap().can_be_applied);

        let fresh: SpectroCluster = serde_json::from_value(json!({"metadata": {"uid": "c1"}, "status": null})).unwrap();
        assert_eq!(fresh.state(), "");
        assert_eq!(fresh.lifecycle_status(), None);
        let deleted: SpectroCluster = serde_json::from_value(json!({"status": {"state": "Deleted"}})).unwrap();
        assert!(deleted.is_deleted());
    }

    #[test]
    fn overview_cloud_config_and_variables_read() {
        let overview: ClusterOverview =
            serde_json::from_value(json!({"status": {"state": "Running", "health": {"state": "Healthy"}, "kubeMeta": {"hasKubeConfig": true}}}))
                .unwrap();
        assert_eq!(overview.health(), "Healthy");
        let config: VirtualCloudConfig = serde_json::from_value(json!({
            "spec": {"hostClusterUid": "h1",
                     "clusterConfig": {"helmRelease": {"chart": {"name": "vcluster", "repo": "r", "version": "1"}, "values": "v"},
                                       "kubernetesVersion": "1.30"},
                     "machinePoolConfig": [{"name": "pool", "instanceType": {"maxCPU": 6, "maxMemInMiB": 12288, "maxStorageGiB": 20}}]}
        }))
        .unwrap();
        assert_eq!(config.quota().unwrap().max_mem_in_mib, 12288);
        assert_eq!(config.spec.cluster_config.unwrap().helm_release.unwrap().chart.name, "vcluster");
        let variables: Vec<ProfileVariables> = serde_json::from_value(json!([
            {"profileUid": "p1", "variables": [{"name": "a", "value": "1", "isSensitive": true, "format": "string"}]}
        ]))
        .unwrap();
        assert_eq!(variables[0].variables[0].value, "1");
        assert!(variables[0].variables[0].definition.is_sensitive);
    }

    #[test]
    fn backup_and_scan_read_and_write() {
        let backup: ClusterBackup = serde_json::from_value(json!({
            "metadata": {"uid": "b"},
            "spec": {"clusterUid": "c1", "config": {"backupLocationUid": "l1", "backupPrefix": "p", "durationInHours": 24,
                                                    "includeAllDisks": true, "includeClusterResources": true,
                                                    "namespaces": ["a"], "schedule": {"scheduledRunTime": "0 1 * * *"}}}
        }))
        .unwrap();
        assert_eq!(backup.spec.config.unwrap().schedule.scheduled_run_time, "0 1 * * *");
        let scan: ClusterComplianceScan = serde_json::from_value(json!({
            "spec": {"clusterUid": "c1", "driverSpec": {"kube-bench": {"config": {"schedule": {"scheduledRunTime": "0 0 * * *"}},
                                                                        "isClusterConfig": false}}}
        }))
        .unwrap();
        assert_eq!(scan.schedule_of("kube-bench"), Some("0 0 * * *"));
        assert_eq!(scan.schedule_of("sonobuoy"), None);
        let policy = ScanPolicy {
            kube_bench: Some(ScanSchedule { schedule: Schedule { scheduled_run_time: "0 0 * * *".into() } }),
            ..ScanPolicy::default()
        };
        assert_eq!(
            serde_json::to_value(&policy).unwrap(),
            json!({"kubeBench": {"schedule": {"scheduledRunTime": "0 0 * * *"}}})
        );
    }

    #[test]
    fn search_by_name_matches_the_sdk_filter() {
        let search = serde_json::to_value(ClusterSearch::by_name("my-vc", true)).unwrap();
        assert_eq!(
            search,
            json!({
                "filter": {"conjunction": "and", "filterGroups": [{"conjunction": "and", "filters": [
                    {"property": "environment", "type": "string",
                     "condition": {"string": {"operator": "eq", "negation": false, "ignoreCase": false,
                                              "match": {"conjunction": "or", "values": ["nested"]}}}},
                    {"property": "isDeleted", "type": "bool", "condition": {"bool": {"value": false}}},
                    {"property": "clusterName", "type": "string",
                     "condition": {"string": {"operator": "eq", "negation": false, "ignoreCase": false,
                                              "match": {"conjunction": "or", "values": ["my-vc"]}}}}
                ]}]},
                "sort": [{"field": "clusterName", "order": "asc"}]
            })
        );
        let hosts = serde_json::to_value(ClusterSearch::by_name("h", false)).unwrap();
        assert_eq!(hosts["filter"]["filterGroups"][0]["filters"][0]["condition"]["string"]["negation"], true);
    }

    #[test]
    fn summaries_read() {
        let summary: ClusterSummary = serde_json::from_value(json!({
            "metadata": {"uid": "c1", "name": "vc"},
            "specSummary": {"cloudConfig": {"cloudType": "nested", "uid": "cc1"}, "projectMeta": {"name": "Default", "uid": "p"}},
            "status": {"state": "Running", "health": {"state": "Healthy"}}
        }))
        .unwrap();
        assert_eq!(summary.spec_summary.cloud_config.unwrap().uid, "cc1");
        assert_eq!(summary.status.health.unwrap().state, "Healthy");
    }
}

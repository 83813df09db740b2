//! The JSON served for clusters: `v1SpectroCluster` (GET), `v1SpectroClusterSummary`
//! (searches), `v1SpectroClusterUidSummary` (overview) and the `/meta` items, all
//! computed from the stored record and the lifecycle clock.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::domain::app_deployment::{AppDeployment, DEPLOYMENT_KIND};
use crate::domain::cluster::attachment::Attachment;
use crate::domain::cluster::search::{self, Facts, SearchSpec};
use crate::domain::cluster::attachment;
use crate::domain::cluster::{self, find_host, tenant_uid, list_virtual, Cluster, HostCluster, VirtualCluster, NESTED, UPGRADE_LOCK_ANNOTATION};
use crate::domain::project::{self, Project};
use crate::error::ApiResult;
use crate::lifecycle::{timestamp_of, Millis, State};
use crate::model::{tags_from_labels, ObjectMeta, ZERO_TIME};
use crate::domain::cluster_group::{self, ClusterGroup};
use crate::domain::cluster_profile::Template;
use crate::scope::Scope;
use crate::store::{Row, Tx};

const AGENT_VERSION: &str = "4.6.0";

/// What every view needs besides the cluster.
pub struct ViewContext<'t, 'c> {
    pub tx: &'t Tx<'c>,
    pub now: Millis,
    pub tenant_uid: String,
}

impl ViewContext<'_, '_> {
    /// `{uid, name, kind, projectUid, tenantUid}`.
    fn reference(&self, uid: &str, name: &str, kind: &str, owner: Option<&Scope>) -> Value {
        json!({ "uid": uid, "name": name, "kind": kind,
                "projectUid": owner.map_or("", |owner| owner.project_uid()), "tenantUid": self.tenant_uid })
    }

    fn group_ref(&self, cluster: &VirtualCluster) -> ApiResult<Value> {
        let Some(group) = &cluster.spec.placement.cluster_group else {
            return Ok(self.reference("", "", "", None));
        };
        let owner = self.tx.get::<ClusterGroup>(cluster_group::KIND, &group.uid)?.map(|row| row.owner);
        Ok(self.reference(&group.uid, &group.name, "clustergroup", owner.as_ref()))
    }

    fn host_ref(&self, cluster: &VirtualCluster) -> ApiResult<Value> {
        let host = &cluster.spec.placement.host_cluster;
        let owner = find_host(self.tx, &host.uid)?.map(|row| row.owner);
        Ok(self.reference(&host.uid, &host.name, "spectrocluster", owner.as_ref()))
    }

    /// `{uid, name}` of the app deployments into cluster `uid`.
    fn deployments_of(&self, uid: &str) -> ApiResult<Vec<Value>> {
        let mut deployments = Vec::new();
        for (kind, deployment_uid) in self.tx.referrers(cluster::KIND, uid)? {
            if kind == DEPLOYMENT_KIND {
                if let Some(row) = self.tx.get::<AppDeployment>(DEPLOYMENT_KIND, &deployment_uid)? {
                    deployments.push(json!({ "uid": row.uid, "name": row.value.metadata.name }));
                }
            }
        }
        Ok(deployments)
    }

    /// The virtual clusters running on host `uid`, and the first group it belongs to.
    fn hosted(&self, uid: &str) -> ApiResult<(Vec<Value>, Value)> {
        let hosted = list_virtual(self.tx, self.now)?
            .into_iter()
            .filter(|row| row.value.spec.placement.host_cluster.uid == uid)
            .map(|row| self.reference(&row.uid, &row.value.metadata.name, "spectrocluster", Some(&row.owner)))
            .collect();
        let group = self
            .tx
            .referrers(cluster::KIND, uid)?
            .into_iter()
            .find(|(kind, _)| kind == cluster_group::KIND)
            .map(|(_, group_uid)| self.tx.get::<ClusterGroup>(cluster_group::KIND, &group_uid))
            .transpose()?
            .flatten()
            .map_or_else(|| json!({"uid": "", "name": ""}), |row| json!({"uid": row.uid, "name": row.value.metadata.name}));
        Ok((hosted, group))
    }
}

/// `status.state` of any cluster.
pub fn state(cluster: &Cluster, now: Millis) -> String {
    match cluster {
        Cluster::Host(host) => host.state().to_string(),
        Cluster::Virtual(cluster) => cluster.state(now).as_str().to_string(),
    }
}

/// `status.health.state` of any cluster.
pub fn health(cluster: &Cluster, now: Millis) -> String {
    match cluster {
        Cluster::Host(host) => host.health().to_string(),
        Cluster::Virtual(cluster) => cluster.state(now).health().to_string(),
    }
}

/// What the search language can look at.
pub fn facts(row: &Row<Cluster>, now: Millis) -> ApiResult<Facts> {
    let (meta, environment, is_host): (ObjectMeta, String, bool) = match &row.value {
        Cluster::Host(host) => (serde_json::from_value(host.0["metadata"].clone())?, host.cloud_type().to_string(), host.is_host()),
        Cluster::Virtual(cluster) => (cluster.metadata.clone(), NESTED.to_string(), false),
    };
    Ok(Facts {
        name: meta.name,
        environment,
        state: state(&row.value, now),
        health: health(&row.value, now),
        is_deleted: false,
        is_host,
        created: meta.creation_timestamp,
        modified: meta.last_modified_timestamp,
        labels: meta.labels,
    })
}

fn endpoint_config(cluster: &VirtualCluster) -> Value {
    let endpoint = &cluster.access.endpoint;
    json!({ "type": cluster.spec.placement.endpoint_type,
            "config": { "ingressConfig": { "host": endpoint.host, "port": endpoint.port } } })
}

fn metadata_view(cluster: &VirtualCluster) -> ApiResult<Value> {
    let mut metadata = serde_json::to_value(&cluster.metadata)?;
    let annotations = &mut metadata["annotations"];
    if annotations.get(UPGRADE_LOCK_ANNOTATION).is_none() {
        annotations[UPGRADE_LOCK_ANNOTATION] = json!("false");
    }
    Ok(metadata)
}

fn condition(kind: &str, holds: bool, reason: &str, message: &str, since: Millis, now: Millis) -> Value {
    json!({ "type": kind, "status": if holds { "True" } else { "False" }, "reason": reason, "message": message,
            "lastProbeTime": timestamp_of(now), "lastTransitionTime": timestamp_of(since) })
}

fn conditions(cluster: &VirtualCluster, now: Millis) -> Vec<Value> {
    let state = cluster.state(now);
    let since = cluster.lifecycle.state_since(now);
    let (reason, message) = match state {
        State::Pending => ("Pending", "waiting for the host cluster to schedule the virtual cluster"),
        State::Provisioning => ("Provisioning", "the virtual cluster control plane is starting"),
        State::Running => ("Running", ""),
        State::Deleting | State::Gone => ("Deleting", "the virtual cluster is being deleted"),
    };
    vec![condition("Ready", state == State::Running, reason, message, since, now)]
}

fn pack_statuses(templates: &[Template], cluster: &VirtualCluster, now: Millis) -> Vec<Value> {
    let ready = cluster.state(now) == State::Running && cluster.lifecycle.can_be_applied(now);
    let started = cluster.lifecycle.apply.map_or(cluster.lifecycle.provision.start, |span| span.start);
    let ended = if ready {
        timestamp_of(cluster.lifecycle.applied_at().unwrap_or(cluster.lifecycle.running_from()))
    } else {
        ZERO_TIME.to_string()
    };
    templates
        .iter()
        .flat_map(|template| {
            template.packs.iter().map(|pack| {
                json!({
                    "name": pack.name, "profileUid": template.uid, "type": pack.pack_type, "version": pack.version,
                    "condition": condition("Ready", ready, if ready { "Deployed" } else { "Deploying" }, "", started, now),
                    "startTime": timestamp_of(started), "endTime": ended, "manifests": [], "services": [],
                })
            })
        })
        .collect()
}

fn virtual_status(ctx: &ViewContext<'_, '_>, cluster: &VirtualCluster) -> ApiResult<Value> {
    Ok(json!({
        "state": cluster.lifecycle.power(ctx.now).as_str(),
        "lifecycleStatus": { "status": cluster.lifecycle.power(ctx.now).as_str(), "msg": "" },
        "clusterGroup": ctx.group_ref(cluster)?,
        "hostCluster": ctx.host_ref(cluster)?,
        "appDeployments": ctx.deployments_of(&cluster.metadata.uid)?,
        "virtualClusters": [],
    }))
}

fn placement_view(cluster: &VirtualCluster) -> Value {
    let placement = &cluster.spec.placement;
    json!({
        "isHostCluster": false,
        "clusterGroup": placement.cluster_group.clone().unwrap_or_default(),
        "hostCluster": placement.host_cluster,
        "clusterEndpoint": endpoint_config(cluster),
    })
}

fn api_endpoints(cluster: &VirtualCluster, now: Millis) -> Value {
    if cluster.state(now) == State::Running {
        json!([{ "host": cluster.access.endpoint.host, "port": cluster.access.endpoint.port }])
    } else {
        json!([])
    }
}

/// `v1SpectroCluster` of a virtual cluster.
fn virtual_view(ctx: &ViewContext<'_, '_>, cluster: &VirtualCluster) -> ApiResult<Value> {
    let now = ctx.now;
    let templates = attachment::templates(ctx.tx, &cluster.spec.profiles)?;
    let spec = &cluster.spec;
    let namespace_uids: Vec<Value> = spec.namespaces.iter().map(|ns| json!({ "uid": ns.uid })).collect();
    let rbac_uids: Vec<Value> = spec.rbacs.iter().map(|rbac| json!({ "uid": rbac.uid })).collect();
    Ok(json!({
        "apiVersion": "v1",
        "kind": "SpectroCluster",
        "metadata": metadata_view(cluster)?,
        "spec": {
            "cloudType": NESTED,
            "cloudConfigRef": { "kind": "VirtualCloudConfig", "name": format!("{}-config", cluster.metadata.name), "uid": spec.cloud_config_uid },
            "clusterType": "PureManage",
            "clusterConfig": {
                "hostClusterConfig": placement_view(cluster),
                "lifecycleConfig": { "pause": cluster.lifecycle.wants_pause() },
                "clusterResources": { "namespaces": namespace_uids, "rbacs": rbac_uids },
                "timezone": spec.timezone,
                "updateWorkerPoolsInParallel": spec.update_worker_pools_in_parallel,
                "clusterMetaAttribute": "",
                "machineManagementConfig": { "osPatchConfig": os_patch_view(cluster) },
                "machineHealthConfig": { "enableMachineHealthCheck": false, "healthCheckMaxUnhealthy": "",
                                         "networkReadyHealthCheckDuration": "", "nodeReadyHealthCheckDuration": "" },
                "controlPlaneHealthCheckTimeout": "",
            },
            "clusterProfileTemplates": templates,
        },
        "status": {
            "state": cluster.state(now).as_str(),
            "conditions": conditions(cluster, now),
            "packs": pack_statuses(&templates, cluster, now),
            "apiEndpoints": api_endpoints(cluster, now),
            "services": [],
            "virtual": virtual_status(ctx, cluster)?,
            "location": spec.location,
            "repave": { "state": "" },
            "spcApply": {
                "actionType": spec.apply_action,
                "canBeApplied": cluster.lifecycle.can_be_applied(now),
                "crc": "",
                "patchAppliedTimestamp": cluster.lifecycle.applied_at().map_or(ZERO_TIME.to_string(), timestamp_of),
            },
            "upgrades": [],
            "profileStatus": { "hasUserMacros": spec.profiles.iter().any(|profile| !profile.variables.is_empty()) },
            "fips": { "mode": "none" },
            "clusterImport": { "isBrownfield": false, "state": "", "importLink": "" },
            "addOnServices": [],
            "abortTimestamp": ZERO_TIME,
        },
    }))
}

pub fn os_patch_view(cluster: &VirtualCluster) -> Value {
    let patch = &cluster.spec.os_patch;
    let after = if patch.on_demand_patch_after.is_empty() { ZERO_TIME } else { patch.on_demand_patch_after.as_str() };
    json!({ "schedule": patch.schedule, "patchOnBoot": patch.patch_on_boot, "rebootIfRequired": patch.reboot_if_required,
            "onDemandPatchAfter": after })
}

/// A host cluster's document with the virtual clusters it runs and its group.
fn host_view(ctx: &ViewContext<'_, '_>, host: &HostCluster) -> ApiResult<Value> {
    let mut view = host.0.clone();
    let (hosted, group) = ctx.hosted(host.uid())?;
    view["status"]["virtual"]["virtualClusters"] = json!(hosted);
    if let Some(config) = view.pointer_mut("/spec/clusterConfig/hostClusterConfig") {
        config["clusterGroup"] = group;
    }
    Ok(view)
}

/// `GET /v1/spectroclusters/{uid}`.
pub fn cluster_view(ctx: &ViewContext<'_, '_>, cluster: &Cluster) -> ApiResult<Value> {
    match cluster {
        Cluster::Host(host) => host_view(ctx, host),
        Cluster::Virtual(cluster) => virtual_view(ctx, cluster),
    }
}

fn project_meta(ctx: &ViewContext<'_, '_>, owner: &Scope) -> ApiResult<Value> {
    let Scope::Project(uid) = owner else { return Ok(json!({ "name": "", "uid": "" })) };
    let name = ctx.tx.get::<Project>(project::KIND, uid)?.map(|row| row.value.metadata.name).unwrap_or_default();
    Ok(json!({ "name": name, "uid": uid }))
}

fn template_summaries(templates: &[Template]) -> Vec<Value> {
    templates
        .iter()
        .map(|t| json!({ "uid": t.uid, "name": t.name, "type": t.profile_type, "cloudType": t.cloud_type, "version": t.profile_version }))
        .collect()
}

/// Members shared by the search summary and the overview, per kind of cluster.
struct Common {
    metadata: Value,
    cloud_type: String,
    cloud_config_uid: String,
    host_config: Value,
    templates: Vec<Template>,
    virtual_status: Value,
    location: Value,
    endpoints: Value,
}

fn common(ctx: &ViewContext<'_, '_>, cluster: &Cluster) -> ApiResult<Common> {
    match cluster {
        Cluster::Host(host) => {
            let view = host_view(ctx, host)?;
            let text = |pointer: &str| view.pointer(pointer).and_then(Value::as_str).unwrap_or("").to_string();
            Ok(Common {
                metadata: view["metadata"].clone(),
                cloud_type: host.cloud_type().to_string(),
                cloud_config_uid: text("/spec/cloudConfigRef/uid"),
                host_config: view.pointer("/spec/clusterConfig/hostClusterConfig").cloned().unwrap_or(Value::Null),
                templates: Vec::new(),
                virtual_status: view["status"]["virtual"].clone(),
                location: view["status"].get("location").cloned().unwrap_or_else(|| json!({})),
                endpoints: view["status"].get("apiEndpoints").cloned().unwrap_or_else(|| json!([])),
            })
        }
        Cluster::Virtual(cluster) => Ok(Common {
            metadata: metadata_view(cluster)?,
            cloud_type: NESTED.to_string(),
            cloud_config_uid: cluster.spec.cloud_config_uid.clone(),
            host_config: placement_view(cluster),
            templates: attachment::templates(ctx.tx, &cluster.spec.profiles)?,
            virtual_status: virtual_status(ctx, cluster)?,
            location: serde_json::to_value(&cluster.spec.location)?,
            endpoints: api_endpoints(cluster, ctx.now),
        }),
    }
}

/// `v1SpectroClusterSummary`, an item of the searches.
pub fn summary(ctx: &ViewContext<'_, '_>, row: &Row<Cluster>) -> ApiResult<Value> {
    let common = common(ctx, &row.value)?;
    Ok(json!({
        "metadata": common.metadata,
        "specSummary": {
            "cloudConfig": { "cloudType": common.cloud_type, "uid": common.cloud_config_uid },
            "clusterConfig": { "hostClusterConfig": common.host_config },
            "clusterProfileTemplates": template_summaries(&common.templates),
            "projectMeta": project_meta(ctx, &row.owner)?,
            "cloudAccountMeta": { "name": "", "uid": "" },
            "archTypes": ["amd64"],
        },
        "status": {
            "state": state(&row.value, ctx.now),
            "health": { "state": health(&row.value, ctx.now) },
            "virtual": common.virtual_status,
            "fips": { "mode": "none" },
            "repave": { "state": "" },
            "location": common.location,
            "cost": { "total": 0 },
            "metrics": {},
            "notifications": { "isAvailable": false },
            "clusterImport": { "isBrownfield": false, "state": "", "importLink": "" },
        },
    }))
}

/// `v1SpectroClusterUidSummary`: the dashboard overview (health lives here).
pub fn overview(ctx: &ViewContext<'_, '_>, cluster: &Cluster) -> ApiResult<Value> {
    let common = common(ctx, cluster)?;
    let now = ctx.now;
    let (machine_pools, kubernetes_version, packs, conditions, running) = match cluster {
        Cluster::Host(host) => (
            json!([]),
            String::new(),
            json!([]),
            host.0["status"].get("conditions").cloned().unwrap_or_else(|| json!([])),
            host.state() == "Running",
        ),
        Cluster::Virtual(virtual_cluster) => (
            json!([{ "name": "worker-pool", "instanceType": virtual_cluster.spec.quota }]),
            virtual_cluster.spec.cloud_config.kubernetes_version.clone(),
            json!(pack_statuses(&common.templates, virtual_cluster, now)),
            json!(self::conditions(virtual_cluster, now)),
            virtual_cluster.state(now) == State::Running,
        ),
    };
    Ok(json!({
        "metadata": common.metadata,
        "spec": {
            "cloudConfig": { "cloudType": common.cloud_type, "uid": common.cloud_config_uid, "machinePools": machine_pools },
            "clusterProfileTemplates": common.templates,
            "archTypes": ["amd64"],
        },
        "status": {
            "state": state(cluster, now),
            "health": { "state": health(cluster, now), "agentVersion": AGENT_VERSION,
                        "lastHeartBeatTimestamp": if running { timestamp_of(now) } else { ZERO_TIME.to_string() }, "conditions": [] },
            "kubeMeta": { "hasKubeConfig": running, "hasKubeConfigClient": running, "hasManifest": false,
                          "kubernetesVersion": kubernetes_version },
            "virtual": common.virtual_status,
            "packs": packs,
            "conditions": conditions,
            "services": [],
            "apiEndpoints": common.endpoints,
            "cost": { "total": 0 },
            "hourlyRate": { "total": 0 },
            "metrics": {},
            "notifications": { "isAvailable": false },
            "location": common.location,
            "workspaces": [],
        },
    }))
}

/// An item of `GET /v1/dashboard/spectroclusters/meta`.
pub fn meta_item(ctx: &ViewContext<'_, '_>, row: &Row<Cluster>) -> ApiResult<Value> {
    let common = common(ctx, &row.value)?;
    let labels = common.metadata.get("labels").cloned().unwrap_or_else(|| json!({}));
    let labels: BTreeMap<String, String> = serde_json::from_value(labels)?;
    Ok(json!({
        "metadata": common.metadata,
        "spec": { "cloudType": common.cloud_type, "cloudAccountUid": "", "cloudRegion": "", "clusterType": "PureManage",
                  "archType": ["amd64"], "tags": tags_from_labels(&labels), "location": common.location },
        "status": { "state": state(&row.value, ctx.now) },
    }))
}

/// Filters and sorts `clusters` by `spec` into `v1SpectroClusterSummary` items.
pub fn search(tx: &Tx<'_>, clusters: Vec<Row<Cluster>>, spec: &SearchSpec, now: Millis) -> ApiResult<Vec<Value>> {
    let with_facts = clusters.into_iter().map(|row| Ok((facts(&row, now)?, row))).collect::<ApiResult<Vec<_>>>()?;
    let selected = search::select(spec, with_facts)?;
    let ctx = ViewContext { tx, now, tenant_uid: tenant_uid(tx)? };
    selected.iter().map(|row| summary(&ctx, row)).collect()
}

/// `{"profiles": [v1SpectroClusterProfile]}` with `relatedObject` naming the holder.
pub fn profiles_view(tx: &Tx<'_>, attachments: &[Attachment], related: Value) -> ApiResult<Value> {
    let profiles: Vec<Value> = attachment::attached(tx, attachments)?
        .into_iter()
        .map(|(profile, template)| {
            json!({
                "metadata": profile.metadata,
                "spec": { "cloudType": template.cloud_type, "type": template.profile_type, "version": profile.version,
                          "packs": template.packs, "relatedObject": related },
            })
        })
        .collect();
    Ok(json!({ "profiles": profiles }))
}

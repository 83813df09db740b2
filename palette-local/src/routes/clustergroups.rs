//! Cluster groups (§8): sets of host clusters that virtual clusters are placed on,
//! with endpoint settings, quotas (`limitConfig`) and attached add-on profiles.
//!
//! Scope rules (our reading of the reference, see the docs): a tenant group may take
//! host clusters of the tenant and of any project; a project group those of its
//! project and of the tenant. The lookups (`/clustergroups/hostCluster*`) list every
//! group usable from the caller: its own scope's, the tenant's and the system's.
//! References recorded: the member host clusters and the attached profiles; virtual
//! clusters record theirs to the group, which blocks its delete (409 `ResourceInUse`).

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::clusterprofiles::{self, Template};
use super::modify;
use super::spectroclusters::capacity::{self, Holder, Limits, Resources};
use super::spectroclusters::dashboards;
use super::spectroclusters::profiles::{self, Attachment, AttachmentsBody};
use super::spectroclusters::search::SearchSpec;
use super::spectroclusters::{self, null_as_default, tenant_uid, usable_from, Cluster, HostCluster, VirtualCluster};
use crate::domain::collection::{self, impl_kind};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, OptionalJsonBody, PathParams, QueryParams};
use crate::lifecycle::{timestamp_of, Millis};
use crate::listing::PageQuery;
use crate::model::{require_uid, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};
use crate::uid::new_uid;

pub const KIND: &str = "clustergroup";
pub const LABEL: &str = "cluster group";
const GROUP_TYPE: &str = "hostCluster";
const ENDPOINT_TYPES: [&str; 2] = ["Ingress", "LoadBalancer"];
const DISTRO_TYPES: [&str; 3] = ["vcluster-generic", "k3s", "cncf_k8s"];
/// The developer credit of every scope (Palette's default developer quota).
const DEVELOPER_CREDIT: DeveloperCredit = DeveloperCredit { cpu: 12, memory_gib: 16, storage_gib: 20, virtual_clusters_limit: 2 };

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/clustergroups", post(create))
        .route("/v1/clustergroups/hostCluster", get(summaries))
        .route("/v1/clustergroups/hostCluster/metadata", get(metadata))
        .route("/v1/clustergroups/validate/name", get(validate_name))
        .route("/v1/clustergroups/developerCredit/usage/{scope}", get(developer_credit))
        .route("/v1/clustergroups/{uid}", get(read).delete(remove))
        .route("/v1/clustergroups/{uid}/meta", put(update_meta))
        .route("/v1/clustergroups/{uid}/hostCluster", put(update_host_clusters))
        .route("/v1/clustergroups/{uid}/profiles", get(list_profiles).put(replace_profiles))
        .route("/v1/dashboard/clustergroups/{uid}/hostClusters", post(host_clusters))
        .route("/v1/dashboard/clustergroups/{uid}/virtualClusters", post(virtual_clusters))
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterRef {
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_uid: String,
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_name: String,
}

/// `clustersConfig`, as sent and served.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClustersConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub endpoint_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub host_clusters_config: Vec<HostClusterConfig>,
    #[serde(deserialize_with = "null_as_default")]
    pub kubernetes_distro_type: String,
    pub limit_config: LimitConfig,
    #[serde(deserialize_with = "null_as_default")]
    pub values: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostClusterConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_uid: String,
    pub endpoint_config: EndpointConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointConfig {
    pub ingress_config: IngressConfig,
    pub load_balancer_config: LoadBalancerConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngressConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub host: String,
    pub port: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerConfig {
    #[serde(rename = "externalIPs", deserialize_with = "null_as_default")]
    pub external_ips: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub external_traffic_policy: String,
    #[serde(deserialize_with = "null_as_default")]
    pub load_balancer_source_ranges: Vec<String>,
}

/// `limitConfig`: `cpu` and `memory` are deprecated and only echoed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LimitConfig {
    pub cpu: i32,
    pub memory: i32,
    pub cpu_milli_core: i32,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: i32,
    #[serde(rename = "storageGiB")]
    pub storage_gib: i32,
    pub over_subscription: i32,
}

impl LimitConfig {
    fn validate(&self) -> ApiResult<()> {
        let members = [
            ("cpuMilliCore", self.cpu_milli_core),
            ("memoryMiB", self.memory_mib),
            ("storageGiB", self.storage_gib),
            ("overSubscription", self.over_subscription),
        ];
        match members.iter().find(|(_, value)| *value < 0) {
            Some((name, value)) => Err(ApiError::bad_request(format!("limitConfig.{name} must not be negative, got {value}"))),
            None => Ok(()),
        }
    }

    /// Effective limits: each member scaled by `overSubscription` percent (0 meaning
    /// 100); a member of 0 sets no limit.
    pub fn limits(&self) -> Limits {
        let percent = if self.over_subscription > 0 { i64::from(self.over_subscription) } else { 100 };
        let scaled = |value: i64| (value > 0).then(|| value * percent / 100);
        Limits {
            cpu_milli: scaled(i64::from(self.cpu_milli_core)),
            memory_mib: scaled(i64::from(self.memory_mib)),
            storage_gib: scaled(i64::from(self.storage_gib)),
        }
    }
}

impl_kind!(ClusterGroup, KIND, LABEL;
    /// Its member host clusters and the profiles it gives its clusters.
    fn references(&self, _now: Millis) -> Option<Vec<(&'static str, String)>> {
        let hosts = self.spec.cluster_refs.iter().map(|member| (spectroclusters::KIND, member.cluster_uid.clone()));
        let profiles = self.spec.profiles.iter().map(|profile| (clusterprofiles::KIND, profile.uid.clone()));
        Some(hosts.chain(profiles).collect())
    }
);

/// A stored cluster group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterGroup {
    pub metadata: ObjectMeta,
    pub spec: GroupSpec,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSpec {
    #[serde(rename = "type")]
    pub group_type: String,
    pub cluster_refs: Vec<ClusterRef>,
    pub clusters_config: ClustersConfig,
    pub profiles: Vec<Attachment>,
}

impl ClusterGroup {
    pub fn limits(&self) -> Limits {
        self.spec.clusters_config.limit_config.limits()
    }

    pub fn has_host(&self, host_uid: &str) -> bool {
        self.spec.cluster_refs.iter().any(|member| member.cluster_uid == host_uid)
    }

    /// The endpoint settings of member `host_uid`.
    pub fn endpoint_of(&self, host_uid: &str) -> Option<&EndpointConfig> {
        self.spec.clusters_config.host_clusters_config.iter().find(|c| c.cluster_uid == host_uid).map(|c| &c.endpoint_config)
    }

    fn view(&self, tx: &Tx<'_>) -> ApiResult<Value> {
        Ok(json!({
            "apiVersion": "v1",
            "kind": "ClusterGroup",
            "metadata": self.metadata,
            "spec": {
                "type": self.spec.group_type,
                "clusterRefs": self.spec.cluster_refs,
                "clustersConfig": self.spec.clusters_config,
                "clusterProfileTemplates": profiles::templates(tx, &self.spec.profiles)?,
            },
            "status": { "isActive": true },
        }))
    }
}

/// `v1ClusterGroupEntity`.
#[derive(Debug, Deserialize)]
pub struct GroupEntity {
    metadata: MetaInput,
    #[serde(default)]
    spec: GroupEntitySpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GroupEntitySpec {
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    group_type: String,
    #[serde(deserialize_with = "null_as_default")]
    cluster_refs: Vec<ClusterRef>,
    clusters_config: ClustersConfig,
    #[serde(deserialize_with = "null_as_default")]
    profiles: Vec<profiles::AttachmentInput>,
}

/// The body of `PUT /v1/clustergroups/{uid}/hostCluster`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct HostClusterUpdate {
    #[serde(deserialize_with = "null_as_default")]
    cluster_refs: Vec<ClusterRef>,
    clusters_config: ClustersConfig,
}

fn one_of(field: &str, value: &str, default: &str, accepted: &[&str]) -> ApiResult<String> {
    let value = if value.trim().is_empty() { default } else { value.trim() };
    if accepted.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(ApiError::bad_request(format!("{field}: invalid value '{value}', expected one of {}", accepted.join(", "))))
    }
}

/// Whether a group owned by `group_owner` may take a host cluster owned by `host_owner`.
fn may_include(group_owner: &Scope, host_owner: &Scope) -> bool {
    match group_owner {
        Scope::Tenant | Scope::System => true,
        Scope::Project(_) => host_owner == group_owner || *host_owner == Scope::Tenant,
    }
}

/// A member host cluster: it must exist where the group may see it (404) and be a
/// healthy host cluster (400 `InvalidHostCluster`).
fn member_host(tx: &Tx<'_>, owner: &Scope, uid: &str) -> ApiResult<Row<HostCluster>> {
    let host = spectroclusters::find_host(tx, uid)?
        .filter(|row| may_include(owner, &row.owner))
        .ok_or_else(|| ApiError::not_found("host cluster", uid))?;
    host.value.ensure_usable()?;
    Ok(host)
}

/// Checks and completes the members and their configuration: names filled in,
/// enums defaulted, one `hostClustersConfig` entry per member (defaulting to the host
/// cluster's own ingress).
fn normalize(
    tx: &Tx<'_>,
    owner: &Scope,
    refs: Vec<ClusterRef>,
    mut config: ClustersConfig,
) -> ApiResult<(Vec<ClusterRef>, ClustersConfig)> {
    config.endpoint_type = one_of("clustersConfig.endpointType", &config.endpoint_type, ENDPOINT_TYPES[0], &ENDPOINT_TYPES)?;
    config.kubernetes_distro_type =
        one_of("clustersConfig.kubernetesDistroType", &config.kubernetes_distro_type, DISTRO_TYPES[0], &DISTRO_TYPES)?;
    config.limit_config.validate()?;
    let mut members: Vec<ClusterRef> = Vec::new();
    let mut hosts = Vec::new();
    for member in refs {
        let uid = member.cluster_uid.trim().to_string();
        if uid.is_empty() {
            return Err(ApiError::bad_request("clusterRefs[].clusterUid is required"));
        }
        if members.iter().any(|existing| existing.cluster_uid == uid) {
            return Err(ApiError::bad_request(format!("host cluster '{uid}' is listed twice in clusterRefs")));
        }
        let host = member_host(tx, owner, &uid)?;
        members.push(ClusterRef { cluster_uid: uid, cluster_name: host.value.name().to_string() });
        hosts.push(host);
    }
    if let Some(stray) = config.host_clusters_config.iter().find(|c| !members.iter().any(|m| m.cluster_uid == c.cluster_uid)) {
        return Err(ApiError::bad_request(format!(
            "clustersConfig.hostClustersConfig names cluster '{}', which is not in clusterRefs",
            stray.cluster_uid
        )));
    }
    config.host_clusters_config = hosts
        .iter()
        .map(|host| {
            let given = config.host_clusters_config.iter().find(|c| c.cluster_uid == host.uid).map(|c| c.endpoint_config.clone());
            let mut endpoint = given.unwrap_or_default();
            if endpoint.ingress_config.host.is_empty() {
                let own = host.value.endpoint().pointer("/config/ingressConfig/host").and_then(Value::as_str).unwrap_or("");
                endpoint.ingress_config.host = own.to_string();
            }
            if endpoint.ingress_config.port == 0 {
                endpoint.ingress_config.port = 443;
            }
            HostClusterConfig { cluster_uid: host.uid.clone(), endpoint_config: endpoint }
        })
        .collect();
    Ok((members, config))
}

fn ensure_unique_name(tx: &Tx<'_>, owner: &Scope, name: &str, except: Option<&str>) -> ApiResult<()> {
    let taken = tx.list_named::<ClusterGroup>(KIND, owner, name)?.iter().any(|row| &row.owner == owner && Some(row.uid.as_str()) != except);
    if taken {
        return Err(ApiError::duplicate(format!("a cluster group named '{name}' already exists")));
    }
    Ok(())
}

/// A group a cluster in `scope` may be placed in (its scope's, the tenant's or the system's).
pub fn usable(tx: &Tx<'_>, uid: &str, scope: &Scope) -> ApiResult<Row<ClusterGroup>> {
    require_uid(uid)?;
    tx.get::<ClusterGroup>(KIND, uid)?.filter(|row| usable_from(&row.owner, scope)).ok_or_else(|| ApiError::not_found(LABEL, uid))
}

/// Creates the cluster group `uid` in `scope` from a create body: what
/// `POST /v1/clustergroups` does, and what seeds do with a fixed UID.
pub fn create_in(tx: &Tx<'_>, scope: &Scope, uid: &str, entity: GroupEntity, now: Millis) -> ApiResult<()> {
    let name = entity.metadata.required_name()?;
    let spec = entity.spec;
    if !spec.group_type.is_empty() && spec.group_type != GROUP_TYPE {
        return Err(ApiError::bad_request(format!("spec.type: invalid value '{}', expected {GROUP_TYPE}", spec.group_type)));
    }
    ensure_unique_name(tx, scope, &name, None)?;
    let (cluster_refs, clusters_config) = normalize(tx, scope, spec.cluster_refs, spec.clusters_config)?;
    let profiles = profiles::resolve_all(tx, scope, spec.profiles)?;
    let group = ClusterGroup {
        metadata: ObjectMeta::create(uid.to_string(), name, entity.metadata, scope, &timestamp_of(now)),
        spec: GroupSpec { group_type: GROUP_TYPE.to_string(), cluster_refs, clusters_config, profiles },
    };
    collection::insert(tx, scope, &group, now)
}

async fn create(State(app): State<SharedState>, scope: Scope, JsonBody(entity): JsonBody<GroupEntity>) -> ApiResult<Created> {
    let now = app.now();
    let uid = app
        .store
        .run(move |tx| {
            let uid = new_uid();
            create_in(tx, &scope, &uid, entity, now)?;
            Ok(uid)
        })
        .await?;
    Ok(Created(uid))
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(app.store.run(move |tx| collection::load::<ClusterGroup>(tx, &uid, &scope)?.value.view(tx)).await?))
}

async fn update_meta(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(metadata): JsonBody<MetaInput>,
) -> ApiResult<NoContent> {
    let stamp = app.timestamp();
    modify::<ClusterGroup>(&app, uid, scope, move |tx, owner, group| {
        if metadata.name.is_some() {
            let name = metadata.required_name()?;
            ensure_unique_name(tx, owner, &name, Some(&group.metadata.uid))?;
            group.metadata.name = name;
        }
        group.metadata.apply(metadata, &stamp);
        Ok(())
    })
    .await
}

/// The live virtual clusters placed in group `uid`.
fn members(tx: &Tx<'_>, uid: &str, now: Millis) -> ApiResult<Vec<Row<VirtualCluster>>> {
    Ok(spectroclusters::list_virtual(tx, now)?.into_iter().filter(|row| row.value.group_uid() == Some(uid)).collect())
}

/// Replaces members and configuration. Members that still run virtual clusters of
/// the group cannot leave (409), and limits cannot drop below current use (400).
async fn update_host_clusters(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(update): JsonBody<HostClusterUpdate>,
) -> ApiResult<NoContent> {
    let now = app.now();
    modify::<ClusterGroup>(&app, uid, scope, move |tx, owner, group| {
        let (cluster_refs, clusters_config) = normalize(tx, owner, update.cluster_refs, update.clusters_config)?;
        let running = members(tx, &group.metadata.uid, now)?;
        for cluster in &running {
            let host = &cluster.value.spec.placement.host_cluster;
            if !cluster_refs.iter().any(|member| member.cluster_uid == host.uid) {
                return Err(ApiError::in_use(format!(
                    "host cluster '{}' still runs virtual cluster '{}' of this group",
                    host.name, cluster.value.metadata.name
                )));
            }
        }
        let used = capacity::usage(&running, None, |_| true);
        let holder = Holder { kind: "cluster group", name: &group.metadata.name, uid: &group.metadata.uid };
        capacity::ensure_fits(holder, clusters_config.limit_config.limits(), Resources::default(), used)?;
        group.spec.cluster_refs = cluster_refs;
        group.spec.clusters_config = clusters_config;
        Ok(())
    })
    .await
}

fn related(group: &ClusterGroup) -> Value {
    json!({ "kind": "clustergroup", "name": group.metadata.name, "uid": group.metadata.uid })
}

async fn list_profiles(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let view = app
        .store
        .run(move |tx| {
            let group = collection::load::<ClusterGroup>(tx, &uid, &scope)?.value;
            profiles::profiles_view(tx, &group.spec.profiles, related(&group))
        })
        .await?;
    Ok(Json(view))
}

async fn replace_profiles(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(mut body): JsonBody<AttachmentsBody>,
) -> ApiResult<NoContent> {
    let inputs = body.profiles()?;
    body.action()?;
    modify::<ClusterGroup>(&app, uid, scope, move |tx, owner, group| {
        group.spec.profiles = profiles::resolve_all(tx, owner, inputs)?;
        Ok(())
    })
    .await
}

async fn remove(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    let now = app.now();
    app.store
        .run(move |tx| {
            let group = collection::load::<ClusterGroup>(tx, &uid, &scope)?.value;
            let running = members(tx, &uid, now)?;
            if !running.is_empty() {
                let names: Vec<&str> = running.iter().map(|row| row.value.metadata.name.as_str()).collect();
                return Err(ApiError::in_use(format!(
                    "cluster group '{}' still has {} virtual cluster(s): {}",
                    group.metadata.name,
                    names.len(),
                    names.join(", ")
                ))
                .with_details(json!({ "virtualClusters": names })));
            }
            tx.delete(KIND, &uid)?;
            Ok(())
        })
        .await?;
    Ok(NoContent)
}

/// Groups usable from `scope`, in creation order.
fn usable_groups(tx: &Tx<'_>, scope: &Scope) -> ApiResult<Vec<Row<ClusterGroup>>> {
    Ok(tx.list_all::<ClusterGroup>(KIND)?.into_iter().filter(|row| usable_from(&row.owner, scope)).collect())
}

/// `v1ClusterGroupSummary`.
fn summary(tx: &Tx<'_>, row: &Row<ClusterGroup>, clusters: &[Row<VirtualCluster>], tenant: &str) -> ApiResult<Value> {
    let group = &row.value;
    let hosts: Vec<Value> = group
        .spec
        .cluster_refs
        .iter()
        .map(|member| {
            let project = spectroclusters::find_host(tx, &member.cluster_uid)?.map(|host| host.owner.project_uid().to_string());
            Ok(json!({ "uid": member.cluster_uid, "name": member.cluster_name, "kind": "spectrocluster",
                       "projectUid": project.unwrap_or_default(), "tenantUid": tenant }))
        })
        .collect::<ApiResult<_>>()?;
    let in_group: Vec<&Row<VirtualCluster>> = clusters.iter().filter(|c| c.value.group_uid() == Some(row.uid.as_str())).collect();
    let used = in_group.iter().fold(Resources::default(), |sum, c| sum + c.value.spec.quota.resources());
    let limits = group.limits();
    let templates: Vec<Value> = profiles::attached(tx, &group.spec.profiles)?
        .into_iter()
        .map(|(profile, template): (_, Template)| {
            json!({ "uid": profile.metadata.uid, "name": profile.metadata.name, "type": template.profile_type,
                    "cloudType": template.cloud_type, "scope": profile.metadata.annotations.get("scope"),
                    "version": profile.version, "packs": template.packs })
        })
        .collect();
    Ok(json!({
        "metadata": group.metadata,
        "spec": {
            "scope": row.owner.as_str(),
            "endpointType": group.spec.clusters_config.endpoint_type,
            "kubernetesDistroType": group.spec.clusters_config.kubernetes_distro_type,
            "hostClusters": hosts,
            "hostClustersCount": group.spec.cluster_refs.len(),
            "virtualClustersCount": in_group.len(),
            "clusterProfileTemplates": templates,
            "cpu": { "allocated": limits.cpu_milli.unwrap_or(0) as f64 / 1000.0, "used": used.cpu_milli as f64 / 1000.0 },
            "memory": { "allocated": limits.memory_mib.unwrap_or(0), "used": used.memory_mib },
        },
    }))
}

async fn summaries(State(app): State<SharedState>, scope: Scope) -> ApiResult<Json<Value>> {
    let now = app.now();
    let items = app
        .store
        .run(move |tx| {
            let clusters = spectroclusters::list_virtual(tx, now)?;
            let tenant = tenant_uid(tx)?;
            usable_groups(tx, &scope)?.iter().map(|row| summary(tx, row, &clusters, &tenant)).collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(Json(json!({ "summaries": items })))
}

async fn metadata(State(app): State<SharedState>, scope: Scope) -> ApiResult<Json<Value>> {
    let items = app
        .store
        .run(move |tx| {
            Ok(usable_groups(tx, &scope)?
                .iter()
                .map(|row| json!({ "uid": row.uid, "name": row.value.metadata.name, "scope": row.owner.as_str() }))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Debug, Default, Deserialize)]
struct NameQuery {
    name: Option<String>,
}

/// 204 when `name` is free in the caller's scope, 409 when taken.
async fn validate_name(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<NameQuery>) -> ApiResult<NoContent> {
    let name = query.name.map(|name| name.trim().to_string()).filter(|name| !name.is_empty());
    let name = name.ok_or_else(|| ApiError::bad_request("query parameter name is required"))?;
    app.store.run(move |tx| ensure_unique_name(tx, &scope, &name, None)).await?;
    Ok(NoContent)
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeveloperCredit {
    cpu: i64,
    #[serde(rename = "memoryGiB")]
    memory_gib: i64,
    #[serde(rename = "storageGiB")]
    storage_gib: i64,
    virtual_clusters_limit: i64,
}

/// `v1ClusterGroupsDeveloperCreditUsage`: the caller's virtual clusters placed in
/// groups of scope `scope`, against the default developer credit.
async fn developer_credit(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(group_scope): PathParams<String>,
) -> ApiResult<Json<Value>> {
    if !["system", "tenant", "project"].contains(&group_scope.as_str()) {
        return Err(ApiError::bad_request(format!("scope: invalid value '{group_scope}', expected one of system, tenant, project")));
    }
    let now = app.now();
    let used = app
        .store
        .run(move |tx| {
            let mut used = DeveloperCredit { cpu: 0, memory_gib: 0, storage_gib: 0, virtual_clusters_limit: 0 };
            for cluster in spectroclusters::list_virtual(tx, now)?.into_iter().filter(|row| row.owner == scope) {
                let Some(group_uid) = cluster.value.group_uid() else { continue };
                let group_owner = tx.get::<ClusterGroup>(KIND, group_uid)?.map(|group| group.owner);
                if group_owner.is_some_and(|owner| owner.as_str() == group_scope) {
                    let quota = cluster.value.spec.quota;
                    used.cpu += i64::from(quota.max_cpu);
                    used.memory_gib += (i64::from(quota.max_mem_in_mib) + 1023) / 1024;
                    used.storage_gib += i64::from(quota.max_storage_gib);
                    used.virtual_clusters_limit += 1;
                }
            }
            Ok(used)
        })
        .await?;
    Ok(Json(json!({ "allocatedCredit": DEVELOPER_CREDIT, "usedCredit": used })))
}

/// Which members a group dashboard lists.
#[derive(Debug, Clone, Copy)]
enum Members {
    Hosts,
    Virtual,
}

async fn dashboard(
    app: SharedState,
    scope: Scope,
    uid: String,
    page: PageQuery,
    spec: SearchSpec,
    which: Members,
) -> ApiResult<Json<Value>> {
    let now = app.now();
    let items = app
        .store
        .run(move |tx| {
            let group = collection::load::<ClusterGroup>(tx, &uid, &scope)?;
            let clusters = spectroclusters::list_live(tx, now)?.into_iter().filter(|row| match (&row.value, which) {
                (Cluster::Host(_), Members::Hosts) => group.value.has_host(&row.uid),
                (Cluster::Virtual(cluster), Members::Virtual) => cluster.group_uid() == Some(uid.as_str()),
                _ => false,
            });
            dashboards::search(tx, clusters.collect(), &spec, now)
        })
        .await?;
    page.respond("items", items)
}

async fn host_clusters(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<SearchSpec>,
) -> ApiResult<Json<Value>> {
    dashboard(app, scope, uid, page, spec, Members::Hosts).await
}

async fn virtual_clusters(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<SearchSpec>,
) -> ApiResult<Json<Value>> {
    dashboard(app, scope, uid, page, spec, Members::Virtual).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_scale_with_oversubscription_and_zero_means_unlimited() {
        let config =
            LimitConfig { cpu_milli_core: 6000, memory_mib: 8192, storage_gib: 0, over_subscription: 120, ..LimitConfig::default() };
        assert_eq!(config.limits(), Limits { cpu_milli: Some(7200), memory_mib: Some(9830), storage_gib: None });
        let plain = LimitConfig { cpu_milli_core: 1000, ..LimitConfig::default() };
        assert_eq!(plain.limits().cpu_milli, Some(1000));
        assert!(LimitConfig { memory_mib: -1, ..LimitConfig::default() }.validate().is_err());
    }

    #[test]
    fn scope_rules_for_members() {
        let project = Scope::Project("p".into());
        assert!(may_include(&Scope::Tenant, &project));
        assert!(may_include(&project, &Scope::Tenant));
        assert!(may_include(&project, &project));
        assert!(!may_include(&project, &Scope::Project("q".into())));
    }

    #[test]
    fn enums_default_and_reject() {
        assert_eq!(one_of("t", "", "Ingress", &ENDPOINT_TYPES).unwrap(), "Ingress");
        assert_eq!(one_of("t", "LoadBalancer", "Ingress", &ENDPOINT_TYPES).unwrap(), "LoadBalancer");
        assert!(one_of("t", "NodePort", "Ingress", &ENDPOINT_TYPES).is_err());
    }
}

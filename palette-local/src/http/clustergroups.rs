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

use super::cluster_views;
use super::{create_with_new_uid, modify};
use crate::domain::cluster::attachment::{self, AttachmentsBody};
use crate::domain::cluster::capacity::{self, Holder, Resources};
use crate::domain::cluster::search::SearchSpec;
use crate::domain::cluster::{self, tenant_uid, Cluster, VirtualCluster};
use crate::domain::cluster_group::{create_in, ensure_unique_name, normalize, ClusterGroup, GroupEntity, HostClusterUpdate, KIND};
use crate::domain::cluster_profile::Template;
use crate::domain::collection;
use crate::domain::placement;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, OptionalJsonBody, PathParams, QueryParams};
use crate::lifecycle::Millis;
use crate::listing::PageQuery;
use crate::model::MetaInput;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};

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


async fn create(State(app): State<SharedState>, scope: Scope, JsonBody(entity): JsonBody<GroupEntity>) -> ApiResult<Created> {
    let now = app.now();
    create_with_new_uid(&app, move |tx, uid| create_in(tx, &scope, uid, entity, now)).await
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
    Ok(cluster::list_virtual(tx, now)?.into_iter().filter(|row| row.value.group_uid() == Some(uid)).collect())
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
        let used = placement::usage(&running, None, |_| true);
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
            cluster_views::profiles_view(tx, &group.spec.profiles, related(&group))
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
        group.spec.profiles = attachment::resolve_all(tx, owner, inputs)?;
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
    Ok(tx.list_all::<ClusterGroup>(KIND)?.into_iter().filter(|row| row.owner.usable_from(scope)).collect())
}

/// `v1ClusterGroupSummary`.
fn summary(tx: &Tx<'_>, row: &Row<ClusterGroup>, clusters: &[Row<VirtualCluster>], tenant: &str) -> ApiResult<Value> {
    let group = &row.value;
    let hosts: Vec<Value> = group
        .spec
        .cluster_refs
        .iter()
        .map(|member| {
            let project = cluster::find_host(tx, &member.cluster_uid)?.map(|host| host.owner.project_uid().to_string());
            Ok(json!({ "uid": member.cluster_uid, "name": member.cluster_name, "kind": "spectrocluster",
                       "projectUid": project.unwrap_or_default(), "tenantUid": tenant }))
        })
        .collect::<ApiResult<_>>()?;
    let in_group: Vec<&Row<VirtualCluster>> = clusters.iter().filter(|c| c.value.group_uid() == Some(row.uid.as_str())).collect();
    let used = in_group.iter().fold(Resources::default(), |sum, c| sum + c.value.spec.quota.resources());
    let limits = group.limits();
    let templates: Vec<Value> = attachment::attached(tx, &group.spec.profiles)?
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
            let clusters = cluster::list_virtual(tx, now)?;
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
            for cluster in cluster::list_virtual(tx, now)?.into_iter().filter(|row| row.owner == scope) {
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
            let clusters = cluster::list_live(tx, now)?.into_iter().filter(|row| match (&row.value, which) {
                (Cluster::Host(_), Members::Hosts) => group.value.has_host(&row.uid),
                (Cluster::Virtual(cluster), Members::Virtual) => cluster.group_uid() == Some(uid.as_str()),
                _ => false,
            });
            cluster_views::search(tx, clusters.collect(), &spec, now)
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

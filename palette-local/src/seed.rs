//! Loading a seed (see [`seed_file`](crate::seed_file) for its format) into an empty
//! database.

use std::collections::{BTreeMap, HashMap};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::clock::parse_timestamp;
use super::config::LifecycleTimings;
use super::domain::pack::{self, Pack};
use super::domain::project::{self, Project};
use super::domain::registry::{self, Registry, RegistryKind};
use super::domain::user::{self, User, UserRecord, UserSpec, UserStatus};
use super::error::{ApiError, ApiResult};
use super::lifecycle::to_millis;
use super::model::{labels_from_tags, MetaInput, ObjectMeta};
use super::domain::cluster;
use super::domain::placement;
use super::domain::{app_profile, cluster_group, cluster_profile};
use super::scope::Scope;
use super::seed_file::{SeedFile, SeedHostCluster, SeedObject, SeedPack, SeedProject, SeedRegistry, SeedUser};
use super::store::Tx;
use super::uid::{is_uid, new_uid};
use super::version_tags;

const DEFAULT_ORG: &str = "palette-local";
const DEFAULT_USER_EMAIL: &str = "admin@palette.local";
const DEFAULT_USER_PASSWORD: &str = "palette-local";

fn seed_error(message: String) -> ApiError {
    ApiError::bad_request(format!("invalid seed: {message}"))
}

fn uid_or_new(given: &Option<String>, what: &str) -> ApiResult<String> {
    match given {
        Some(uid) if !is_uid(uid) => Err(seed_error(format!("{what} uid '{uid}' is not 24 lowercase hex characters"))),
        Some(uid) => Ok(uid.clone()),
        None => Ok(new_uid()),
    }
}

fn meta_input(description: &str, tags: &[String]) -> MetaInput {
    let annotations = if description.is_empty() {
        BTreeMap::new()
    } else {
        BTreeMap::from([("description".to_string(), description.to_string())])
    };
    MetaInput { name: None, labels: Some(labels_from_tags(tags)), annotations: Some(annotations) }
}

/// Loads `seed` when the database is empty; returns whether it did.
pub fn load_if_empty(tx: &Tx<'_>, seed: &SeedFile, now: &str) -> ApiResult<bool> {
    if !tx.is_empty()? {
        return Ok(false);
    }
    load(tx, seed, now)?;
    Ok(true)
}

fn load(tx: &Tx<'_>, seed: &SeedFile, now: &str) -> ApiResult<()> {
    if seed.api_keys.is_empty() {
        return Err(seed_error("apiKeys must hold at least one key".into()));
    }
    for key in &seed.api_keys {
        tx.add_api_key(key)?;
    }
    tx.set_setting(user::TENANT_UID_SETTING, &new_uid())?;
    tx.set_setting(user::ORG_NAME_SETTING, seed.org_name.as_deref().unwrap_or(DEFAULT_ORG))?;
    load_users(tx, seed, now)?;
    let project_uids = load_projects(tx, &seed.projects, now)?;
    let registry_uids = load_registries(tx, &seed.registries, now)?;
    load_packs(tx, &seed.packs, &registry_uids, now)?;
    for host in &seed.host_clusters {
        let owner = owner_of(&project_uids, &host.project, &format!("host cluster '{}'", host.name))?;
        let uid = uid_or_new(&host.uid, "host cluster")?;
        tx.insert(cluster::KIND, &owner, &uid, &host.name, &host_cluster_document(&uid, host, &owner, now))?;
    }
    load_objects(tx, seed, &project_uids, now)
}

/// The owner scope of a seeded object: the named project, else the tenant.
fn owner_of(project_uids: &HashMap<String, String>, project: &Option<String>, what: &str) -> ApiResult<Scope> {
    match project {
        None => Ok(Scope::Tenant),
        Some(name) => project_uids
            .get(name)
            .map(|uid| Scope::Project(uid.clone()))
            .ok_or_else(|| seed_error(format!("{what}: unknown project '{name}'"))),
    }
}

/// One seeded object, ready for its kind's create: its owner, UID (checked to be
/// free) and decoded body; `label` names it in errors.
struct Prepared<T> {
    owner: Scope,
    uid: String,
    body: T,
    label: String,
}

fn prepare<T: DeserializeOwned>(
    tx: &Tx<'_>,
    object: &SeedObject,
    kind: &str,
    what: &str,
    project_uids: &HashMap<String, String>,
) -> ApiResult<Prepared<T>> {
    let name = object.body.get("metadata").and_then(|meta| meta.get("name")).and_then(Value::as_str).unwrap_or("");
    let label = format!("{what} '{name}'");
    let owner = owner_of(project_uids, &object.project, &label)?;
    let uid = uid_or_new(&object.uid, what)?;
    if tx.exists(kind, &uid)? {
        return Err(seed_error(format!("{label}: uid {uid} is already taken")));
    }
    let body = serde_json::from_value(Value::Object(object.body.clone())).map_err(|e| seed_error(format!("{label}: {e}")))?;
    Ok(Prepared { owner, uid, body, label })
}

/// Runs a kind's create for a prepared object, naming the object in its errors.
fn create<T>(prepared: Prepared<T>, create: impl FnOnce(&Scope, &str, T) -> ApiResult<()>) -> ApiResult<()> {
    let Prepared { owner, uid, body, label } = prepared;
    create(&owner, &uid, body).map_err(|e| seed_error(format!("{label}: {}", e.message)))
}

/// Profiles first, then the groups and clusters that may use them; virtual
/// clusters are seeded already provisioned (and paused when their body asks).
fn load_objects(tx: &Tx<'_>, seed: &SeedFile, project_uids: &HashMap<String, String>, now: &str) -> ApiResult<()> {
    let now_millis = parse_timestamp(now).map_or(0, to_millis);
    for profile in &seed.cluster_profiles {
        let prepared = prepare(tx, &profile.object, cluster_profile::KIND, "cluster profile", project_uids)?;
        create(prepared, |owner, uid, body| cluster_profile::entity::create_in(tx, owner, uid, body, profile.publish, now))?;
    }
    for profile in &seed.app_profiles {
        let prepared = prepare(tx, profile, app_profile::KIND, "application profile", project_uids)?;
        create(prepared, |owner, uid, body| app_profile::create_in(tx, owner, uid, body, now))?;
    }
    for group in &seed.cluster_groups {
        let prepared = prepare(tx, group, cluster_group::KIND, "cluster group", project_uids)?;
        create(prepared, |owner, uid, body| cluster_group::create_in(tx, owner, uid, body, now_millis))?;
    }
    // Seeded clusters exist already: every transition is instant.
    let instant = LifecycleTimings::default();
    for cluster in &seed.virtual_clusters {
        let prepared = prepare(tx, cluster, cluster::KIND, "virtual cluster", project_uids)?;
        create(prepared, |owner, uid, body| {
            placement::insert(tx, owner, uid.to_string(), body, now_millis, &instant).map(drop)
        })?;
    }
    Ok(())
}

fn load_users(tx: &Tx<'_>, seed: &SeedFile, now: &str) -> ApiResult<()> {
    let default_user = SeedUser {
        email: DEFAULT_USER_EMAIL.into(),
        password: DEFAULT_USER_PASSWORD.into(),
        first_name: "Palette".into(),
        last_name: "Admin".into(),
        uid: None,
    };
    let users = if seed.users.is_empty() { std::slice::from_ref(&default_user) } else { &seed.users };
    for seeded in users {
        let uid = uid_or_new(&seeded.uid, "user")?;
        let name = format!("{} {}", seeded.first_name, seeded.last_name).trim().to_string();
        let user = User {
            metadata: ObjectMeta::create(uid.clone(), name.clone(), MetaInput::default(), &Scope::Tenant, now),
            spec: UserSpec {
                email_id: seeded.email.clone(),
                first_name: seeded.first_name.clone(),
                last_name: seeded.last_name.clone(),
                roles: vec!["Tenant Admin".to_string()],
            },
            status: UserStatus { is_active: true, is_password_reset_required: false, last_sign_in: now.to_string() },
        };
        tx.insert(user::KIND, &Scope::Tenant, &uid, &name, &UserRecord { user, password: seeded.password.clone() })?;
    }
    Ok(())
}

fn load_projects(tx: &Tx<'_>, seeded: &[SeedProject], now: &str) -> ApiResult<HashMap<String, String>> {
    let mut uids = HashMap::new();
    for seed in seeded {
        project::ensure_unique_name(tx, &seed.name, None)?;
        let uid = uid_or_new(&seed.uid, "project")?;
        let project = Project::new(uid.clone(), seed.name.clone(), meta_input(&seed.description, &seed.tags), now);
        tx.insert(project::KIND, &Scope::Tenant, &uid, &seed.name, &project)?;
        uids.insert(seed.name.clone(), uid);
    }
    Ok(uids)
}

fn load_registries(tx: &Tx<'_>, seeded: &[SeedRegistry], now: &str) -> ApiResult<HashMap<String, String>> {
    let mut uids = HashMap::new();
    for (index, seed) in seeded.iter().enumerate() {
        if uids.contains_key(&seed.name) {
            return Err(seed_error(format!("registry '{}' appears twice", seed.name)));
        }
        let uid = uid_or_new(&seed.uid, "registry")?;
        let default_endpoint = match seed.kind {
            RegistryKind::Spectro => "https://registry.spectrocloud.com",
            RegistryKind::Helm => "https://charts.bitnami.com/bitnami",
            RegistryKind::Oci => "oci://registry.palette.local",
        };
        let registry = Registry {
            metadata: ObjectMeta::create(uid.clone(), seed.name.clone(), MetaInput::default(), &Scope::System, now),
            kind: seed.kind,
            endpoint: seed.endpoint.clone().unwrap_or_else(|| default_endpoint.to_string()),
            is_private: seed.is_private,
            // The first pack registry plays the role of "Public Repo".
            is_default: index == seeded.iter().position(|r| r.kind == RegistryKind::Spectro).unwrap_or(usize::MAX),
            last_synced: now.to_string(),
        };
        tx.insert(registry::KIND, &Scope::System, &uid, &seed.name, &registry)?;
        uids.insert(seed.name.clone(), uid);
    }
    Ok(uids)
}

fn load_packs(tx: &Tx<'_>, seeded: &[SeedPack], registry_uids: &HashMap<String, String>, now: &str) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    for seed in seeded {
        let registry_uid = registry_uids
            .get(&seed.registry)
            .ok_or_else(|| seed_error(format!("pack '{}': unknown registry '{}'", seed.name, seed.registry)))?;
        if !seen.insert((seed.name.clone(), seed.tag.clone(), registry_uid.clone())) {
            return Err(seed_error(format!("pack '{}' {} appears twice in registry '{}'", seed.name, seed.tag, seed.registry)));
        }
        if seed.tag.trim().is_empty() || version_tags::is_range_tag(&seed.tag) {
            return Err(seed_error(format!("pack '{}': '{}' is not an exact version (range tags are derived)", seed.name, seed.tag)));
        }
        if let Some(tag) = seed.tags.iter().find(|tag| tag.trim().is_empty() || version_tags::is_range_tag(tag)) {
            return Err(seed_error(format!("pack '{}' {}: tag '{tag}' must be a named tag (range tags are derived)", seed.name, seed.tag)));
        }
        let uid = uid_or_new(&seed.uid, "pack")?;
        let pack = Pack {
            metadata: ObjectMeta::create(uid.clone(), seed.name.clone(), MetaInput::default(), &Scope::System, now),
            name: seed.name.clone(),
            version: seed.tag.clone(),
            tags: seed.tags.clone(),
            registry_uid: registry_uid.clone(),
            pack_type: seed.pack_type,
            layer: seed.layer,
            cloud_types: seed.cloud_types.clone(),
            values: seed.values.clone(),
            display_name: seed.display_name.clone().unwrap_or_else(|| seed.name.clone()),
            addon_type: seed.addon_type.clone(),
            addon_sub_type: seed.addon_sub_type.clone(),
            group: seed.group.clone(),
            source: seed.source.clone().unwrap_or_else(|| pack::SPECTROCLOUD_SOURCE.to_string()),
            is_fips: seed.is_fips,
            logo_url: String::new(),
        };
        tx.insert(pack::KIND, &Scope::System, &uid, &seed.name, &pack)?;
    }
    Ok(())
}

/// A seeded host cluster, stored as a running, healthy spectrocluster whose
/// `status.capacity` holds what virtual clusters may consume (see the docs).
fn host_cluster_document(uid: &str, host: &SeedHostCluster, owner: &Scope, now: &str) -> Value {
    let meta = ObjectMeta::create(uid.to_string(), host.name.clone(), MetaInput::default(), owner, now);
    json!({
        "apiVersion": "v1",
        "kind": "SpectroCluster",
        "metadata": meta,
        "spec": {
            "cloudType": host.cloud_type,
            "cloudConfigRef": { "kind": "CloudConfig", "name": format!("{}-config", host.name), "uid": new_uid() },
            "clusterType": "PureManage",
            "clusterConfig": {
                "hostClusterConfig": {
                    "isHostCluster": true,
                    "clusterEndpoint": {
                        "type": "Ingress",
                        "config": { "ingressConfig": { "host": format!("*.{}.palette.local", host.name), "port": 443 } }
                    },
                    "clusterGroup": { "uid": "", "name": "" },
                    "hostCluster": { "uid": "", "name": "" }
                },
                "lifecycleConfig": { "pause": false },
                "timezone": "",
                "updateWorkerPoolsInParallel": false
            },
            "clusterProfileTemplates": []
        },
        "status": {
            "state": "Running",
            "health": { "state": "Healthy", "lastHeartBeatTimestamp": now },
            "capacity": { "cpu": host.cpu, "memoryMiB": host.memory_mib, "storageGiB": host.storage_gib },
            "conditions": [],
            "virtual": { "virtualClusters": [] }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pack::{PackLayer, PackType};
    use crate::lifecycle::PowerStatus;
    use crate::domain::cluster::VirtualCluster;
    use crate::store::{Row, Store};

    #[test]
    fn builtin_seed_parses_and_is_complete() {
        let seed = SeedFile::builtin().unwrap();
        assert_eq!(seed.api_keys.len(), 1);
        assert!(seed.projects.iter().any(|project| project.name == "Default"));
        assert_eq!(seed.registries.len(), 4);
        for kind in [RegistryKind::Spectro, RegistryKind::Oci, RegistryKind::Helm] {
            assert!(seed.registries.iter().any(|registry| registry.kind == kind), "{kind:?}");
        }
        assert_eq!(seed.host_clusters.len(), 2);
        let has = |layer: PackLayer| seed.packs.iter().any(|pack| pack.layer == layer);
        assert!(has(PackLayer::Os) && has(PackLayer::Cni) && has(PackLayer::Csi) && has(PackLayer::Addon));
        assert!(seed.packs.iter().filter(|pack| pack.name == "kubernetes").count() >= 2);
        for kind in [PackType::Container, PackType::Helm, PackType::OperatorInstance] {
            assert!(seed.packs.iter().any(|pack| pack.pack_type == kind), "{kind:?}");
        }
        for operator in ["redis-operator", "mysql-operator", "minio-operator"] {
            assert!(seed.packs.iter().any(|pack| pack.name == operator), "{operator}");
        }
        assert!(seed.packs.iter().all(|pack| !pack.values.is_empty()), "every pack has values");
        for name in ["ubuntu-vsphere", "ubuntu-aws", "kubernetes", "cni-calico", "csi-vsphere-csi"] {
            assert!(seed.packs.iter().filter(|pack| pack.name == name).count() >= 2, "several versions of {name}");
        }
        assert!(seed.packs.iter().any(|pack| pack.tags.contains(&"LTS__18.4.x".to_string())), "named tags");
        assert!(seed.packs.iter().any(|pack| pack.source.as_deref() == Some("community")), "community packs");
        assert!(seed.packs.iter().any(|pack| pack.is_fips), "FIPS packs");
    }

    #[test]
    fn the_issue_example_is_accepted() {
        let seed = SeedFile::parse(
            r#"{
              "apiKeys": ["key-a", "key-b"],
              "projects": [{"name": "Default", "description": "", "tags": ["team:a"]}],
              "registries": [{"name": "Public Repo", "uid": "aaaaaaaaaaaaaaaaaaaaaaaa", "kind": "spectro"}],
              "packs": [{"name": "kubernetes", "tag": "1.30.4", "uid": "bbbbbbbbbbbbbbbbbbbbbbbb", "registry": "Public Repo",
                         "type": "spectro", "layer": "k8s", "cloudTypes": ["all"], "values": "yaml text"}],
              "hostClusters": [{"name": "host-1", "uid": "cccccccccccccccccccccccc", "project": "Default",
                                "cpu": 64, "memoryMiB": 262144, "storageGiB": 2048},
                               {"name": "host-2", "project": null, "cpu": 8, "memoryMiB": 1024, "storageGiB": 20}]
            }"#,
        )
        .unwrap();
        let store = Store::open(":memory:").unwrap();
        assert!(store.run_blocking(|tx| load_if_empty(tx, &seed, "2024-01-01T00:00:00.000Z")).unwrap());
        assert!(!store.run_blocking(|tx| load_if_empty(tx, &seed, "2024-01-01T00:00:00.000Z")).unwrap());
        store
            .run_blocking(|tx| {
                let host: Row<Value> = tx.get(cluster::KIND, "cccccccccccccccccccccccc")?.unwrap();
                assert!(matches!(host.owner, Scope::Project(_)));
                assert_eq!(host.value["status"]["capacity"]["memoryMiB"], 262144);
                assert_eq!(host.value["spec"]["clusterConfig"]["hostClusterConfig"]["isHostCluster"], true);
                let pack: Row<Pack> = tx.get(pack::KIND, "bbbbbbbbbbbbbbbbbbbbbbbb")?.unwrap();
                assert_eq!(pack.value.registry_uid, "aaaaaaaaaaaaaaaaaaaaaaaa");
                assert_eq!(tx.api_keys()?, ["key-a", "key-b"]);
                let project = tx.list_all::<Project>(project::KIND)?.remove(0).value;
                assert_eq!(project.metadata.labels["team"], "a");
                Ok(())
            })
            .unwrap();
    }

    /// A seed with one object of every kind, each with a fixed UID.
    fn object_seed(group_host: &str) -> SeedFile {
        SeedFile::parse(&format!(
            r#"{{
              "apiKeys": ["k"],
              "projects": [{{"name": "Default", "uid": "100000000000000000000001"}}],
              "registries": [{{"name": "Public Repo", "uid": "1000000000000000000000a1", "kind": "spectro"}}],
              "packs": [{{"name": "nginx", "version": "1.11.2", "uid": "1000000000000000000000b1", "registry": "Public Repo",
                          "type": "spectro", "layer": "addon", "values": "a: 1"}},
                        {{"name": "redis-operator", "version": "6.2.18-1", "uid": "1000000000000000000000b2", "registry": "Public Repo",
                          "type": "operator-instance", "layer": "addon", "values": "b: 2"}}],
              "hostClusters": [{{"name": "host", "uid": "1000000000000000000000c1", "cpu": 8, "memoryMiB": 8192, "storageGiB": 100}}],
              "clusterProfiles": [{{"uid": "1000000000000000000000d1", "project": "Default",
                                    "metadata": {{"name": "addons"}},
                                    "spec": {{"template": {{"type": "add-on", "packs": [{{"name": "nginx", "tag": "1.x"}}]}}}}}},
                                  {{"uid": "1000000000000000000000d2", "project": "Default", "publish": false,
                                    "metadata": {{"name": "addons"}},
                                    "spec": {{"version": "1.1.0", "template": {{"type": "add-on", "packs": []}}}}}}],
              "appProfiles": [{{"uid": "1000000000000000000000e1", "project": "Default", "metadata": {{"name": "app"}},
                                "spec": {{"template": {{"appTiers": [{{"name": "cache", "type": "operator-instance",
                                                                    "sourceAppTierUid": "1000000000000000000000b2"}}]}}}}}}],
              "clusterGroups": [{{"uid": "1000000000000000000000f1", "metadata": {{"name": "group"}},
                                  "spec": {{"clusterRefs": [{{"clusterUid": "{group_host}"}}]}}}}],
              "virtualClusters": [{{"uid": "100000000000000000000101", "project": "Default", "metadata": {{"name": "vc"}},
                                    "spec": {{"clusterConfig": {{"hostClusterConfig": {{"clusterGroup": {{"uid": "1000000000000000000000f1"}}}},
                                                                 "lifecycleConfig": {{"pause": true}}}},
                                             "machinepoolconfig": [{{"cloudConfig": {{"instanceType": {{"maxCPU": 2, "maxMemInMiB": 1024, "maxStorageGiB": 5}}}}}}],
                                             "profiles": [{{"uid": "1000000000000000000000d1"}}]}}}}]
            }}"#
        ))
        .unwrap()
    }

    #[test]
    fn objects_of_every_kind_are_seeded_with_their_uids() {
        let store = Store::open(":memory:").unwrap();
        let now = "2024-01-01T00:00:00.000Z";
        assert!(store.run_blocking(|tx| load_if_empty(tx, &object_seed("1000000000000000000000c1"), now)).unwrap());
        store
            .run_blocking(|tx| {
                let project = Scope::Project("100000000000000000000001".into());
                let profile: Row<Value> = tx.get(cluster_profile::KIND, "1000000000000000000000d1")?.unwrap();
                assert_eq!(profile.owner, project);
                let pack = &profile.value["published"]["packs"][0];
                assert_eq!((pack["tag"].as_str(), pack["version"].as_str()), (Some("1.x"), Some("1.11.2")), "tags resolve in seeds too");
                let draft_only: Row<Value> = tx.get(cluster_profile::KIND, "1000000000000000000000d2")?.unwrap();
                assert!(draft_only.value["published"].is_null() && !draft_only.value["draft"].is_null(), "publish: false");
                let app: Row<Value> = tx.get(app_profile::KIND, "1000000000000000000000e1")?.unwrap();
                assert_eq!(app.value["tiers"][0]["version"], "6.2.18-1");
                let group: Row<Value> = tx.get(cluster_group::KIND, "1000000000000000000000f1")?.unwrap();
                assert_eq!(group.owner, Scope::Tenant, "no project: tenant scope");
                let millis = to_millis(parse_timestamp(now).unwrap());
                let cluster: Row<VirtualCluster> = tx.get(cluster::KIND, "100000000000000000000101")?.unwrap();
                assert_eq!(cluster.owner, project);
                assert_eq!(cluster.value.state(millis).as_str(), "Running", "seeded provisioned");
                assert_eq!(cluster.value.lifecycle.power(millis), PowerStatus::Paused, "and paused, as its body asks");
                assert_eq!(tx.referrers(cluster_profile::KIND, "1000000000000000000000d1")?.len(), 1, "the cluster uses the profile");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn seeded_objects_the_create_refuses_stop_the_load_naming_them() {
        let store = Store::open(":memory:").unwrap();
        let error = store.run_blocking(|tx| load_if_empty(tx, &object_seed("1000000000000000000000c9"), "t")).unwrap_err();
        assert!(error.message.contains("cluster group 'group'") && error.message.contains("1000000000000000000000c9"), "{}", error.message);
        let mut taken = object_seed("1000000000000000000000c1");
        taken.cluster_profiles[1].object.uid = taken.cluster_profiles[0].object.uid.clone();
        let error = Store::open(":memory:").unwrap().run_blocking(|tx| load_if_empty(tx, &taken, "t")).unwrap_err();
        assert!(error.message.contains("uid 1000000000000000000000d1 is already taken"), "{}", error.message);
        let mut unknown = object_seed("1000000000000000000000c1");
        unknown.virtual_clusters[0].project = Some("Elsewhere".into());
        let error = Store::open(":memory:").unwrap().run_blocking(|tx| load_if_empty(tx, &unknown, "t")).unwrap_err();
        assert!(error.message.contains("virtual cluster 'vc': unknown project 'Elsewhere'"), "{}", error.message);
    }

    #[test]
    fn inconsistent_seeds_are_rejected() {
        let store = Store::open(":memory:").unwrap();
        for text in [
            r#"{"apiKeys": []}"#,
            r#"{"apiKeys": ["k"], "packs": [{"name": "x", "tag": "1", "registry": "nope", "type": "spectro", "layer": "addon"}]}"#,
            r#"{"apiKeys": ["k"], "hostClusters": [{"name": "h", "project": "nope", "cpu": 1, "memoryMiB": 1, "storageGiB": 1}]}"#,
            r#"{"apiKeys": ["k"], "projects": [{"name": "p", "uid": "XYZ"}]}"#,
            r#"{"apiKeys": ["k"], "registries": [{"name": "r", "kind": "spectro"}],
                "packs": [{"name": "x", "version": "1.30.x", "registry": "r", "type": "spectro", "layer": "k8s"}]}"#,
            r#"{"apiKeys": ["k"], "registries": [{"name": "r", "kind": "spectro"}],
                "packs": [{"name": "x", "version": "1.30.1", "tags": ["1.x"], "registry": "r", "type": "spectro", "layer": "k8s"}]}"#,
        ] {
            let seed = SeedFile::parse(text).unwrap();
            assert!(store.run_blocking(|tx| load_if_empty(tx, &seed, "t")).is_err(), "{text}");
        }
        assert!(SeedFile::parse(r#"{"apiKeys": ["k"], "packs": [{"name": "x", "tag": "1", "registry": "r", "type": "bogus", "layer": "addon"}]}"#).is_err());
    }
}

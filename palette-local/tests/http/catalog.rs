//! Registries and packs over the HTTP API: every lookup form the provider uses.

use crate::common::{is_uid, Local};
use serde_json::{json, Value};

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("items array")
}

#[tokio::test]
async fn registry_lookups() {
    let local = Local::in_process();
    let metadata = local.get("/v1/registries/metadata?scope=").send().await.ok(200).body;
    assert_eq!(items(&metadata).len(), 4);
    let public = items(&metadata).iter().find(|r| r["name"] == "Public Repo").unwrap();
    assert_eq!(public["kind"], "spectro");
    assert_eq!(public["scope"], "system");
    assert_eq!(public["isDefault"], true);
    assert_eq!(public["isPrivate"], false);
    let public_uid = public["uid"].as_str().unwrap().to_string();
    let helm_uid = local.registry_uid("Bitnami").await;
    assert_eq!(items(&local.get("/v1/registries/metadata?scope=system").send().await.ok(200).body).len(), 4);
    assert_eq!(items(&local.get("/v1/registries/metadata?scope=tenant").send().await.ok(200).body).len(), 0);
    local.get("/v1/registries/metadata?scope=galaxy").send().await.error(400, "BadRequest");

    let packs = local.get("/v1/registries/pack").send().await.ok(200).body;
    assert_eq!(items(&packs).len(), 1);
    assert_eq!(packs["items"][0]["spec"]["auth"]["type"], "noAuth");
    assert_eq!(packs["items"][0]["status"]["packSyncStatus"]["isSyncSupported"], true);
    assert_eq!(packs["listmeta"]["count"], 1);
    let summary = local.get("/v1/registries/pack/summary").send().await.ok(200).body;
    assert_eq!(summary["items"][0]["spec"]["private"], false);
    let helm = local.get("/v1/registries/helm?filters=metadata.name=Bitnami").send().await.ok(200).body;
    assert_eq!(helm["items"][0]["metadata"]["uid"], helm_uid.as_str());
    assert_eq!(helm["items"][0]["spec"]["isPrivate"], false);
    local.get("/v1/registries/helm/summary").send().await.ok(200);
    let oci = local.get("/v1/registries/oci/summary").send().await.ok(200).body;
    let oci_names: Vec<&str> = items(&oci).iter().map(|r| r["metadata"]["name"].as_str().unwrap()).collect();
    assert_eq!(oci_names, ["Palette Registry", "Palette Community Registry"]);
    assert!(oci.get("listmeta").is_none(), "OCI summaries come without listmeta");

    local.get(&format!("/v1/registries/pack/{public_uid}")).send().await.ok(200);
    local.get(&format!("/v1/registries/pack/{helm_uid}")).send().await.error(404, "ResourceNotFound");
    // The provider asks the Helm endpoint about pack registries too.
    let as_helm = local.get(&format!("/v1/registries/helm/{public_uid}")).send().await.ok(200).body;
    assert_eq!(as_helm["spec"]["isPrivate"], false);
    let status = local.get(&format!("/v1/registries/pack/{public_uid}/sync/status")).send().await.ok(200).body;
    assert_eq!(status["isSyncSupported"], true);
    assert_eq!(status["status"], "Completed");
    local.get(&format!("/v1/registries/helm/{helm_uid}/sync/status")).send().await.ok(200);
    local.get(&format!("/v1/registries/oci/{public_uid}/basic")).send().await.error(404, "ResourceNotFound");
    local.get(&format!("/v1/registries/oci/{public_uid}/ecr/sync/status")).send().await.error(404, "ResourceNotFound");
    local.get("/v1/registries/helm/not-a-uid").send().await.error(400, "BadRequest");
    local.get("/v1/registries/helm/0123456789abcdef01234567").send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn pack_list_filters_fields_and_order() {
    let local = Local::in_process();
    let k8s = local.get("/v1/packs?filters=spec.name=kubernetes").send().await.ok(200).body;
    assert_eq!(items(&k8s).len(), 5, "five Kubernetes versions");
    let pack = &k8s["items"][0];
    assert_eq!(pack["kind"], "PackSummary");
    assert!(is_uid(pack["metadata"]["uid"].as_str().unwrap()));
    for key in ["name", "version", "layer", "type", "registryUid", "cloudTypes", "values", "displayName", "digest"] {
        assert!(pack["spec"].get(key).is_some(), "{key}");
    }
    assert_eq!(pack["spec"]["layer"], "k8s");
    assert!(pack["spec"]["values"].as_str().unwrap().contains("kubeadmconfig"));

    let exact = local.get("/v1/packs?filters=spec.name=kubernetesANDspec.version=1.31.1ANDspec.cloudTypes_in_aws,all").send().await.ok(200).body;
    assert_eq!(items(&exact).len(), 1);
    assert_eq!(exact["items"][0]["spec"]["version"], "1.31.1");
    let uid = exact["items"][0]["metadata"]["uid"].as_str().unwrap();
    let by_uid = local.get(&format!("/v1/packs?filters=metadata.uid={uid}")).send().await.ok(200).body;
    assert_eq!(items(&by_uid).len(), 1);
    let aws_only = local.get("/v1/packs?filters=spec.cloudTypes_in_aws").send().await.ok(200).body;
    assert!(items(&aws_only).iter().any(|p| p["spec"]["name"] == "csi-aws-ebs"));
    let gcp = local.get("/v1/packs?filters=spec.name=csi-aws-ebsANDspec.cloudTypes_in_gcp").send().await.ok(200).body;
    assert_eq!(items(&gcp).len(), 0);
    let either = local.get("/v1/packs?filters=spec.name=cni-calicoORspec.name=csi-longhorn").send().await.ok(200).body;
    assert_eq!(items(&either).len(), 5, "four Calico versions and Longhorn");

    let projected = local
        .get("/v1/packs?filters=spec.name=kubernetes&fields=metadata.uid,spec.version&orderBy=spec.version=-1")
        .send()
        .await
        .ok(200)
        .body;
    assert_eq!(projected["items"][0]["spec"], json!({"version": "1.31.1"}));
    assert_eq!(projected["items"][0].as_object().unwrap().len(), 2);
    assert_eq!(projected["items"][1]["spec"]["version"], "1.30.4");
    local.get("/v1/packs?orderBy=spec.version=up").send().await.error(400, "BadRequest");
    local.get("/v1/packs?filters=nonsense").send().await.error(400, "BadRequest");

    let page = local.get("/v1/packs?limit=5").send().await.ok(200).body;
    assert_eq!(items(&page).len(), 5);
    let total = page["listmeta"]["count"].as_u64().unwrap();
    assert!(total > 15, "a realistic catalog: {total}");
    let all = local.get("/v1/packs?limit=0").send().await.ok(200).body;
    assert_eq!(items(&all).len() as u64, total);
    for kind in ["spectro", "helm", "container", "operator-instance"] {
        assert!(items(&all).iter().any(|p| p["spec"]["type"] == kind), "{kind}");
    }
}

#[tokio::test]
async fn versions_of_a_pack_in_a_registry() {
    let local = Local::in_process();
    let public = local.registry_uid("Public Repo").await;
    let entity = local.get(&format!("/v1/packs/kubernetes/registries/{public}?cloudType=all")).send().await.ok(200).body;
    assert_eq!(entity["name"], "kubernetes");
    assert_eq!(entity["layer"], "k8s");
    assert_eq!(entity["registryUid"], public.as_str());
    let tags = entity["tags"].as_array().unwrap();
    let exact: Vec<&str> = tags.iter().filter(|t| t["tag"] == t["version"]).map(|t| t["version"].as_str().unwrap()).collect();
    assert_eq!(exact, ["1.29.8", "1.29.10", "1.30.0", "1.30.4", "1.31.1"], "versions oldest first");
    assert_eq!(tags[0]["parentTags"], json!(["1.x", "1.29.x"]));
    let values = entity["packValues"].as_array().unwrap();
    assert_eq!(values.len(), 5);
    assert_eq!(values[4]["packUid"], tags[4]["packUid"]);
    assert!(values[4]["values"].as_str().unwrap().contains("v1.31.1"));

    let redis = local.get(&format!("/v1/packs/redis-operator/registries/{public}")).send().await.ok(200).body;
    assert!(redis["packValues"][0]["values"].as_str().unwrap().contains("databaseName"));
    local.get(&format!("/v1/packs/csi-aws-ebs/registries/{public}?cloudType=gcp")).send().await.error(404, "ResourceNotFound");
    local.get(&format!("/v1/packs/csi-aws-ebs/registries/{public}?cloudType=eks&layer=csi")).send().await.ok(200);
    local.get(&format!("/v1/packs/csi-aws-ebs/registries/{public}?layer=addon")).send().await.error(404, "ResourceNotFound");
    local.get(&format!("/v1/packs/kafka/registries/{public}")).send().await.error(404, "ResourceNotFound");
    local.get("/v1/packs/kubernetes/registries/0123456789abcdef01234567").send().await.error(404, "ResourceNotFound");
    local.get("/v1/packs/kubernetes/registries/bad").send().await.error(400, "BadRequest");

    let pack_uid = tags[0]["packUid"].as_str().unwrap();
    let single = local.get(&format!("/v1/packs/{pack_uid}")).send().await.ok(200).body;
    assert_eq!(single["registryUid"], public.as_str());
    assert_eq!(single["tags"].as_array().unwrap().len(), 1);
    local.get("/v1/packs/0123456789abcdef01234567").send().await.error(404, "ResourceNotFound");
    local.get("/v1/packs/uid").send().await.error(400, "BadRequest");
}

#[tokio::test]
async fn pack_search() {
    let local = Local::in_process();
    let nginx = local
        .post("/v1/packs/search", json!({"filter": {"name": {"eq": "nginx"}}, "sort": [{"field": "type", "order": "desc"}]}))
        .send()
        .await
        .ok(200)
        .body;
    let found = items(&nginx);
    assert_eq!(found.len(), 2, "a spectro and a helm nginx");
    assert_eq!(found[0]["spec"]["type"], "spectro");
    assert_eq!(found[1]["spec"]["type"], "helm");
    let registries = found[0]["spec"]["registries"].as_array().unwrap();
    assert_eq!(registries.len(), 1);
    assert_eq!(registries[0]["latestVersion"], "1.11.2", "latest of 1.10.4 and 1.11.2");
    assert!(is_uid(registries[0]["latestPackUid"].as_str().unwrap()));
    assert_eq!(nginx["listmeta"]["count"], 2);

    let operators = local.post("/v1/packs/search", json!({"filter": {"type": ["operator-instance"]}})).send().await.ok(200).body;
    let names: Vec<&str> = items(&operators).iter().map(|p| p["spec"]["name"].as_str().unwrap()).collect();
    for operator in ["redis-operator", "mysql-operator", "minio-operator"] {
        assert!(names.contains(&operator), "{operator} in {names:?}");
    }
    let helm_uid = local.registry_uid("Bitnami").await;
    let in_helm = local.post("/v1/packs/search", json!({"filter": {"registryUid": [helm_uid]}})).send().await.ok(200).body;
    assert!(items(&in_helm).iter().all(|p| p["spec"]["type"] == "helm"));
    let eks = local.post("/v1/packs/search", json!({"filter": {"layer": ["csi"], "environment": ["gcp"]}})).send().await.ok(200).body;
    assert_eq!(items(&eks).len(), 1, "only longhorn (all clouds) runs on gcp");
    let paged = local.post("/v1/packs/search?limit=2", json!({})).send().await.ok(200).body;
    assert_eq!(items(&paged).len(), 2);
    assert_ne!(paged["listmeta"]["continue"], "");
    let deprecated = local.post("/v1/packs/search", json!({"filter": {"state": ["deprecated"]}})).send().await.ok(200).body;
    assert_eq!(items(&deprecated).len(), 0);
    local.post("/v1/packs/search", json!({"sort": [{"field": "size"}]})).send().await.error(400, "BadRequest");
    local.post("/v1/packs/search", json!({"filter": {"type": "helm"}})).send().await.error(400, "BadRequest");
    let everything = local.call(reqwest::Method::POST, "/v1/packs/search?limit=0").send().await.ok(200).body;
    assert!(items(&everything).len() > 10);
}

/// The `tags[]` entry named `tag`, and the version it selects.
fn tag_entry<'a>(entity: &'a Value, tag: &str) -> &'a Value {
    entity["tags"].as_array().unwrap().iter().find(|t| t["tag"] == tag).unwrap_or_else(|| panic!("tag {tag} in {entity}"))
}

#[tokio::test]
async fn version_tags_float_to_the_newest_matching_version() {
    let local = Local::in_process();
    let public = local.registry_uid("Public Repo").await;
    let k8s = local.get(&format!("/v1/packs/kubernetes/registries/{public}")).send().await.ok(200).body;
    // Range tags are derived from the versions; each names the newest match.
    assert_eq!(tag_entry(&k8s, "1.29.x")["version"], "1.29.10", "numeric order: 1.29.10 > 1.29.8");
    assert_eq!(tag_entry(&k8s, "1.29.x")["packUid"], local.pack_uid("kubernetes", "1.29.10").await.as_str());
    assert_eq!(tag_entry(&k8s, "1.29.x")["parentTags"], json!(["1.x"]));
    assert_eq!(tag_entry(&k8s, "1.30.x")["version"], "1.30.4");
    assert_eq!(tag_entry(&k8s, "1.x")["version"], "1.31.1");
    assert_eq!(tag_entry(&k8s, "1.29.8")["parentTags"], json!(["1.x", "1.29.x"]));

    // Named tags come from the catalog, with the pack's group.
    let ubuntu = local.get(&format!("/v1/packs/ubuntu-vsphere/registries/{public}")).send().await.ok(200).body;
    let lts = tag_entry(&ubuntu, "LTS__18.4.x");
    assert_eq!((lts["version"].as_str(), lts["group"].as_str()), (Some("18.04"), Some("LTS")));
    assert_eq!(lts["parentTags"], json!([]));
    assert_eq!(tag_entry(&ubuntu, "18.04")["parentTags"], json!(["18.x", "18.04.x", "LTS__18.4.x"]));
    assert_eq!(tag_entry(&ubuntu, "LTS__22.4.x")["version"], "22.04");
    let summary = local.get("/v1/packs?filters=spec.name=ubuntu-vsphereANDspec.version=22.04").send().await.ok(200).body;
    assert_eq!(summary["items"][0]["spec"]["group"], "LTS");
    assert_eq!(summary["items"][0]["spec"]["cloudTypes"], json!(["vsphere"]));
}

#[tokio::test]
async fn profile_packs_resolve_tags_and_keep_them_as_written() {
    let local = Local::in_process();
    let project = local.default_project().await;
    let public = local.registry_uid("Public Repo").await;
    let (k8s_old, k8s_newest) = (local.pack_uid("kubernetes", "1.29.8").await, local.pack_uid("kubernetes", "1.29.10").await);
    let ubuntu = local.pack_uid("ubuntu-vsphere", "18.04").await;
    let body = |name: &str, packs: Value| {
        json!({"metadata": {"name": name}, "spec": {"version": "1.0.0", "template": {"type": "cluster", "cloudType": "vsphere", "packs": packs}}})
    };
    let packs = json!([
        // A uid identifies the pack; the named tag it carries is kept as written.
        {"name": "ubuntu-vsphere", "tag": "LTS__18.4.x", "uid": ubuntu},
        // A uid satisfying the range tag stays, even when a newer version matches.
        {"name": "kubernetes", "tag": "1.29.x", "uid": k8s_old},
        // Name + range tag + registry: the newest matching version.
        {"name": "cni-calico", "tag": "3.27.x", "registryUid": public},
        // Name + named tag, any registry.
        {"name": "spectro-proxy", "tag": "1.5.x"}
    ]);
    let uid = local.post("/v1/clusterprofiles?publish=true", body("tags", packs)).project(&project).send().await.ok(201).uid();
    let profile = local.get(&format!("/v1/clusterprofiles/{uid}")).project(&project).send().await.ok(200).body;
    let layers: Vec<(&str, &str, &str)> = profile["spec"]["published"]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["tag"].as_str().unwrap(), p["version"].as_str().unwrap(), p["packUid"].as_str().unwrap()))
        .collect();
    let calico = local.pack_uid("cni-calico", "3.27.3").await;
    let proxy = local.pack_uid("spectro-proxy", "1.5.4").await;
    assert_eq!(
        layers,
        [
            ("LTS__18.4.x", "18.04", ubuntu.as_str()),
            ("1.29.x", "1.29.8", k8s_old.as_str()),
            ("3.27.x", "3.27.3", calico.as_str()),
            ("1.5.x", "1.5.4", proxy.as_str())
        ]
    );

    // An old uid with a tag it does not satisfy: the tag selects within the same pack.
    let moved = json!([{"name": "kubernetes", "tag": "1.30.x", "uid": k8s_newest}]);
    let other = local.post("/v1/clusterprofiles", body("moved", moved)).project(&project).send().await.ok(201).uid();
    let draft = local.get(&format!("/v1/clusterprofiles/{other}")).project(&project).send().await.ok(200).body;
    assert_eq!(draft["spec"]["draft"]["packs"][0]["version"], "1.30.4");
    assert_eq!(draft["spec"]["draft"]["packs"][0]["tag"], "1.30.x");

    // A tag nothing carries is refused, naming it.
    let reply = local.post("/v1/clusterprofiles", body("unknown-range", json!([{"name": "kubernetes", "tag": "1.21.x", "uid": k8s_old}]))).project(&project).send().await;
    let reply = reply.error(400, "BadRequest");
    assert!(reply.body["message"].as_str().unwrap().contains("no version or tag '1.21.x'"), "{}", reply.body);
    let reply = local.post("/v1/clusterprofiles", body("foreign-tag", json!([{"name": "kubernetes", "tag": "LTS__18.4.x", "registryUid": public}]))).project(&project).send().await;
    reply.error(400, "BadRequest");
}

#[tokio::test]
async fn app_tiers_take_a_version_tag() {
    let local = Local::in_process();
    let project = local.default_project().await;
    let redis = local.pack_uid("redis-operator", "6.2.18-1").await;
    let tier = |version: Value| json!({"name": "cache", "type": "operator-instance", "sourceAppTierUid": redis, "version": version});
    let body = |name: &str, tier: Value| json!({"metadata": {"name": name}, "spec": {"version": "1.0.0", "template": {"appTiers": [tier]}}});
    let uid = local.post("/v1/appProfiles", body("tiers", tier(json!("6.2.x")))).project(&project).send().await.ok(201).uid();
    let tiers = local.get(&format!("/v1/appProfiles/{uid}/tiers")).project(&project).send().await.ok(200).body;
    let spec = &tiers["spec"]["appTiers"][0]["spec"];
    assert_eq!((spec["version"].as_str(), spec["sourceAppTierUid"].as_str()), (Some("6.2.x"), Some(redis.as_str())));
    // Without a version the tier takes its pack's.
    let other = local.post("/v1/appProfiles", json!({"metadata": {"name": "untagged"}, "spec": {"template": {"appTiers": [tier(Value::Null)]}}}));
    let other = other.project(&project).send().await.ok(201).uid();
    let tiers = local.get(&format!("/v1/appProfiles/{other}/tiers")).project(&project).send().await.ok(200).body;
    assert_eq!(tiers["spec"]["appTiers"][0]["spec"]["version"], "6.2.18-1");
    let reply = local.post("/v1/appProfiles", body("unknown-tag", tier(json!("7.x")))).project(&project).send().await.error(400, "BadRequest");
    assert!(reply.body["message"].as_str().unwrap().contains("no version or tag '7.x'"), "{}", reply.body);
}

#[tokio::test]
async fn pack_search_filters_on_source_fips_and_add_on_type() {
    let local = Local::in_process();
    let names = |body: &Value| {
        let mut names: Vec<String> = items(body).iter().map(|p| p["spec"]["name"].as_str().unwrap().to_string()).collect();
        names.sort();
        names
    };
    let community = local.post("/v1/packs/search", json!({"filter": {"source": ["community"]}})).send().await.ok(200).body;
    assert_eq!(names(&community), ["argo-rollouts", "ceph-rbd", "k8sgpt-operator"]);
    let spectro = local.post("/v1/packs/search", json!({"filter": {"source": ["spectrocloud"], "name": {"eq": "k8sgpt-operator"}}})).send().await.ok(200).body;
    assert!(items(&spectro).is_empty());
    let fips = local.post("/v1/packs/search", json!({"filter": {"isFips": true}})).send().await.ok(200).body;
    assert_eq!(names(&fips), ["csi-vsphere-csi"]);
    let not_only_fips = local.post("/v1/packs/search", json!({"filter": {"isFips": false, "layer": ["csi"]}})).send().await.ok(200).body;
    assert!(names(&not_only_fips).len() > 1, "isFips false does not narrow");
    let auth = local.post("/v1/packs/search", json!({"filter": {"addOnType": ["authentication"]}})).send().await.ok(200).body;
    assert_eq!(names(&auth), ["spectro-proxy"]);
    let community_registry = local.registry_uid("Palette Community Registry").await;
    let k8sgpt = local.get("/v1/packs?filters=spec.name=k8sgpt-operatorANDspec.version=0.2.17").send().await.ok(200).body;
    let spec = &k8sgpt["items"][0]["spec"];
    assert_eq!((spec["registryUid"].as_str(), spec["type"].as_str()), (Some(community_registry.as_str()), Some("oci")));
    assert_eq!(spec["annotations"], json!({"source": "community"}));
    let csi = local.get("/v1/packs?filters=spec.name=csi-vsphere-csiANDspec.version=3.2.0").send().await.ok(200).body;
    assert_eq!(csi["items"][0]["spec"]["annotations"], json!({"source": "spectrocloud", "fips": "true"}));
}

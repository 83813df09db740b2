//! Registries and packs over real HTTP: every lookup form the provider uses.

mod common_local;

use common_local::{is_uid, Local};
use serde_json::{json, Value};

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("items array")
}

#[tokio::test]
async fn registry_lookups() {
    let local = Local::start();
    let metadata = local.get("/v1/registries/metadata?scope=").send().await.ok(200).body;
    assert_eq!(items(&metadata).len(), 2);
    let public = items(&metadata).iter().find(|r| r["name"] == "Public Repo").unwrap();
    assert_eq!(public["kind"], "spectro");
    assert_eq!(public["scope"], "system");
    assert_eq!(public["isDefault"], true);
    assert_eq!(public["isPrivate"], false);
    let public_uid = public["uid"].as_str().unwrap().to_string();
    let helm_uid = local.registry_uid("Bitnami").await;
    assert_eq!(items(&local.get("/v1/registries/metadata?scope=system").send().await.ok(200).body).len(), 2);
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
    assert_eq!(local.get("/v1/registries/oci/summary").send().await.ok(200).body, json!({"items": []}));

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
    let local = Local::start();
    let k8s = local.get("/v1/packs?filters=spec.name=kubernetes").send().await.ok(200).body;
    assert_eq!(items(&k8s).len(), 2, "two Kubernetes versions");
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
    assert_eq!(items(&either).len(), 2);

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
    let local = Local::start();
    let public = local.registry_uid("Public Repo").await;
    let entity = local.get(&format!("/v1/packs/kubernetes/registries/{public}?cloudType=all")).send().await.ok(200).body;
    assert_eq!(entity["name"], "kubernetes");
    assert_eq!(entity["layer"], "k8s");
    assert_eq!(entity["registryUid"], public.as_str());
    let tags = entity["tags"].as_array().unwrap();
    assert_eq!(tags.iter().map(|t| t["version"].as_str().unwrap()).collect::<Vec<_>>(), ["1.30.4", "1.31.1"]);
    assert_eq!(tags[0]["parentTags"], json!(["1.x", "1.30.x"]));
    let values = entity["packValues"].as_array().unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(values[1]["packUid"], tags[1]["packUid"]);
    assert!(values[1]["values"].as_str().unwrap().contains("v1.31.1"));

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
    let local = Local::start();
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

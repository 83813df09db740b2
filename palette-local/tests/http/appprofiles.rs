//! Application profiles over the HTTP API: typed tiers, tier manifests, metadata,
//! clone, dashboards, scoping and validation.

use crate::common::{is_uid, Local};
use serde_json::{json, Value};

struct Fixture {
    local: Local,
    project: String,
    public: String,
    bitnami: String,
    redis: String,
    container: String,
    kafka: String,
}

async fn fixture() -> Fixture {
    let local = Local::in_process();
    let project = local.default_project().await;
    let public = local.registry_uid("Public Repo").await;
    let bitnami = local.registry_uid("Bitnami").await;
    let redis = local.pack_uid("redis-operator", "6.2.18-1").await;
    let container = local.pack_uid("container", "1.0.0").await;
    let kafka = local.pack_uid("kafka", "20.0.0").await;
    Fixture { local, project, public, bitnami, redis, container, kafka }
}

impl Fixture {
    fn body(&self, name: &str, version: &str) -> Value {
        json!({
            "metadata": {"name": name, "labels": {"app": "shop"}, "annotations": {"description": "demo"}},
            "spec": {"version": version, "template": {"appTiers": [
                {"name": "redis-1", "type": "operator-instance", "version": "6.2.18-1", "sourceAppTierUid": self.redis,
                 "registryUid": self.public, "installOrder": 0,
                 "properties": [{"name": "databaseName", "value": "cache"}, {"name": "databaseVolumeSize", "value": "10"}]},
                {"name": "web", "type": "container", "sourceAppTierUid": self.container, "values": "containerService:\n  image: nginx\n"},
                {"name": "cfg", "type": "manifest", "installOrder": 10, "sourceAppTierUid": "spectro-manifest-pack",
                 "manifests": [{"name": "cm", "content": "apiVersion: v1\nkind: ConfigMap\n"}]},
                {"name": "kafka", "type": "helm", "version": "20.0.0", "sourceAppTierUid": self.kafka, "registryUid": self.bitnami,
                 "manifests": [{"name": "kafka", "content": "name: kafka\nversion: 20.0.0\n"}]}
            ]}}
        })
    }

    async fn create(&self, name: &str, version: &str) -> String {
        self.local.post("/v1/appProfiles", self.body(name, version)).project(&self.project).send().await.ok(201).uid()
    }

    async fn get(&self, path: &str) -> Value {
        self.local.get(path).project(&self.project).send().await.ok(200).body
    }

    async fn tier_uid(&self, profile: &str, name: &str) -> String {
        let tiers = self.get(&format!("/v1/appProfiles/{profile}/tiers")).await;
        tiers["spec"]["appTiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|tier| tier["metadata"]["name"] == name)
            .map(|tier| tier["metadata"]["uid"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no tier {name}"))
    }
}

#[tokio::test]
async fn create_and_read_a_profile_with_every_tier_type() {
    let f = fixture().await;
    let uid = f.create("shop", "1.0.0").await;
    let profile = f.get(&format!("/v1/appProfiles/{uid}")).await;
    assert_eq!(profile["metadata"]["annotations"]["scope"], "project");
    assert_eq!(profile["spec"]["version"], "1.0.0");
    assert_eq!(profile["spec"]["versions"], json!([{"uid": uid, "version": "1.0.0"}]));
    let tiers = profile["spec"]["template"]["appTiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 4);
    assert_eq!(tiers[0]["type"], "operator-instance");
    assert_eq!(tiers[0]["version"], "6.2.18-1");
    assert_eq!(tiers[1]["version"], "1.0.0", "version taken from the pack");
    assert!(tiers.iter().all(|tier| is_uid(tier["uid"].as_str().unwrap())));
    assert!(tiers[0].get("properties").is_none(), "GET lists tier references only");
    let refs = profile["spec"]["template"]["registryRefs"].as_array().unwrap();
    assert_eq!(refs.len(), 2);
    assert_eq!(profile["status"]["inUseApps"], json!([]));

    let full = f.get(&format!("/v1/appProfiles/{uid}/tiers")).await;
    let redis = &full["spec"]["appTiers"][0];
    assert_eq!(redis["metadata"]["name"], "redis-1");
    assert_eq!(redis["spec"]["sourceAppTierUid"], f.redis.as_str());
    assert_eq!(redis["spec"]["registryUid"], f.public.as_str());
    assert_eq!(redis["spec"]["properties"][0], json!({"name": "databaseName", "value": "cache", "type": "string", "format": ""}));
    let web = &full["spec"]["appTiers"][1];
    assert_eq!(web["spec"]["values"], "containerService:\n  image: nginx\n");
    assert_eq!(web["spec"]["registryUid"], f.public.as_str(), "registry taken from the pack");
    let cfg = &full["spec"]["appTiers"][2];
    assert_eq!(cfg["spec"]["installOrder"], 10);
    let manifest = &cfg["spec"]["manifests"][0];
    assert_eq!(manifest["name"], "cm");
    assert_eq!(manifest["kind"], "ConfigMap");
    assert!(!full.to_string().contains("apiVersion: v1"), "contents are not inline");

    let cfg_uid = cfg["metadata"]["uid"].as_str().unwrap();
    let one = f.get(&format!("/v1/appProfiles/{uid}/tiers/{cfg_uid}")).await;
    assert_eq!(one["spec"]["type"], "manifest");
    let manifests = f.get(&format!("/v1/appProfiles/{uid}/tiers/{cfg_uid}/manifests")).await;
    assert_eq!(manifests["manifests"][0]["spec"]["published"]["content"], "apiVersion: v1\nkind: ConfigMap\n");
    let manifest_uid = manifest["uid"].as_str().unwrap();
    let single = f.get(&format!("/v1/appProfiles/{uid}/tiers/{cfg_uid}/manifests/{manifest_uid}")).await;
    assert!(!single["spec"]["published"]["digest"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn tiers_are_added_updated_replaced_and_removed() {
    let f = fixture().await;
    let uid = f.create("tiers", "1.0.0").await;
    let base = format!("/v1/appProfiles/{uid}/tiers");
    let mysql = f.local.pack_uid("mysql-operator", "0.6.3").await;
    let added = f
        .local
        .post(&base, json!({"name": "db", "type": "operator-instance", "sourceAppTierUid": mysql,
                            "properties": [{"name": "dbRootPassword", "value": "c2VjcmV0"}]}))
        .project(&f.project)
        .send()
        .await
        .ok(201)
        .uid();
    f.local.post(&base, json!({"name": "db", "type": "manifest"})).project(&f.project).send().await.error(409, "DuplicateName");

    // An update without type or registry keeps them (what the provider sends).
    let web = f.tier_uid(&uid, "web").await;
    f.local
        .put(&format!("{base}/{web}"), json!({"name": "frontend", "installOrder": 5, "values": "containerService:\n  image: caddy\n"}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    let tier = f.get(&format!("{base}/{web}")).await;
    assert_eq!(tier["metadata"]["name"], "frontend");
    assert_eq!(tier["spec"]["type"], "container");
    assert_eq!(tier["spec"]["registryUid"], f.public.as_str());
    assert_eq!(tier["spec"]["installOrder"], 5);
    f.local.put(&format!("{base}/{web}"), json!({"name": "db"})).project(&f.project).send().await.error(409, "DuplicateName");
    f.local.put(&format!("{base}/0123456789abcdef01234567"), json!({"name": "x"})).project(&f.project).send().await.error(404, "ResourceNotFound");

    // Manifests sent without UIDs keep theirs when the name matches.
    let cfg = f.tier_uid(&uid, "cfg").await;
    let before = f.get(&format!("{base}/{cfg}/manifests")).await["manifests"][0]["metadata"]["uid"].clone();
    f.local
        .put(&format!("{base}/{cfg}"), json!({"name": "cfg", "manifests": [{"name": "cm", "content": "kind: ConfigMap\ndata: {}\n"}]}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    let after = f.get(&format!("{base}/{cfg}/manifests")).await;
    assert_eq!(after["manifests"][0]["metadata"]["uid"], before);
    assert_eq!(after["manifests"][0]["spec"]["published"]["content"], "kind: ConfigMap\ndata: {}\n");

    let replaced = f
        .local
        .patch(&base, json!({"appTier": {"name": "cache", "type": "operator-instance", "sourceAppTierUid": f.redis}, "replaceWithAppTier": added}))
        .project(&f.project)
        .send()
        .await
        .ok(201)
        .uid();
    assert_ne!(replaced, added);
    f.local.get(&format!("{base}/{added}")).project(&f.project).send().await.error(404, "ResourceNotFound");
    let names: Vec<String> = f.get(&base).await["spec"]["appTiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["redis-1", "frontend", "cfg", "kafka", "cache"]);

    f.local.delete(&format!("{base}/{replaced}")).project(&f.project).send().await.ok(204);
    f.local.delete(&format!("{base}/{replaced}")).project(&f.project).send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn tier_manifest_endpoints() {
    let f = fixture().await;
    let uid = f.create("manifests", "1.0.0").await;
    let kafka = f.tier_uid(&uid, "kafka").await;
    let base = format!("/v1/appProfiles/{uid}/tiers/{kafka}/manifests");
    let added = f.local.post(&base, json!({"name": "values", "content": "kind: Secret\n"})).project(&f.project).send().await.ok(201).uid();
    f.local.post(&base, json!({"name": "values", "content": ""})).project(&f.project).send().await.error(409, "DuplicateName");
    f.local.put(&format!("{base}/{added}"), json!({"name": "values2", "content": "kind: Secret\ndata: {}\n", "uid": added})).project(&f.project).send().await.ok(204);
    let one = f.get(&format!("{base}/{added}")).await;
    assert_eq!(one["metadata"]["name"], "values2");
    assert_eq!(one["spec"]["published"]["content"], "kind: Secret\ndata: {}\n");
    f.local.put(&format!("{base}/{added}"), json!({"content": "x"})).project(&f.project).send().await.error(400, "BadRequest");
    f.local.delete(&format!("{base}/{added}")).project(&f.project).send().await.ok(204);
    f.local.get(&format!("{base}/{added}")).project(&f.project).send().await.error(404, "ResourceNotFound");
    assert_eq!(f.get(&base).await["manifests"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn metadata_put_versions_and_clone() {
    let f = fixture().await;
    let uid = f.create("meta", "1.0.0").await;
    f.local
        .patch(&format!("/v1/appProfiles/{uid}/metadata"), json!({"metadata": {"labels": {"k": "v"}, "annotations": {"description": "new"}}}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    let profile = f.get(&format!("/v1/appProfiles/{uid}")).await;
    assert_eq!(profile["metadata"]["labels"], json!({"k": "v"}));
    assert_eq!(profile["metadata"]["annotations"], json!({"description": "new", "scope": "project"}));
    assert_eq!(profile["metadata"]["name"], "meta");
    f.local.patch(&format!("/v1/appProfiles/{uid}/metadata"), json!({"version": "1.0.0"})).project(&f.project).send().await.error(400, "BadRequest");

    // PUT replaces the tiers; same-named tiers keep their UID and, when sent
    // without manifests, their manifests.
    let redis_tier = f.tier_uid(&uid, "redis-1").await;
    let cfg_tier = f.tier_uid(&uid, "cfg").await;
    let put = json!({"metadata": {"name": "meta"}, "spec": {"version": "1.0.1", "template": {"appTiers": [
        {"name": "redis-1", "type": "operator-instance", "sourceAppTierUid": f.redis},
        {"name": "cfg", "type": "manifest"}
    ]}}});
    f.local.put(&format!("/v1/appProfiles/{uid}"), put).project(&f.project).send().await.ok(204);
    let profile = f.get(&format!("/v1/appProfiles/{uid}")).await;
    assert_eq!(profile["spec"]["version"], "1.0.1");
    assert_eq!(profile["spec"]["template"]["appTiers"].as_array().unwrap().len(), 2);
    assert_eq!(profile["spec"]["template"]["appTiers"][0]["uid"], redis_tier.as_str());
    let kept = f.get(&format!("/v1/appProfiles/{uid}/tiers/{cfg_tier}/manifests")).await;
    assert_eq!(kept["manifests"][0]["spec"]["published"]["content"], "apiVersion: v1\nkind: ConfigMap\n");
    let renamed = json!({"metadata": {"name": "other"}, "spec": {"template": {"appTiers": []}}});
    f.local.put(&format!("/v1/appProfiles/{uid}"), renamed).project(&f.project).send().await.error(400, "BadRequest");

    let clone = f
        .local
        .post(&format!("/v1/appProfiles/{uid}/clone"), json!({"metadata": {"name": "meta", "version": "2.0.0", "target": {"projectUid": f.project}}}))
        .project(&f.project)
        .send()
        .await
        .ok(201)
        .uid();
    let copy = f.get(&format!("/v1/appProfiles/{clone}")).await;
    assert_eq!(copy["spec"]["parentUid"], uid.as_str());
    assert_eq!(copy["spec"]["versions"].as_array().unwrap().len(), 2);
    assert_ne!(copy["spec"]["template"]["appTiers"][0]["uid"], redis_tier.as_str());
    let copied_cfg = copy["spec"]["template"]["appTiers"][1]["uid"].as_str().unwrap().to_string();
    let copied = f.get(&format!("/v1/appProfiles/{clone}/tiers/{copied_cfg}/manifests")).await;
    assert_eq!(copied["manifests"][0]["spec"]["published"]["content"], "apiVersion: v1\nkind: ConfigMap\n");
    f.local
        .post(&format!("/v1/appProfiles/{uid}/clone"), json!({"metadata": {"name": "meta", "version": "2.0.0"}}))
        .project(&f.project)
        .send()
        .await
        .error(409, "DuplicateName");
    f.local.post(&format!("/v1/appProfiles/{uid}/clone"), json!({"metadata": {}})).project(&f.project).send().await.error(400, "BadRequest");
    f.local.post("/v1/appProfiles", f.body("meta", "2.0.0")).project(&f.project).send().await.error(409, "DuplicateName");
}

#[tokio::test]
async fn dashboards_use_the_app_profiles_key() {
    let f = fixture().await;
    let a = f.create("alpha", "1.0.0").await;
    f.create("alpha", "1.1.0").await;
    f.create("beta", "1.0.0").await;
    let all = f.local.call(reqwest::Method::POST, "/v1/dashboard/appProfiles?limit=0").project(&f.project).send().await.ok(200).body;
    let items = all["appProfiles"].as_array().expect("appProfiles key");
    assert_eq!(items.len(), 3);
    assert!(all.get("items").is_none());
    assert_eq!(all["listmeta"]["count"], 3);
    let alpha = &items[0];
    assert_eq!(alpha["spec"]["versions"].as_array().unwrap().len(), 2);
    let tier = &alpha["spec"]["template"]["appTiers"][0];
    assert_eq!(tier["source"]["name"], "redis-operator");
    assert_eq!(tier["source"]["type"], "operator-instance");
    let filtered = f
        .local
        .post("/v1/dashboard/appProfiles", json!({"filter": {"profileName": {"eq": "alpha"}, "version": {"eq": "1.1.0"}},
                                                  "sort": [{"field": "profileName", "order": "asc"}]}))
        .project(&f.project)
        .send()
        .await
        .ok(200)
        .body;
    assert_eq!(filtered["appProfiles"].as_array().unwrap().len(), 1);
    let paged = f.local.post("/v1/dashboard/appProfiles?limit=2", json!({})).project(&f.project).send().await.ok(200).body;
    let offset = paged["listmeta"]["offset"].as_u64().unwrap();
    let rest = f.local.post(&format!("/v1/dashboard/appProfiles?offset={offset}"), json!({})).project(&f.project).send().await.ok(200).body;
    assert_eq!(rest["appProfiles"].as_array().unwrap().len(), 1);
    assert_eq!(rest["listmeta"]["continue"], "");
    let metadata = f.get("/v1/dashboard/appProfiles/metadata").await;
    assert_eq!(metadata["appProfiles"][0], json!({"metadata": {"name": "alpha", "uid": a}, "spec": {"version": "1.0.0"}}));
}

#[tokio::test]
async fn app_profiles_are_scoped_and_deleted() {
    let f = fixture().await;
    let uid = f.create("scoped", "1.0.0").await;
    let other = f.local.create_project("other").await;
    f.local.get(&format!("/v1/appProfiles/{uid}")).send().await.error(404, "ResourceNotFound");
    f.local.get(&format!("/v1/appProfiles/{uid}")).project(&other).send().await.error(404, "ResourceNotFound");
    f.local.delete(&format!("/v1/appProfiles/{uid}")).send().await.error(404, "ResourceNotFound");
    let metadata = f.local.get("/v1/dashboard/appProfiles/metadata").project(&other).send().await.ok(200).body;
    assert_eq!(metadata["appProfiles"], json!([]));
    f.local.delete(&format!("/v1/appProfiles/{uid}")).project(&f.project).send().await.ok(204);
    f.local.get(&format!("/v1/appProfiles/{uid}")).project(&f.project).send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn invalid_tiers_are_rejected_and_nothing_is_created() {
    let f = fixture().await;
    let tier = |tier: Value| json!({"metadata": {"name": "bad"}, "spec": {"template": {"appTiers": [tier]}}});
    let cases = [
        tier(json!({"name": "t", "type": "spectro"})),
        tier(json!({"name": "t", "type": "helm"})),
        tier(json!({"name": "t", "type": "container", "sourceAppTierUid": f.kafka})),
        tier(json!({"name": "t", "type": "operator-instance", "sourceAppTierUid": f.redis, "version": "0.0.1"})),
        tier(json!({"name": "t", "type": "helm", "sourceAppTierUid": "0123456789abcdef01234567"})),
        tier(json!({"name": "t", "type": "manifest", "manifests": [{"content": "x"}]})),
        tier(json!({"name": "t", "type": "operator-instance", "sourceAppTierUid": f.redis, "properties": [{"name": "a"}, {"name": "a"}]})),
        tier(json!({"type": "manifest"})),
        tier(json!({"name": "t", "installOrder": "first"})),
        json!({"metadata": {"name": "bad"}, "spec": {"template": {"appTiers": [{"name": "t"}, {"name": "t"}]}}}),
        json!({"metadata": {"name": "bad"}, "spec": {"version": "one"}}),
        json!({"metadata": {"name": "bad"}}),
    ];
    for case in cases {
        let reply = f.local.post("/v1/appProfiles", case.clone()).project(&f.project).send().await;
        assert_eq!(reply.status, 400, "{case} → {}", reply.text);
        assert_eq!(reply.body["code"], "BadRequest");
    }
    let metadata = f.get("/v1/dashboard/appProfiles/metadata").await;
    assert_eq!(metadata["appProfiles"], json!([]));
}

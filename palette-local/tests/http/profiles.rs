//! Cluster profiles over the HTTP API: draft/publish, versions, clone, packs and
//! manifests, variables, dashboards, scoping and validation.

use crate::common::{is_uid, Local};
use serde_json::{json, Value};

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  a: b\n";

/// A profile body with an nginx pack (by name + tag + registry) and a manifest layer.
fn body(name: &str, version: &str, registry: &str) -> Value {
    json!({
        "metadata": {"name": name, "labels": {"team": "a"}, "annotations": {"description": "demo"}},
        "spec": {
            "version": version,
            "template": {
                "cloudType": "all",
                "type": "add-on",
                "packs": [
                    {"name": "nginx", "type": "spectro", "layer": "addon", "tag": "1.11.2", "registryUid": registry, "values": "replicas: 2"},
                    {"name": "extras", "type": "manifest", "layer": "addon", "uid": "spectro-manifest-pack",
                     "manifests": [{"name": "cm", "content": CONFIG_MAP}]}
                ]
            },
            "variables": [{"name": "replicas", "displayName": "Replicas", "format": "number", "defaultValue": "2"}]
        }
    })
}

struct Fixture {
    local: Local,
    project: String,
    registry: String,
}

async fn fixture() -> Fixture {
    let local = Local::in_process();
    let project = local.default_project().await;
    let registry = local.registry_uid("Public Repo").await;
    Fixture { local, project, registry }
}

impl Fixture {
    async fn create(&self, name: &str, version: &str) -> String {
        self.local.post("/v1/clusterprofiles", body(name, version, &self.registry)).project(&self.project).send().await.ok(201).uid()
    }

    async fn get(&self, uid: &str) -> Value {
        self.local.get(&format!("/v1/clusterprofiles/{uid}")).project(&self.project).send().await.ok(200).body
    }

    async fn publish(&self, uid: &str) {
        self.local.patch(&format!("/v1/clusterprofiles/{uid}/publish"), Value::Null).project(&self.project).send().await.ok(204);
    }
}

#[tokio::test]
async fn create_puts_content_in_the_draft_and_publish_moves_it() {
    let f = fixture().await;
    let uid = f.create("addon-nginx", "1.0.0").await;
    let draft = f.get(&uid).await;
    assert_eq!(draft["metadata"]["annotations"]["scope"], "project");
    assert_eq!(draft["spec"]["published"], Value::Null);
    assert_eq!(draft["status"]["isPublished"], false);
    assert_eq!(draft["spec"]["draft"]["type"], "add-on");
    assert_eq!(draft["spec"]["versions"], json!([{"uid": uid, "version": "1.0.0"}]));

    f.publish(&uid).await;
    let profile = f.get(&uid).await;
    assert_eq!(profile["spec"]["draft"], Value::Null);
    assert_eq!(profile["status"]["isPublished"], true);
    let published = &profile["spec"]["published"];
    assert_eq!(published["profileVersion"], "1.0.0");
    assert_eq!(published["cloudType"], "all");
    assert_eq!(published["name"], "addon-nginx");
    let nginx = &published["packs"][0];
    assert_eq!(nginx["tag"], "1.11.2");
    assert_eq!(nginx["version"], "1.11.2");
    assert_eq!(nginx["registryUid"], f.registry.as_str());
    assert_eq!(nginx["packUid"], f.local.pack_uid("nginx", "1.11.2").await.as_str());
    assert_eq!(nginx["values"], "replicas: 2");
    let extras = &published["packs"][1];
    assert_eq!(extras["type"], "manifest");
    assert_eq!(extras["packUid"], "spectro-manifest-pack");
    let manifest = &extras["manifests"][0];
    assert_eq!(manifest["name"], "cm");
    assert_eq!(manifest["kind"], "ConfigMap");
    assert!(manifest.get("content").is_none(), "contents are not inline");
    assert!(!profile.to_string().contains("data:"), "no manifest content in GET");

    let manifests = f.local.get(&format!("/v1/clusterprofiles/{uid}/packs/extras/manifests")).project(&f.project).send().await.ok(200).body;
    let item = &manifests["items"][0];
    assert_eq!(item["metadata"]["uid"], manifest["uid"]);
    assert_eq!(item["spec"]["published"]["content"], CONFIG_MAP);
    assert!(!item["spec"]["published"]["digest"].as_str().unwrap().is_empty());
    assert_eq!(item["spec"]["draft"], Value::Null);
    // Publishing again without a draft is a no-op.
    f.publish(&uid).await;
}

#[tokio::test]
async fn publish_query_creates_a_published_profile() {
    let f = fixture().await;
    let uid = f.local.post("/v1/clusterprofiles?publish=true", body("p", "1.0.0", &f.registry)).project(&f.project).send().await.ok(201).uid();
    let profile = f.get(&uid).await;
    assert_eq!(profile["status"]["isPublished"], true);
    assert_eq!(profile["spec"]["draft"], Value::Null);
    assert_eq!(profile["spec"]["published"]["packs"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn versions_are_grouped_by_name_and_unique() {
    let f = fixture().await;
    let v1 = f.create("grouped", "1.0.0").await;
    let v2 = f.create("grouped", "1.1.0").await;
    f.create("other", "1.0.0").await;
    let expected = json!([{"uid": v1, "version": "1.0.0"}, {"uid": v2, "version": "1.1.0"}]);
    assert_eq!(f.get(&v1).await["spec"]["versions"], expected);
    assert_eq!(f.get(&v2).await["spec"]["versions"], expected);
    f.local.post("/v1/clusterprofiles", body("grouped", "1.1.0", &f.registry)).project(&f.project).send().await.error(409, "DuplicateName");
    // The same name and version is free in another scope.
    f.local.post("/v1/clusterprofiles", body("grouped", "1.1.0", &f.registry)).send().await.ok(201);

    let path = "/v1/clusterprofiles/validate/name";
    f.local.get(&format!("{path}?name=grouped&version=1.1.0")).project(&f.project).send().await.error(409, "DuplicateName");
    let free = f.local.get(&format!("{path}?name=grouped&version=2.0.0")).project(&f.project).send().await.ok(204);
    assert!(free.header("AuditUid").is_some());
    f.local.get(&format!("{path}?name=grouped")).project(&f.project).send().await.error(409, "DuplicateName");
    f.local.get(&format!("{path}?version=1.0.0")).project(&f.project).send().await.error(400, "BadRequest");
    f.local.get(&format!("{path}?name=x&version=1.2.3.beta")).project(&f.project).send().await.error(400, "BadRequest");
}

#[tokio::test]
async fn put_writes_the_draft_and_renames_the_version_in_place() {
    let f = fixture().await;
    let uid = f.create("renamed", "1.0.0").await;
    f.publish(&uid).await;
    let sibling = f.create("renamed", "3.0.0").await;
    let nginx_old = f.local.pack_uid("nginx", "1.11.2").await;
    let update = json!({
        "metadata": {"name": "renamed", "uid": uid},
        "spec": {"version": "2.0.0", "template": {"type": "add-on", "packs": [
            // The old pack UID with a new tag: the tag wins.
            {"name": "nginx", "type": "spectro", "tag": "1.10.4", "uid": nginx_old, "registryUid": f.registry, "values": "replicas: 3"}
        ]}}
    });
    f.local.put(&format!("/v1/clusterprofiles/{uid}"), update).project(&f.project).send().await.ok(204);
    let profile = f.get(&uid).await;
    assert_eq!(profile["spec"]["version"], "2.0.0");
    assert_eq!(profile["spec"]["published"]["packs"].as_array().unwrap().len(), 2, "published until the next publish");
    let draft_packs = profile["spec"]["draft"]["packs"].as_array().unwrap();
    assert_eq!(draft_packs.len(), 1);
    assert_eq!(draft_packs[0]["tag"], "1.10.4");
    assert_eq!(draft_packs[0]["packUid"], f.local.pack_uid("nginx", "1.10.4").await.as_str());
    assert_eq!(profile["spec"]["draft"]["cloudType"], "all", "cloudType kept on update");
    let versions = profile["spec"]["versions"].as_array().unwrap();
    assert!(versions.iter().all(|v| v["version"] != "1.0.0"), "old version gone: {versions:?}");
    f.publish(&uid).await;
    let profile = f.get(&uid).await;
    assert_eq!(profile["spec"]["published"]["profileVersion"], "2.0.0");
    assert_eq!(profile["spec"]["published"]["version"], 2, "revision counter");

    let clash = json!({"metadata": {"name": "renamed"}, "spec": {"version": "3.0.0", "template": {"type": "add-on", "packs": []}}});
    f.local.put(&format!("/v1/clusterprofiles/{uid}"), clash).project(&f.project).send().await.error(409, "DuplicateName");
    let bad = json!({"metadata": {"name": "renamed"}, "spec": {"version": "V2", "template": {"type": "add-on", "packs": []}}});
    f.local.put(&format!("/v1/clusterprofiles/{uid}"), bad).project(&f.project).send().await.error(400, "BadRequest");
    assert_eq!(f.get(&uid).await["spec"]["version"], "2.0.0");
    assert!(is_uid(&sibling));
}

#[tokio::test]
async fn metadata_patch_updates_labels_description_and_version() {
    let f = fixture().await;
    let uid = f.create("meta", "1.0.0").await;
    let patch = json!({"metadata": {"name": "meta", "labels": {"env": "prod"}, "annotations": {"description": "changed"}}, "spec": {"version": "1.0.1"}});
    f.local.patch(&format!("/v1/clusterprofiles/{uid}/metadata"), patch).project(&f.project).send().await.ok(204);
    let profile = f.get(&uid).await;
    assert_eq!(profile["metadata"]["labels"], json!({"env": "prod"}));
    assert_eq!(profile["metadata"]["annotations"], json!({"description": "changed", "scope": "project"}));
    assert_eq!(profile["spec"]["version"], "1.0.1");
    f.local.patch(&format!("/v1/clusterprofiles/{uid}/metadata"), json!({"spec": {}})).project(&f.project).send().await.error(400, "BadRequest");
    f.local
        .patch("/v1/clusterprofiles/0123456789abcdef01234567/metadata", json!({"metadata": {}}))
        .project(&f.project)
        .send()
        .await
        .error(404, "ResourceNotFound");
}

#[tokio::test]
async fn clone_makes_a_new_version() {
    let f = fixture().await;
    let uid = f.create("cloned", "1.0.0").await;
    f.publish(&uid).await;
    let path = format!("/v1/clusterprofiles/{uid}/clone");
    f.local
        .post(&format!("{path}/validate"), json!({"name": "cloned", "version": "1.1.0", "target": {"scope": "project", "projectUid": f.project}}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    f.local.post(&format!("{path}/validate"), json!({"name": "cloned", "version": "1.0.0"})).project(&f.project).send().await.error(409, "DuplicateName");
    let copy = f.local.post(&path, json!({"metadata": {"name": "cloned", "version": "1.1.0"}})).project(&f.project).send().await.ok(201).uid();
    let cloned = f.get(&copy).await;
    assert_eq!(cloned["spec"]["version"], "1.1.0");
    assert_eq!(cloned["status"]["isPublished"], true);
    assert_eq!(cloned["spec"]["published"]["profileVersion"], "1.1.0");
    let source_manifest = f.get(&uid).await["spec"]["published"]["packs"][1]["manifests"][0]["uid"].clone();
    let copy_manifest = cloned["spec"]["published"]["packs"][1]["manifests"][0]["uid"].clone();
    assert_ne!(source_manifest, copy_manifest, "manifests get new UIDs");
    let content = f.local.get(&format!("/v1/clusterprofiles/{copy}/packs/extras/manifests")).project(&f.project).send().await.ok(200).body;
    assert_eq!(content["items"][0]["spec"]["published"]["content"], CONFIG_MAP);
    assert_eq!(f.get(&uid).await["spec"]["versions"].as_array().unwrap().len(), 2);
    let variables = f.local.get(&format!("/v1/clusterprofiles/{copy}/variables")).project(&f.project).send().await.ok(200).body;
    assert_eq!(variables["variables"][0]["name"], "replicas");

    f.local.post(&path, json!({"metadata": {"name": "cloned", "version": "1.1.0"}})).project(&f.project).send().await.error(409, "DuplicateName");
    f.local.post(&path, json!({"metadata": {"version": "9.0.0"}})).project(&f.project).send().await.error(400, "BadRequest");
    f.local
        .post(&path, json!({"metadata": {"name": "cloned", "version": "1.2.0", "target": {"scope": "system"}}}))
        .project(&f.project)
        .send()
        .await
        .error(403, "OperationForbidden");
    let tenant_copy = f
        .local
        .post(&path, json!({"metadata": {"name": "cloned", "target": {"scope": "tenant"}}}))
        .project(&f.project)
        .send()
        .await
        .ok(201)
        .uid();
    let in_tenant = f.local.get(&format!("/v1/clusterprofiles/{tenant_copy}")).send().await.ok(200).body;
    assert_eq!(in_tenant["metadata"]["annotations"]["scope"], "tenant");
    assert_eq!(in_tenant["spec"]["versions"].as_array().unwrap().len(), 1, "versions are per scope");
    f.local.get(&format!("/v1/clusterprofiles/{tenant_copy}")).project(&f.project).send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn pack_layer_endpoints() {
    let f = fixture().await;
    let uid = f.create("layers", "1.0.0").await;
    f.publish(&uid).await;
    let base = format!("/v1/clusterprofiles/{uid}/packs");
    let packs = f.local.get(&base).project(&f.project).send().await.ok(200).body;
    assert_eq!(packs["items"].as_array().unwrap().len(), 2);
    assert_eq!(packs["items"][0]["spec"]["displayName"], "Nginx Ingress");
    let nginx = f.local.get(&format!("{base}/nginx")).project(&f.project).send().await.ok(200).body;
    assert_eq!(nginx["spec"]["pack"]["version"], "1.11.2");
    assert_eq!(nginx["spec"]["registry"]["name"], "Public Repo");
    f.local.get(&format!("{base}/missing")).project(&f.project).send().await.error(404, "ResourceNotFound");

    let cert = f
        .local
        .post(&base, json!({"pack": {"name": "cert-manager", "tag": "1.15.3", "registryUid": f.registry, "type": "spectro", "layer": "addon"}}))
        .project(&f.project)
        .send()
        .await
        .ok(201)
        .uid();
    assert_eq!(cert, f.local.pack_uid("cert-manager", "1.15.3").await);
    f.local.post(&base, json!({"pack": {"name": "cert-manager", "tag": "1.15.3"}})).project(&f.project).send().await.error(409, "DuplicateName");
    let profile = f.get(&uid).await;
    assert_eq!(profile["spec"]["draft"]["packs"].as_array().unwrap().len(), 3, "edits go to a draft");
    assert_eq!(profile["spec"]["published"]["packs"].as_array().unwrap().len(), 2);
    let cert_values = &profile["spec"]["draft"]["packs"][2]["values"];
    assert!(cert_values.as_str().unwrap().contains("installCRDs"), "catalog values by default");

    let nginx_104 = f.local.pack_uid("nginx", "1.10.4").await;
    f.local
        .put(&format!("{base}/nginx"), json!({"pack": {"name": "nginx", "uid": nginx_104, "tag": "1.10.4", "values": "replicas: 9"}}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    f.local.put(&format!("{base}/nginx"), json!({"pack": {"name": "nginx"}})).project(&f.project).send().await.error(400, "BadRequest");
    f.local.delete(&format!("{base}/cert-manager")).project(&f.project).send().await.ok(204);
    f.local.delete(&format!("{base}/cert-manager")).project(&f.project).send().await.error(404, "ResourceNotFound");
    f.local
        .patch(&format!("/v1/clusterprofiles/{uid}/packRefs?notify=x"), json!({"uid": uid, "packs": [
            {"name": "nginx", "tag": "1.11.2", "registryUid": f.registry, "values": "replicas: 4"},
            {"name": "csi-longhorn", "tag": "1.7.1", "registryUid": f.registry}
        ]}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    f.publish(&uid).await;
    let published = f.get(&uid).await["spec"]["published"].clone();
    let names: Vec<&str> = published["packs"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["nginx", "extras", "csi-longhorn"]);
    assert_eq!(published["packs"][0]["values"], "replicas: 4");
    assert_eq!(published["packs"][0]["tag"], "1.11.2");
}

#[tokio::test]
async fn manifest_endpoints_edit_the_draft() {
    let f = fixture().await;
    let uid = f.create("manifests", "1.0.0").await;
    f.publish(&uid).await;
    let base = format!("/v1/clusterprofiles/{uid}/packs/extras/manifests");
    let added = f.local.post(&base, json!({"name": "secret", "content": "kind: Secret\n"})).project(&f.project).send().await.ok(201).uid();
    f.local.post(&base, json!({"name": "secret", "content": ""})).project(&f.project).send().await.error(409, "DuplicateName");
    f.local.post(&base, json!({"content": "x"})).project(&f.project).send().await.error(400, "BadRequest");
    let one = f.local.get(&format!("{base}/{added}")).project(&f.project).send().await.ok(200).body;
    assert_eq!(one["spec"]["draft"]["content"], "kind: Secret\n");
    assert_eq!(one["spec"]["published"], Value::Null);

    let items = f.local.get(&base).project(&f.project).send().await.ok(200).body;
    let cm = items["items"].as_array().unwrap().iter().find(|i| i["metadata"]["name"] == "cm").unwrap().clone();
    let cm_uid = cm["metadata"]["uid"].as_str().unwrap().to_string();
    assert_eq!(cm["spec"]["draft"]["content"], CONFIG_MAP, "a new draft starts from the published content");
    f.local.put(&format!("{base}/{cm_uid}"), json!({"name": "cm", "content": "kind: ConfigMap\ndata: {}\n", "uid": cm_uid})).project(&f.project).send().await.ok(204);
    let cm = f.local.get(&format!("{base}/{cm_uid}")).project(&f.project).send().await.ok(200).body;
    assert_eq!(cm["spec"]["draft"]["content"], "kind: ConfigMap\ndata: {}\n");
    assert_eq!(cm["spec"]["published"]["content"], CONFIG_MAP);
    f.local.delete(&format!("{base}/{added}")).project(&f.project).send().await.ok(204);
    f.local.get(&format!("{base}/{added}")).project(&f.project).send().await.error(404, "ResourceNotFound");
    f.publish(&uid).await;
    let cm = f.local.get(&format!("{base}/{cm_uid}")).project(&f.project).send().await.ok(200).body;
    assert_eq!(cm["spec"]["published"]["content"], "kind: ConfigMap\ndata: {}\n");
    assert_eq!(cm["spec"]["draft"], Value::Null);

    // A PUT of the profile keeps manifest UIDs matched by name.
    let update = json!({"metadata": {"name": "manifests"}, "spec": {"template": {"type": "add-on", "packs": [
        {"name": "extras", "type": "manifest", "manifests": [{"name": "cm", "content": "kind: ConfigMap\n"}]}
    ]}}});
    f.local.put(&format!("/v1/clusterprofiles/{uid}"), update).project(&f.project).send().await.ok(204);
    f.publish(&uid).await;
    let profile = f.get(&uid).await;
    assert_eq!(profile["spec"]["published"]["packs"][0]["manifests"][0]["uid"], cm_uid.as_str());
}

#[tokio::test]
async fn variables_endpoints() {
    let f = fixture().await;
    let uid = f.create("vars", "1.0.0").await;
    let path = format!("/v1/clusterprofiles/{uid}/variables");
    let listed = f.local.get(&path).project(&f.project).send().await.ok(200).body;
    let variable = &listed["variables"][0];
    assert_eq!(variable["name"], "replicas");
    assert_eq!(variable["format"], "number");
    for key in ["required", "hidden", "immutable", "isSensitive", "defaultValue", "inputType", "options", "regex", "description"] {
        assert!(variable.get(key).is_some(), "{key}");
    }
    f.local
        .put(&path, json!({"variables": [{"name": "a", "displayName": "A"}, {"name": "b", "format": "ipv4", "inputType": "dropdown",
            "options": [{"value": "10.0.0.1", "label": "one"}]}]}))
        .project(&f.project)
        .send()
        .await
        .ok(204);
    f.local.patch(&path, json!({"variables": [{"name": "b", "format": "ipv6"}, {"name": "c"}]})).project(&f.project).send().await.ok(204);
    let listed = f.local.get(&path).project(&f.project).send().await.ok(200).body;
    let names: Vec<&str> = listed["variables"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(listed["variables"][1]["format"], "ipv6");
    f.local.delete(&path).json(json!({"variables": ["a", "zzz"]})).project(&f.project).send().await.ok(204);
    assert_eq!(f.local.get(&path).project(&f.project).send().await.ok(200).body["variables"].as_array().unwrap().len(), 2);
    f.local.delete(&path).project(&f.project).send().await.error(400, "BadRequest");
    f.local.put(&path, json!({"variables": [{"name": "x", "format": "float"}]})).project(&f.project).send().await.error(400, "BadRequest");
    f.local.put(&path, json!({"variables": [{"name": "x"}, {"name": "x"}]})).project(&f.project).send().await.error(400, "BadRequest");
    f.local.put(&path, json!({"variables": [{"displayName": "no name"}]})).project(&f.project).send().await.error(400, "BadRequest");
    assert_eq!(f.local.get(&path).project(&f.project).send().await.ok(200).body["variables"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn dashboards_list_filter_and_summarize() {
    let f = fixture().await;
    let a = f.create("alpha", "1.0.0").await;
    f.create("alpha", "1.2.0").await;
    f.create("beta", "1.0.0").await;
    let infra = json!({"metadata": {"name": "gamma", "labels": {"prod": "spectro__tag"}}, "spec": {"template": {"type": "cluster", "cloudType": "eks", "packs": []}}});
    f.local.post("/v1/clusterprofiles", infra).project(&f.project).send().await.ok(201);
    f.local.post("/v1/clusterprofiles", body("tenant-only", "1.0.0", &f.registry)).send().await.ok(201);

    let metadata = f.local.get("/v1/dashboard/clusterprofiles/metadata").project(&f.project).send().await.ok(200).body;
    let items = metadata["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "tenant profiles are not listed in project scope");
    assert_eq!(items[0], json!({"metadata": {"name": "alpha", "uid": a}, "spec": {"cloudType": "all", "version": "1.0.0"}}));

    let search = |filter: Value| {
        let local = &f.local;
        let project = f.project.clone();
        async move { local.post("/v1/dashboard/clusterprofiles", filter).project(&project).send().await.ok(200).body }
    };
    let names = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|i| format!("{}@{}", i["metadata"]["name"].as_str().unwrap(), i["specSummary"]["version"].as_str().unwrap())).collect()
    };
    assert_eq!(names(&search(json!({"filter": {"profileName": {"eq": "alpha"}, "version": {"gt": "1.1.0"}}})).await), ["alpha@1.2.0"]);
    assert_eq!(names(&search(json!({"filter": {"profileType": ["cluster"], "environment": ["eks"]}})).await), ["gamma@1.0.0"]);
    assert_eq!(names(&search(json!({"filter": {"tags": {"eq": ["prod"]}}})).await), ["gamma@1.0.0"]);
    assert_eq!(names(&search(json!({"filter": {"tags": {"eq": ["team:a"]}}, "sort": [{"field": "profileName", "order": "desc"}]})).await),
        ["beta@1.0.0", "alpha@1.0.0", "alpha@1.2.0"]);
    assert_eq!(names(&search(json!({"filter": {"scope": "tenant"}})).await).len(), 0);
    let page = f.local.post("/v1/dashboard/clusterprofiles?limit=2", json!({})).project(&f.project).send().await.ok(200).body;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["listmeta"]["count"], 4);
    let summary = &page["items"][0];
    assert_eq!(summary["specSummary"]["versions"].as_array().unwrap().len(), 2);
    assert_eq!(summary["specSummary"]["draft"]["packs"][0]["name"], "nginx");
    assert_eq!(summary["status"]["isPublished"], false);
    f.local.post("/v1/dashboard/clusterprofiles", json!({"filter": {"scope": "galaxy"}})).project(&f.project).send().await.error(400, "BadRequest");
    let one = f.local.get(&format!("/v1/dashboard/clusterprofiles/{a}")).project(&f.project).send().await.ok(200).body;
    assert_eq!(one["metadata"]["uid"], a.as_str());
    f.local.get(&format!("/v1/dashboard/clusterprofiles/{a}")).send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn profiles_are_invisible_across_scopes() {
    let f = fixture().await;
    let other = f.local.create_project("other").await;
    let uid = f.create("scoped", "1.0.0").await;
    let tenant = f.local.post("/v1/clusterprofiles", body("scoped", "1.0.0", &f.registry)).send().await.ok(201).uid();
    for scope in [None, Some(other.as_str())] {
        for path in [format!("/v1/clusterprofiles/{uid}"), format!("/v1/clusterprofiles/{uid}/packs"), format!("/v1/clusterprofiles/{uid}/variables")] {
            let call = f.local.get(&path);
            let call = match scope {
                Some(project) => call.project(project),
                None => call,
            };
            call.send().await.error(404, "ResourceNotFound");
        }
    }
    f.local.delete(&format!("/v1/clusterprofiles/{uid}")).send().await.error(404, "ResourceNotFound");
    f.local.get(&format!("/v1/clusterprofiles/{tenant}")).project(&f.project).send().await.error(404, "ResourceNotFound");
    assert_eq!(f.local.get(&format!("/v1/clusterprofiles/{tenant}")).send().await.ok(200).body["metadata"]["annotations"]["scope"], "tenant");
    f.get(&uid).await;
}

#[tokio::test]
async fn deletes_single_and_bulk() {
    let f = fixture().await;
    let one = f.create("gone", "1.0.0").await;
    let two = f.create("gone", "2.0.0").await;
    let three = f.create("gone", "3.0.0").await;
    f.local.delete(&format!("/v1/clusterprofiles/{one}")).project(&f.project).send().await.ok(204);
    f.local.get(&format!("/v1/clusterprofiles/{one}")).project(&f.project).send().await.error(404, "ResourceNotFound");
    f.local.delete(&format!("/v1/clusterprofiles/{one}")).project(&f.project).send().await.error(404, "ResourceNotFound");
    assert_eq!(f.get(&two).await["spec"]["versions"].as_array().unwrap().len(), 2, "versions stay in sync");
    let report = f
        .local
        .delete("/v1/clusterprofiles/bulk")
        .json(json!({"uids": [two, three, "0123456789abcdef01234567"]}))
        .project(&f.project)
        .send()
        .await
        .ok(200)
        .body;
    assert_eq!(report["deletedCount"], 2);
    assert_eq!(report["isSucceeded"], false);
    assert_eq!(report["failures"][0]["uid"], "0123456789abcdef01234567");
    f.local.delete("/v1/clusterprofiles/bulk").json(json!({})).project(&f.project).send().await.error(400, "BadRequest");
}

#[tokio::test]
async fn invalid_profiles_are_rejected_and_nothing_is_created() {
    let f = fixture().await;
    let pack = |pack: Value| json!({"metadata": {"name": "bad"}, "spec": {"template": {"type": "add-on", "packs": [pack]}}});
    let cases = [
        json!({"metadata": {"name": "bad"}, "spec": {}}),
        json!({"metadata": {"name": "bad"}, "spec": {"template": {"packs": []}}}),
        json!({"metadata": {"name": "bad"}, "spec": {"template": {"type": "full"}}}),
        json!({"metadata": {"name": "bad"}, "spec": {"version": "1.2.3.beta", "template": {"type": "add-on"}}}),
        json!({"metadata": {}, "spec": {"template": {"type": "add-on"}}}),
        pack(json!({"name": "nginx", "tag": "1.11.2", "type": "container"})),
        pack(json!({"name": "nginx", "tag": "1.11.2", "layer": "network"})),
        pack(json!({"name": "nginx", "tag": "9.9.9"})),
        pack(json!({"name": "nginx"})),
        pack(json!({"name": "nginx", "uid": "0123456789abcdef01234567"})),
        pack(json!({"name": "kubernetes", "uid": f.local.pack_uid("nginx", "1.11.2").await})),
        pack(json!({"tag": "1.11.2"})),
        pack(json!({"name": "m", "type": "manifest", "manifests": [{"content": "x"}]})),
        json!({"metadata": {"name": "bad"}, "spec": {"template": {"type": "add-on", "packs": [
            {"name": "nginx", "tag": "1.11.2"}, {"name": "nginx", "tag": "1.10.4"}]}}}),
        json!({"metadata": {"name": "bad"}, "spec": {"template": {"type": "add-on"}, "variables": [{"name": "v", "inputType": "radio"}]}}),
    ];
    for case in cases {
        let reply = f.local.post("/v1/clusterprofiles", case.clone()).project(&f.project).send().await;
        assert_eq!(reply.status, 400, "{case} → {}", reply.text);
        assert_eq!(reply.body["code"], "BadRequest");
    }
    let metadata = f.local.get("/v1/dashboard/clusterprofiles/metadata").project(&f.project).send().await.ok(200).body;
    assert_eq!(metadata["items"], json!([]));
}

#[tokio::test]
async fn sub_resource_error_paths() {
    let f = fixture().await;
    let uid = f.create("errors", "1.0.0").await;
    let missing = "0123456789abcdef01234567";
    let project = f.project.clone();
    let local = &f.local;
    local.patch(&format!("/v1/clusterprofiles/{missing}/publish"), Value::Null).project(&project).send().await.error(404, "ResourceNotFound");
    local.patch("/v1/clusterprofiles/not-a-uid/publish", Value::Null).project(&project).send().await.error(400, "BadRequest");
    local.get(&format!("/v1/clusterprofiles/{uid}/packs/nope/manifests")).project(&project).send().await.error(404, "ResourceNotFound");
    local.post(&format!("/v1/clusterprofiles/{uid}/packs/nope/manifests"), json!({"name": "m"})).project(&project).send().await.error(404, "ResourceNotFound");
    local
        .put(&format!("/v1/clusterprofiles/{uid}/packs/extras/manifests/{missing}"), json!({"name": "m", "content": ""}))
        .project(&project)
        .send()
        .await
        .error(404, "ResourceNotFound");
    local.delete(&format!("/v1/clusterprofiles/{uid}/packs/extras/manifests/{missing}")).project(&project).send().await.error(404, "ResourceNotFound");
    local
        .patch(&format!("/v1/clusterprofiles/{uid}/packRefs"), json!({"packs": [{"name": "nginx", "tag": "0.0.1"}]}))
        .project(&project)
        .send()
        .await
        .error(400, "BadRequest");
    local.patch(&format!("/v1/clusterprofiles/{uid}/packRefs"), json!({})).project(&project).send().await.error(400, "BadRequest");
    local.get(&format!("/v1/clusterprofiles/{missing}/variables")).project(&project).send().await.error(404, "ResourceNotFound");
    local.post(&format!("/v1/clusterprofiles/{missing}/clone"), json!({"metadata": {"name": "x"}})).project(&project).send().await.error(404, "ResourceNotFound");
    // None of the failed edits left a trace: the profile still has only its draft.
    let profile = f.get(&uid).await;
    assert_eq!(profile["spec"]["draft"]["packs"].as_array().unwrap().len(), 2);
    assert_eq!(profile["spec"]["draft"]["packs"][0]["tag"], "1.11.2");
}

//! palette-local's cluster side: cluster groups, virtual clusters and their
//! lifecycles, quotas, profiles, day-2 settings, kubeconfigs, cloud configs,
//! dashboards and persistence across a restart. Tests run on the router in process;
//! the restart and the test reading the database file spawn the binary.

use std::path::{Path, PathBuf};

use crate::common::{self, Local, Reply, API_KEY};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A seed with two projects, an add-on catalog and three host clusters.
fn seed() -> Value {
    json!({
        "apiKeys": [API_KEY],
        "projects": [{"name": "Default"}, {"name": "Other"}],
        "registries": [{"name": "Public Repo", "kind": "spectro"}],
        "packs": [
            {"name": "nginx", "tag": "1.2.3", "registry": "Public Repo", "type": "spectro", "layer": "addon", "values": "replicas: 1"},
            {"name": "redis", "tag": "7.0.0", "registry": "Public Repo", "type": "spectro", "layer": "addon", "values": "size: 1"}
        ],
        "hostClusters": [
            {"name": "host-1", "project": null, "cpu": 16, "memoryMiB": 32768, "storageGiB": 200},
            {"name": "host-2", "project": "Default", "cpu": 8, "memoryMiB": 16384, "storageGiB": 100},
            {"name": "host-3", "project": "Other", "cpu": 8, "memoryMiB": 16384, "storageGiB": 100}
        ]
    })
}

/// A `palette-local` with [`seed`], and the two projects.
struct Server {
    local: Local,
    project: String,
    other_project: String,
}

struct Timings {
    provision: u64,
    delete: u64,
    pause: u64,
}

const QUICK: Timings = Timings { provision: 10, delete: 4, pause: 2 };

impl Server {
    /// The router in process over an in-memory store.
    async fn in_process(timings: &Timings) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let flags = flags(dir.path(), timings);
        Self::around(Local::in_process_args(&flags.iter().map(String::as_str).collect::<Vec<_>>())).await
    }

    /// The router in process over the database file in `dir`.
    async fn in_process_on(dir: &Path, timings: &Timings) -> Server {
        let flags = flags(dir, timings);
        Self::around(Local::in_process_on(&dir.join("palette.db"), &flags.iter().map(String::as_str).collect::<Vec<_>>())).await
    }

    /// The spawned binary on the database in `dir` (kept after it stops).
    async fn start(dir: &Path, timings: &Timings) -> Server {
        let flags = flags(dir, timings);
        Self::around(Local::start_on(&dir.join("palette.db"), &flags.iter().map(String::as_str).collect::<Vec<_>>())).await
    }

    async fn around(local: Local) -> Server {
        let project = local.default_project().await;
        let other_project = local.project_uid("Other").await;
        Server { local, project, other_project }
    }

    async fn reply(&self, method: Method, path: &str, project: Option<&str>, body: Option<Value>) -> Reply {
        let mut call = self.local.call(method, path);
        if let Some(project) = project {
            call = call.project(project);
        }
        if let Some(body) = body {
            call = call.json(body);
        }
        call.send().await
    }

    /// Status and JSON body (null when empty).
    async fn call(&self, method: Method, path: &str, project: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let reply = self.reply(method, path, project, body).await;
        (StatusCode::from_u16(reply.status).unwrap(), reply.body)
    }

    /// Project-scope call in the Default project.
    async fn p(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(method, path, Some(&self.project), body).await
    }

    async fn advance(&self, seconds: f64) {
        let (status, _) = self.call(Method::POST, "/__admin/time/advance", None, Some(json!({ "seconds": seconds }))).await;
        assert_eq!(status, StatusCode::OK);
    }

    /// UID of the seeded host cluster `name` (searching the scope it lives in).
    async fn host(&self, name: &str, project: Option<&str>) -> String {
        let (status, body) = self.call(Method::GET, "/v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters", project, None).await;
        assert_eq!(status, StatusCode::OK);
        body["items"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()["uid"].as_str().unwrap().to_string()
    }

    async fn hosts(&self) -> (String, String) {
        (self.host("host-1", None).await, self.host("host-2", Some(&self.project)).await)
    }

    /// A tenant cluster group over `hosts` with `limits`; returns its UID.
    async fn group(&self, name: &str, hosts: &[&str], limits: Value) -> String {
        let refs: Vec<Value> = hosts.iter().map(|uid| json!({ "clusterUid": uid })).collect();
        let configs: Vec<Value> = hosts
            .iter()
            .map(|uid| json!({ "clusterUid": uid, "endpointConfig": { "ingressConfig": { "host": "*.dev.example.com" } } }))
            .collect();
        let body = json!({ "metadata": { "name": name }, "spec": { "type": "hostCluster", "clusterRefs": refs,
            "clustersConfig": { "endpointType": "Ingress", "hostClustersConfig": configs, "limitConfig": limits } } });
        let (status, body) = self.call(Method::POST, "/v1/clustergroups", None, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["uid"].as_str().unwrap().to_string()
    }

    async fn create_virtual(&self, body: Value) -> (StatusCode, Value) {
        self.p(Method::POST, "/v1/spectroclusters/virtual", Some(body)).await
    }

    async fn virtual_cluster(&self, name: &str, group: &str, cpu: i64) -> String {
        let (status, body) = self.create_virtual(virtual_body(name, group, "", cpu)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["uid"].as_str().unwrap().to_string()
    }

    async fn cluster(&self, uid: &str) -> Value {
        let (status, body) = self.p(Method::GET, &format!("/v1/spectroclusters/{uid}"), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn state(&self, uid: &str) -> String {
        self.cluster(uid).await["status"]["state"].as_str().unwrap().to_string()
    }

    /// An add-on profile (published) with `packs` and optional variables.
    async fn profile(&self, name: &str, version: &str, packs: &[&str], variables: Value) -> String {
        let packs: Vec<Value> = packs
            .iter()
            .map(|pack| {
                let tag = if *pack == "nginx" { "1.2.3" } else { "7.0.0" };
                json!({ "name": pack, "tag": tag, "type": "spectro", "layer": "addon", "values": "a: 1" })
            })
            .collect();
        let body = json!({ "metadata": { "name": name }, "spec": { "version": version, "variables": variables,
            "template": { "type": "add-on", "cloudType": "all", "packs": packs } } });
        let (status, body) = self.p(Method::POST, "/v1/clusterprofiles?publish=true", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["uid"].as_str().unwrap().to_string()
    }
}

/// The flags giving [`seed`] (written into `dir`) and `timings`.
fn flags(dir: &Path, timings: &Timings) -> Vec<String> {
    let seed_path = dir.join("seed.json");
    std::fs::write(&seed_path, seed().to_string()).unwrap();
    let seed_path = seed_path.to_str().unwrap().to_string();
    [
        "--seed",
        &seed_path,
        "--provision-seconds",
        &timings.provision.to_string(),
        "--delete-seconds",
        &timings.delete.to_string(),
        "--pause-seconds",
        &timings.pause.to_string(),
    ]
    .map(String::from)
    .to_vec()
}

fn virtual_body(name: &str, group: &str, host: &str, cpu: i64) -> Value {
    json!({ "metadata": { "name": name, "labels": { "env": "dev" }, "annotations": { "description": "test" } },
            "spec": {
                "cloudConfig": { "helmRelease": { "chart": { "name": "", "repo": "", "version": "" }, "values": "" }, "kubernetesVersion": "1.30.4" },
                "clusterConfig": { "hostClusterConfig": { "clusterGroup": { "uid": group }, "hostCluster": { "uid": host } } },
                "machinepoolconfig": [{ "cloudConfig": { "instanceType": { "maxCPU": cpu, "maxMemInMiB": 2048, "maxStorageGiB": 10 } } }],
                "profiles": [] } })
}

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()) && body.get("ref").is_some() && body.get("details").is_some(),
        "{body}"
    );
}

#[tokio::test]
async fn cluster_groups_crud_lookups_and_errors() {
    let server = Server::in_process(&QUICK).await;
    let (host1, host2) = server.hosts().await;
    let limits = json!({ "cpuMilliCore": 6000, "memoryMiB": 8192, "storageGiB": 50, "overSubscription": 120 });
    let group = server.group("cg-dev", &[&host1, &host2], limits.clone()).await;

    let (status, body) = server.call(Method::GET, &format!("/v1/clustergroups/{group}"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"]["isActive"], true);
    assert_eq!(body["metadata"]["annotations"]["scope"], "tenant");
    assert_eq!(body["spec"]["clusterRefs"][1]["clusterName"], "host-2");
    assert_eq!(body["spec"]["clustersConfig"]["kubernetesDistroType"], "vcluster-generic");
    assert_eq!(body["spec"]["clustersConfig"]["limitConfig"]["overSubscription"], 120);
    assert_eq!(body["spec"]["clustersConfig"]["hostClustersConfig"][0]["endpointConfig"]["ingressConfig"]["host"], "*.dev.example.com");

    // Project scope cannot see the tenant group; names are unique per scope.
    let (status, body) = server.p(Method::GET, &format!("/v1/clustergroups/{group}"), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let dup = json!({ "metadata": { "name": "cg-dev" }, "spec": { "clusterRefs": [{ "clusterUid": host1 }] } });
    let (status, body) = server.call(Method::POST, "/v1/clustergroups", None, Some(dup.clone())).await;
    assert_error(status, &body, StatusCode::CONFLICT, "DuplicateName");
    let (status, _) = server.p(Method::POST, "/v1/clustergroups", Some(dup)).await;
    assert_eq!(status, StatusCode::CREATED, "the same name is free in a project");
    let (status, _) = server.call(Method::GET, "/v1/clustergroups/validate/name?name=cg-dev", None, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server.call(Method::GET, "/v1/clustergroups/validate/name?name=cg-free", None, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.call(Method::GET, "/v1/clustergroups/validate/name", None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Validation: enums, unknown or out-of-scope hosts, non-host clusters; nothing is created.
    for (spec, expected, code) in [
        (json!({ "clustersConfig": { "endpointType": "NodePort" } }), StatusCode::BAD_REQUEST, "BadRequest"),
        (json!({ "clustersConfig": { "kubernetesDistroType": "k0s" } }), StatusCode::BAD_REQUEST, "BadRequest"),
        (json!({ "type": "virtual" }), StatusCode::BAD_REQUEST, "BadRequest"),
        (json!({ "clusterRefs": [{ "clusterUid": "aaaaaaaaaaaaaaaaaaaaaaaa" }] }), StatusCode::NOT_FOUND, "ResourceNotFound"),
        (json!({ "clusterRefs": "nope" }), StatusCode::BAD_REQUEST, "BadRequest"),
    ] {
        let (status, body) =
            server.call(Method::POST, "/v1/clustergroups", None, Some(json!({ "metadata": { "name": "bad" }, "spec": spec }))).await;
        assert_error(status, &body, expected, code);
    }
    let host3 = server.host("host-3", Some(&server.other_project)).await;
    let cross = json!({ "metadata": { "name": "cross" }, "spec": { "clusterRefs": [{ "clusterUid": host3 }] } });
    let (status, body) = server.p(Method::POST, "/v1/clustergroups", Some(cross)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let disable = json!({ "hostClusterConfig": { "isHostCluster": false } });
    let (status, _) = server
        .call(Method::PATCH, &format!("/v1/spectroclusters/{host3}/clusterConfig/hostCluster"), Some(&server.other_project), Some(disable))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let not_host = json!({ "metadata": { "name": "nh" }, "spec": { "clusterRefs": [{ "clusterUid": host3 }] } });
    let (status, body) = server.call(Method::POST, "/v1/clustergroups", None, Some(not_host)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "InvalidHostCluster");
    // A host cluster in a group cannot stop hosting.
    let (status, body) = server
        .call(
            Method::PATCH,
            &format!("/v1/spectroclusters/{host1}/clusterConfig/hostCluster"),
            None,
            Some(json!({ "hostClusterConfig": { "isHostCluster": false } })),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "ResourceInUse");

    // Updates.
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("/v1/clustergroups/{group}/meta"),
            None,
            Some(json!({ "name": "cg-dev", "labels": { "team": "a" }, "annotations": { "description": "dev group" } })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let update = json!({ "clusterRefs": [{ "clusterUid": host1 }],
        "clustersConfig": { "endpointType": "LoadBalancer", "limitConfig": { "cpuMilliCore": 4000 }, "values": "sync: {}" } });
    let (status, _) = server.call(Method::PUT, &format!("/v1/clustergroups/{group}/hostCluster"), None, Some(update)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = server.call(Method::GET, &format!("/v1/clustergroups/{group}"), None, None).await;
    assert_eq!(body["metadata"]["labels"]["team"], "a");
    assert_eq!(body["metadata"]["annotations"]["description"], "dev group");
    assert_eq!(body["metadata"]["annotations"]["scope"], "tenant");
    assert_eq!(body["spec"]["clusterRefs"].as_array().unwrap().len(), 1);
    assert_eq!(body["spec"]["clustersConfig"]["endpointType"], "LoadBalancer");
    assert_eq!(body["spec"]["clustersConfig"]["values"], "sync: {}");

    // Lookups: tenant sees its group; the project sees its own and the tenant's.
    let (_, body) = server.call(Method::GET, "/v1/clustergroups/hostCluster/metadata", None, None).await;
    assert_eq!(body["items"], json!([{ "uid": group, "name": "cg-dev", "scope": "tenant" }]));
    let (_, body) = server.p(Method::GET, "/v1/clustergroups/hostCluster", None).await;
    let summaries = body["summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 2);
    let tenant_group = summaries.iter().find(|s| s["metadata"]["uid"] == group.as_str()).unwrap();
    assert_eq!(tenant_group["spec"]["scope"], "tenant");
    assert_eq!(tenant_group["spec"]["hostClustersCount"], 1);
    assert_eq!(tenant_group["spec"]["hostClusters"][0]["name"], "host-1");
    let (status, body) =
        server.call(Method::POST, &format!("/v1/dashboard/clustergroups/{group}/hostClusters"), None, Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"][0]["metadata"]["name"], "host-1");
    assert_eq!(body["listmeta"]["count"], 1);
    let (_, body) = server.call(Method::GET, "/v1/clustergroups/developerCredit/usage/tenant", None, None).await;
    assert_eq!(body["allocatedCredit"]["virtualClustersLimit"], 2);
    let (status, _) = server.call(Method::GET, "/v1/clustergroups/developerCredit/usage/galaxy", None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Delete: refused while a virtual cluster uses the group, then gone.
    let cluster = server.virtual_cluster("vc-1", &group, 1).await;
    let (status, body) = server.call(Method::DELETE, &format!("/v1/clustergroups/{group}"), None, None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "ResourceInUse");
    assert!(body["message"].as_str().unwrap().contains("vc-1"));
    let (status, body) = server
        .call(
            Method::PUT,
            &format!("/v1/clustergroups/{group}/hostCluster"),
            None,
            Some(json!({ "clusterRefs": [{ "clusterUid": host2 }] })),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "ResourceInUse");
    let (status, _) = server.p(Method::DELETE, &format!("/v1/spectroclusters/{cluster}?forceDelete=true"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.call(Method::DELETE, &format!("/v1/clustergroups/{group}"), None, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = server.call(Method::GET, &format!("/v1/clustergroups/{group}"), None, None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
}

#[tokio::test]
async fn virtual_cluster_provisions_over_the_clock_and_serves_kubeconfigs() {
    let server = Server::in_process(&QUICK).await;
    let (host1, host2) = server.hosts().await;
    let group = server.group("cg", &[&host1, &host2], json!({})).await;
    let created = server
        .reply(Method::POST, "/v1/spectroclusters/virtual", Some(&server.project), Some(virtual_body("vc-1", &group, "", 4)))
        .await
        .ok(201);
    assert!(created.header("AuditUid").is_some_and(common::is_uid));
    let uid = created.uid();

    let cluster = server.cluster(&uid).await;
    assert_eq!(cluster["status"]["state"], "Pending");
    assert_eq!(cluster["spec"]["cloudType"], "nested");
    assert_eq!(cluster["metadata"]["annotations"]["scope"], "project");
    assert_eq!(cluster["metadata"]["annotations"]["description"], "test");
    assert_eq!(cluster["metadata"]["annotations"]["spectroComponentsUpgradeForbidden"], "false");
    assert_eq!(cluster["spec"]["clusterConfig"]["hostClusterConfig"]["clusterGroup"]["uid"], group.as_str());
    assert_eq!(cluster["spec"]["clusterConfig"]["hostClusterConfig"]["hostCluster"]["uid"], host1.as_str(), "most free CPU");
    assert_eq!(cluster["status"]["virtual"]["lifecycleStatus"]["status"], "Running");
    assert_eq!(cluster["status"]["spcApply"]["canBeApplied"], true);
    let (status, body) = server.p(Method::GET, &format!("/v1/spectroclusters/{uid}/assets/kubeconfigclient"), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let (_, overview) = server.p(Method::GET, &format!("/v1/dashboard/spectroclusters/{uid}/overview"), None).await;
    assert_ne!(overview["status"]["health"]["state"], "Healthy");

    server.advance(3.0).await;
    assert_eq!(server.state(&uid).await, "Provisioning");
    let (_, status) = server.p(Method::GET, &format!("/v1/spectroclusters/{uid}/status"), None).await;
    assert_eq!(status, json!({ "status": { "state": "Provisioning" } }));
    server.advance(7.0).await;
    assert_eq!(server.state(&uid).await, "Running");
    for path in [format!("/v1/dashboard/spectroclusters/{uid}/overview"), format!("/v1/dashboard/spectroclusters/{uid}")] {
        let (status, overview) = server.p(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(overview["status"]["health"]["state"], "Healthy");
        assert_eq!(overview["status"]["kubeMeta"]["hasKubeConfig"], true);
    }

    // Kubeconfigs: octet-stream YAML for the cluster's endpoint with per-cluster tokens.
    let mut tokens = Vec::new();
    for (asset, file) in [
        ("kubeconfigclient", "vc-1.kubeconfig"),
        ("adminKubeconfig", "admin.vc-1.kubeconfig"),
        ("kubeconfig?frp=true", "admin.vc-1.kubeconfig"),
    ] {
        let reply =
            server.reply(Method::GET, &format!("/v1/spectroclusters/{uid}/assets/{asset}"), Some(&server.project), None).await.ok(200);
        assert_eq!(reply.header("content-type"), Some("application/octet-stream"));
        assert!(reply.header("content-disposition").unwrap().contains(file));
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&reply.text).unwrap();
        let server_url = yaml["clusters"][0]["cluster"]["server"].as_str().unwrap().to_string();
        assert!(server_url.starts_with("https://vc-1-") && server_url.ends_with(".dev.example.com:443"), "{server_url}");
        assert!(yaml["clusters"][0]["cluster"]["certificate-authority-data"].as_str().unwrap().len() > 100);
        tokens.push(yaml["users"][0]["user"]["token"].as_str().unwrap().to_string());
    }
    assert_ne!(tokens[0], tokens[1]);
    assert_eq!(tokens[1], tokens[2]);
    let cluster = server.cluster(&uid).await;
    assert_eq!(cluster["status"]["apiEndpoints"][0]["port"], 443);

    // The cloud config shows the quota; the host cluster lists its virtual cluster.
    let config = cluster["spec"]["cloudConfigRef"]["uid"].as_str().unwrap();
    let (status, body) = server.p(Method::GET, &format!("/v1/cloudconfigs/virtual/{config}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["spec"]["machinePoolConfig"][0]["instanceType"]["maxCPU"], 4);
    assert_eq!(body["spec"]["clusterConfig"]["kubernetesVersion"], "1.30.4");
    assert_eq!(body["spec"]["hostClusterUid"], host1.as_str());
    let (_, host) = server.call(Method::GET, &format!("/v1/spectroclusters/{host1}"), None, None).await;
    assert_eq!(host["status"]["virtual"]["virtualClusters"][0]["uid"], uid.as_str());
    assert_eq!(host["spec"]["clusterConfig"]["hostClusterConfig"]["clusterGroup"]["uid"], group.as_str());

    // Scope: invisible from the tenant and from another project.
    for project in [None, Some(server.other_project.clone())] {
        let (status, body) = server.call(Method::GET, &format!("/v1/spectroclusters/{uid}"), project.as_deref(), None).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
        let (status, _) = server.call(Method::GET, &format!("/v1/cloudconfigs/virtual/{config}"), project.as_deref(), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = server.p(Method::GET, "/v1/spectroclusters/not-a-uid", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Names: DNS labels, unique per project.
    let (status, body) = server.create_virtual(virtual_body("vc-1", &group, "", 1)).await;
    assert_error(status, &body, StatusCode::CONFLICT, "DuplicateName");
    let (status, _) = server.p(Method::GET, "/v1/spectroclusters/validate/name?name=vc-1", None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server.p(Method::GET, "/v1/spectroclusters/validate/name?name=VC_2", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server.p(Method::GET, "/v1/spectroclusters/validate/name?name=vc-2", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = server.create_virtual(virtual_body("Bad_Name", &group, "", 1)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "BadRequest");
    let (status, _) = server
        .call(Method::POST, "/v1/spectroclusters/virtual", Some(&server.other_project), Some(virtual_body("vc-1", &group, "", 1)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "the name is free in another project");

    // Placement errors.
    let (status, body) = server.create_virtual(virtual_body("vc-x", "", "", 1)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "BadRequest");
    let (status, body) = server.create_virtual(virtual_body("vc-x", "bbbbbbbbbbbbbbbbbbbbbbbb", "", 1)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let lonely = server.group("lonely", &[&host2], json!({})).await;
    let (status, body) = server.create_virtual(virtual_body("vc-x", &lonely, &host1, 1)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "BadRequest");
    assert!(body["message"].as_str().unwrap().contains("not a member"), "{body}");
    let (status, body) = server.create_virtual(json!({ "metadata": { "name": "vc-x" }, "spec": {} })).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "BadRequest");
    let host_only = server.create_virtual(virtual_body("vc-host", "", &host2, 1)).await;
    assert_eq!(host_only.0, StatusCode::CREATED, "{}", host_only.1);
    let (status, body) = server.p(Method::GET, "/v1/spectroclusters/virtual/packs/values?kubernetesDistroType=k3s", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["packs"][0]["distroType"], "k3s");
    let (status, _) = server.p(Method::GET, "/v1/spectroclusters/virtual/packs/values?kubernetesDistroType=k0s", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pause_resume_and_delete_follow_the_clock() {
    let server = Server::in_process(&QUICK).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({})).await;
    let uid = server.virtual_cluster("vc-1", &group, 2).await;
    let lifecycle = |pause: bool| json!({ "lifecycleConfig": { "pause": pause } });
    let power = |cluster: Value| cluster["status"]["virtual"]["lifecycleStatus"]["status"].as_str().unwrap().to_string();
    let path_of = |suffix: &str| format!("/v1/spectroclusters/{uid}{suffix}");

    // A pause asked for while provisioning starts once the cluster runs.
    assert_eq!(server.p(Method::PATCH, &path_of("/clusterConfig/lifecycleConfig"), Some(lifecycle(true))).await.0, StatusCode::NO_CONTENT);
    let cluster = server.cluster(&uid).await;
    assert_eq!(
        (power(cluster.clone()), cluster["spec"]["clusterConfig"]["lifecycleConfig"]["pause"].clone()),
        ("Pausing".into(), json!(true))
    );
    server.advance(11.0).await;
    assert_eq!(power(server.cluster(&uid).await), "Pausing");
    server.advance(1.0).await;
    assert_eq!(power(server.cluster(&uid).await), "Paused");
    assert_eq!(server.state(&uid).await, "Running", "status.state stays Running while paused");
    assert_eq!(server.p(Method::PATCH, &path_of("/clusterConfig/lifecycleConfig"), Some(lifecycle(true))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(power(server.cluster(&uid).await), "Paused", "pausing again changes nothing");
    assert_eq!(server.p(Method::PATCH, &path_of("/clusterConfig/lifecycleConfig"), Some(lifecycle(false))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(power(server.cluster(&uid).await), "Resuming");
    server.advance(2.0).await;
    assert_eq!(power(server.cluster(&uid).await), "Running");
    let (status, _) = server.p(Method::PATCH, &path_of("/clusterConfig/lifecycleConfig"), Some(json!({ "pause": true }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the body needs lifecycleConfig");

    // Delete: Deleting, then 404; changes are refused meanwhile; a second delete is fine.
    assert_eq!(server.p(Method::DELETE, &path_of(""), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(server.state(&uid).await, "Deleting");
    let (status, body) = server.p(Method::PATCH, &path_of("/clusterConfig/lifecycleConfig"), Some(lifecycle(true))).await;
    assert_error(status, &body, StatusCode::CONFLICT, "ClusterDeleting");
    assert_eq!(server.p(Method::DELETE, &path_of(""), None).await.0, StatusCode::NO_CONTENT);
    server.advance(4.0).await;
    let (status, body) = server.p(Method::GET, &path_of(""), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let (status, _) = server.p(Method::DELETE, &path_of(""), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // forceDelete while deleting finishes at once.
    let second = server.virtual_cluster("vc-2", &group, 2).await;
    assert_eq!(server.p(Method::DELETE, &format!("/v1/spectroclusters/{second}"), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(server.p(Method::DELETE, &format!("/v1/spectroclusters/{second}?forceDelete=true"), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(server.p(Method::GET, &format!("/v1/spectroclusters/{second}"), None).await.0, StatusCode::NOT_FOUND);
    let (_, host) = server.call(Method::GET, &format!("/v1/spectroclusters/{host1}"), None, None).await;
    assert_eq!(host["status"]["virtual"]["virtualClusters"], json!([]));
}

/// Whether the database file at `dir` still holds the row of cluster `uid`.
fn cluster_row_exists(dir: &Path, uid: &str) -> bool {
    let db = rusqlite::Connection::open_with_flags(dir.join("palette.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let count: i64 =
        db.query_row("SELECT count(*) FROM objects WHERE kind = 'spectrocluster' AND uid = ?1", [uid], |row| row.get(0)).unwrap();
    count == 1
}

#[tokio::test]
async fn finished_deletions_are_absent_to_reads_and_removed_by_the_next_write() {
    let (_dir, path) = temp();
    let server = Server::in_process_on(&path, &Timings { provision: 0, delete: 1, pause: 0 }).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({})).await;
    let uid = server.virtual_cluster("vc-1", &group, 2).await;
    assert_eq!(server.p(Method::DELETE, &format!("/v1/spectroclusters/{uid}"), None).await.0, StatusCode::NO_CONTENT);
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;

    // Reads see nothing and change nothing.
    let (status, body) = server.p(Method::GET, &format!("/v1/spectroclusters/{uid}"), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let (status, body) = server.p(Method::GET, &format!("/v1/spectroclusters/{uid}/assets/kubeconfig"), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    let (_, host) = server.call(Method::GET, &format!("/v1/spectroclusters/{host1}"), None, None).await;
    assert_eq!(host["status"]["virtual"]["virtualClusters"], json!([]));
    assert!(cluster_row_exists(&path, &uid), "a GET removed the row of the finished deletion");

    // The next write removes it: its name is free again and its row is gone.
    let (_, search) = server.p(Method::POST, "/v1/dashboard/spectroclusters/search", Some(json!({}))).await;
    assert!(search["items"].as_array().unwrap().iter().all(|item| item["metadata"]["uid"] != uid.as_str()), "{search}");
    assert!(!cluster_row_exists(&path, &uid), "the finished deletion was removed before the POST");
    let again = server.virtual_cluster("vc-1", &group, 2).await;
    assert_ne!(again, uid);
}

#[tokio::test]
async fn quotas_bind_creates_and_resizes() {
    let server = Server::in_process(&QUICK).await;
    let (host1, host2) = server.hosts().await;
    // 5000 millicores at 120% = 6 CPU in the group; host-2 has 8 CPU.
    let group = server.group("cg", &[&host2], json!({ "cpuMilliCore": 5000, "overSubscription": 120 })).await;
    let first = server.virtual_cluster("vc-1", &group, 4).await;
    let (status, body) = server.create_virtual(virtual_body("vc-2", &group, "", 4)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "QuotaExceeded");
    assert_eq!(body["message"], "insufficient cpu in cluster group 'cg': requested 4 CPU, but only 2 CPU of 6 CPU are available");
    assert_eq!(body["details"]["resource"], "cpu");
    let (_, search) = server.p(Method::POST, "/v1/dashboard/spectroclusters/search", Some(json!({}))).await;
    assert_eq!(search["listmeta"]["count"], 2, "the failed create left nothing behind (host-2 and vc-1)");
    // The validator reports the same problem in the machine pool results.
    let (status, body) = server.p(Method::POST, "/v1/spectroclusters/virtual/validate", Some(virtual_body("vc-2", &group, "", 4))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["machinePools"]["results"][0]["errors"][0]["code"], "QuotaExceeded");
    let (_, body) = server.p(Method::POST, "/v1/spectroclusters/virtual/validate", Some(virtual_body("vc-2", &group, "", 2))).await;
    assert_eq!(body["machinePools"]["results"][0]["errors"], json!([]));

    // Resize within and beyond the group's limit.
    let config = server.cluster(&first).await["spec"]["cloudConfigRef"]["uid"].as_str().unwrap().to_string();
    let resize = |cpu: i64| json!({ "instanceType": { "maxCPU": cpu, "maxMemInMiB": 2048, "maxStorageGiB": 10 } });
    assert_eq!(
        server.p(Method::PUT, &format!("/v1/cloudconfigs/virtual/{config}/resize"), Some(resize(6))).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body) = server.p(Method::PUT, &format!("/v1/cloudconfigs/virtual/{config}/resize"), Some(resize(7))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "QuotaExceeded");
    let (status, _) = server
        .p(Method::PUT, &format!("/v1/cloudconfigs/virtual/{config}/resize"), Some(json!({ "instanceType": { "maxCPU": 1, "minCPU": 2 } })))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server.p(Method::PUT, &format!("/v1/cloudconfigs/virtual/{config}/resize"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, body) = server.p(Method::GET, &format!("/v1/cloudconfigs/virtual/{config}"), None).await;
    assert_eq!(body["spec"]["machinePoolConfig"][0]["instanceType"]["maxCPU"], 6);
    // Shrinking the group's limits below what is used is refused.
    let (status, body) = server
        .call(
            Method::PUT,
            &format!("/v1/clustergroups/{group}/hostCluster"),
            None,
            Some(json!({ "clusterRefs": [{ "clusterUid": host2 }], "clustersConfig": { "limitConfig": { "cpuMilliCore": 2000 } } })),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "QuotaExceeded");

    // The host cluster's own capacity binds placements by host (host-1 has 16 CPU).
    let big = server.create_virtual(virtual_body("vc-big", "", &host1, 12)).await;
    assert_eq!(big.0, StatusCode::CREATED, "{}", big.1);
    let (status, body) = server.create_virtual(virtual_body("vc-big-2", "", &host1, 5)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "QuotaExceeded");
    assert!(body["message"].as_str().unwrap().contains("host cluster 'host-1'"), "{body}");
    // Namespaces cannot exceed their cluster's quota.
    let namespaces = json!({ "namespaces": [{ "metadata": { "name": "team-a" }, "spec": { "resourceAllocation": { "cpuCores": 7, "memoryMiB": 100 } } }] });
    let (status, body) = server.p(Method::PUT, &format!("/v1/spectroclusters/{first}/config/namespaces"), Some(namespaces)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "QuotaExceeded");
}

#[tokio::test]
async fn provisioning_continues_across_a_restart() {
    let (_dir, path) = temp();
    let slow = Timings { provision: 60, delete: 3, pause: 2 };
    let uid = {
        let server = Server::start(&path, &slow).await;
        let (host1, _) = server.hosts().await;
        let group = server.group("cg", &[&host1], json!({})).await;
        let uid = server.virtual_cluster("vc-1", &group, 2).await;
        server.advance(30.0).await;
        assert_eq!(server.state(&uid).await, "Provisioning");
        uid
    };
    let server = Server::start(&path, &slow).await;
    assert_eq!(server.state(&uid).await, "Provisioning", "the clock offset and the transition survived");
    server.advance(30.0).await;
    assert_eq!(server.state(&uid).await, "Running");
    let (_, search) = server.p(Method::POST, "/v1/dashboard/spectroclusters/search", Some(json!({}))).await;
    let names: Vec<&str> = search["items"].as_array().unwrap().iter().map(|i| i["metadata"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["host-2", "vc-1"]);
}

#[tokio::test]
async fn attached_profiles_variables_and_apply_status() {
    let server = Server::in_process(&QUICK).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({})).await;
    let variables = json!([{ "name": "replicas", "format": "number", "defaultValue": "1" }, { "name": "secret", "isSensitive": true }]);
    let web_v1 = server.profile("web", "1.0.0", &["nginx"], variables.clone()).await;
    let web_v2 = server.profile("web", "2.0.0", &["nginx"], variables).await;
    let cache = server.profile("cache", "1.0.0", &["redis"], json!([])).await;
    let overlap = server.profile("overlap", "1.0.0", &["nginx"], json!([])).await;

    let mut body = virtual_body("vc-1", &group, "", 2);
    body["spec"]["profiles"] = json!([{ "uid": web_v1, "packValues": [{ "name": "nginx", "values": "replicas: 3" }],
                                        "variables": [{ "name": "replicas", "value": "3" }, { "name": "secret", "value": "s3cr3t" }] }]);
    let (status, created) = server.create_virtual(body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uid = created["uid"].as_str().unwrap().to_string();
    let profiles_path = format!("/v1/spectroclusters/{uid}/profiles");
    server.advance(10.0).await;

    let cluster = server.cluster(&uid).await;
    assert_eq!(cluster["spec"]["clusterProfileTemplates"][0]["uid"], web_v1.as_str());
    assert_eq!(cluster["spec"]["clusterProfileTemplates"][0]["packs"][0]["values"], "replicas: 3");
    assert_eq!(cluster["status"]["packs"][0]["profileUid"], web_v1.as_str());
    let (_, attached) = server.p(Method::GET, &profiles_path, None).await;
    assert_eq!(attached["profiles"][0]["metadata"]["uid"], web_v1.as_str());
    assert_eq!(attached["profiles"][0]["spec"]["relatedObject"]["uid"], uid.as_str());
    let (_, vars) = server.p(Method::GET, &format!("/v1/spectroclusters/{uid}/variables"), None).await;
    assert_eq!(vars[0]["profileUid"], web_v1.as_str());
    assert_eq!(vars[0]["variables"][0]["value"], "3");
    assert_ne!(vars[0]["variables"][1]["value"], "s3cr3t", "sensitive values are masked");

    // A profile in use cannot be deleted.
    let (status, body) = server.p(Method::DELETE, &format!("/v1/clusterprofiles/{web_v1}"), None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "ResourceInUse");

    // Upgrade to v2 with replaceWithProfile: apply pending, then applicable after the delay.
    let patch = json!({ "profiles": [{ "uid": web_v2, "replaceWithProfile": web_v1 }], "spcApplySettings": { "actionType": "DownloadAndInstall" } });
    assert_eq!(server.p(Method::PATCH, &format!("{profiles_path}?resolveNotification=true"), Some(patch)).await.0, StatusCode::NO_CONTENT);
    let cluster = server.cluster(&uid).await;
    assert_eq!(cluster["status"]["spcApply"]["canBeApplied"], false);
    assert_eq!(cluster["spec"]["clusterProfileTemplates"][0]["uid"], web_v2.as_str());
    assert_eq!(cluster["spec"]["clusterProfileTemplates"].as_array().unwrap().len(), 1);
    server.advance(2.0).await;
    assert_eq!(server.cluster(&uid).await["status"]["spcApply"]["canBeApplied"], true);
    assert_eq!(server.p(Method::DELETE, &format!("/v1/clusterprofiles/{web_v1}"), None).await.0, StatusCode::NO_CONTENT, "released");

    // Overlapping packs are refused; another add-on is fine; PUT replaces the set.
    let (status, body) = server.p(Method::PATCH, &profiles_path, Some(json!({ "profiles": [{ "uid": overlap }] }))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "DuplicateClusterPacksForbidden");
    assert_eq!(server.p(Method::PATCH, &profiles_path, Some(json!({ "profiles": [{ "uid": cache }] }))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(server.cluster(&uid).await["spec"]["clusterProfileTemplates"].as_array().unwrap().len(), 2);
    let (status, _) = server.p(Method::PATCH, &profiles_path, Some(json!({ "profiles": [{ "uid": "cccccccccccccccccccccccc" }] }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.p(Method::PUT, &profiles_path, Some(json!({ "spcApplySettings": {} }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "profiles is required");

    // Variables: only attached profiles' defined variables, well-formed.
    let vars_path = format!("/v1/spectroclusters/{uid}/variables");
    let set = |value: &str| json!([{ "profileUid": web_v2, "variables": [{ "name": "replicas", "value": value }] }]);
    assert_eq!(server.p(Method::PATCH, &vars_path, Some(set("5"))).await.0, StatusCode::NO_CONTENT);
    let (_, vars) = server.p(Method::GET, &vars_path, None).await;
    assert_eq!(vars[0]["variables"][0]["value"], "5");
    assert_eq!(server.p(Method::PATCH, &vars_path, Some(set("five"))).await.0, StatusCode::BAD_REQUEST);
    let unknown = json!([{ "profileUid": web_v2, "variables": [{ "name": "nope", "value": "1" }] }]);
    assert_eq!(server.p(Method::PATCH, &vars_path, Some(unknown)).await.0, StatusCode::BAD_REQUEST);
    let detached = json!([{ "profileUid": overlap, "variables": [] }]);
    assert_eq!(server.p(Method::PATCH, &vars_path, Some(detached)).await.0, StatusCode::BAD_REQUEST);

    // Detach.
    assert_eq!(server.p(Method::DELETE, &profiles_path, Some(json!({ "profileUids": [cache] }))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(server.cluster(&uid).await["spec"]["clusterProfileTemplates"].as_array().unwrap().len(), 1);

    // Cluster groups take profiles too, and they count as uses.
    let (status, _) = server
        .call(Method::PUT, &format!("/v1/clustergroups/{group}/profiles"), None, Some(json!({ "profiles": [{ "uid": cache }] })))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a project profile is not usable by a tenant group");
    let tenant_profile = {
        let body = json!({ "metadata": { "name": "tenant-addon" }, "spec": { "template": { "type": "add-on", "packs": [{ "name": "redis", "tag": "7.0.0", "type": "spectro", "layer": "addon" }] } } });
        server.call(Method::POST, "/v1/clusterprofiles?publish=true", None, Some(body)).await.1["uid"].as_str().unwrap().to_string()
    };
    assert_eq!(
        server
            .call(
                Method::PUT,
                &format!("/v1/clustergroups/{group}/profiles"),
                None,
                Some(json!({ "profiles": [{ "uid": tenant_profile }] }))
            )
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (_, group_profiles) = server.call(Method::GET, &format!("/v1/clustergroups/{group}/profiles"), None, None).await;
    assert_eq!(group_profiles["profiles"][0]["metadata"]["uid"], tenant_profile.as_str());
    assert_eq!(server.call(Method::DELETE, &format!("/v1/clusterprofiles/{tenant_profile}"), None, None).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn day_two_settings_round_trip() {
    let server = Server::in_process(&Timings { provision: 0, delete: 0, pause: 0 }).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({})).await;
    let mut body = virtual_body("vc-1", &group, "", 4);
    body["spec"]["clusterConfig"]["timezone"] = json!("America/New_York");
    body["spec"]["policies"] = json!({ "scanPolicy": { "kubeBench": { "schedule": { "scheduledRunTime": "0 0 * * *" } } } });
    let (status, created) = server.create_virtual(body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uid = created["uid"].as_str().unwrap().to_string();
    let at = |suffix: &str| format!("/v1/spectroclusters/{uid}{suffix}");

    // Metadata: labels and annotations change, the upgrade lock survives.
    assert_eq!(
        server.p(Method::POST, &at("/upgrade/settings"), Some(json!({ "spectroComponents": "lock" }))).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.p(Method::POST, &at("/upgrade/settings"), Some(json!({ "spectroComponents": "maybe" }))).await.0,
        StatusCode::BAD_REQUEST
    );
    let meta = json!({ "metadata": { "name": "vc-1", "labels": { "team": "b" }, "annotations": { "description": "new" } } });
    assert_eq!(server.p(Method::PATCH, &at("/metadata"), Some(meta)).await.0, StatusCode::NO_CONTENT);
    let cluster = server.cluster(&uid).await;
    assert_eq!(cluster["metadata"]["labels"], json!({ "team": "b" }));
    assert_eq!(cluster["metadata"]["annotations"]["description"], "new");
    assert_eq!(cluster["metadata"]["annotations"]["spectroComponentsUpgradeForbidden"], "true");
    assert_eq!(cluster["metadata"]["annotations"]["scope"], "project");
    assert_eq!(cluster["spec"]["clusterConfig"]["timezone"], "America/New_York");

    // Timezone, OS patching, location, certificates.
    assert_eq!(server.p(Method::PATCH, &at("/clusterConfig/timezone"), Some(json!({ "timezone": "UTC" }))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        server.p(Method::PATCH, &at("/clusterConfig/timezone"), Some(json!({ "timezone": "Mars Base" }))).await.0,
        StatusCode::BAD_REQUEST
    );
    let patch = json!({ "osPatchConfig": { "schedule": "0 2 * * 0", "patchOnBoot": true, "onDemandPatchAfter": "2030-01-01T00:00:00Z" } });
    assert_eq!(server.p(Method::PATCH, &at("/clusterConfig/osPatch"), Some(patch)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        server.p(Method::PATCH, &at("/clusterConfig/osPatch"), Some(json!({ "osPatchConfig": { "schedule": "often" } }))).await.0,
        StatusCode::BAD_REQUEST
    );
    let location =
        json!({ "location": { "countryCode": "US", "regionName": "Oregon", "geoLoc": { "latitude": 45.5, "longitude": -122.6 } } });
    assert_eq!(server.p(Method::PUT, &at("/location"), Some(location)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        server.p(Method::PUT, &at("/location"), Some(json!({ "location": { "geoLoc": { "latitude": 91 } } }))).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(server.p(Method::PATCH, &at("/k8certificates/renew"), None).await.0, StatusCode::NO_CONTENT);
    let cluster = server.cluster(&uid).await;
    assert_eq!(cluster["spec"]["clusterConfig"]["timezone"], "UTC");
    assert_eq!(cluster["spec"]["clusterConfig"]["machineManagementConfig"]["osPatchConfig"]["patchOnBoot"], true);
    assert_eq!(cluster["status"]["location"]["regionName"], "Oregon");

    // Namespaces and RBAC bindings.
    let namespaces = json!({ "namespaces": [{ "metadata": { "name": "team-a" }, "spec": { "isRegex": false,
        "resourceAllocation": { "cpuCores": 2, "memoryMiB": 1024, "gpuConfig": { "limit": 1, "provider": "nvidia" } } } }] });
    assert_eq!(server.p(Method::PUT, &at("/config/namespaces"), Some(namespaces)).await.0, StatusCode::NO_CONTENT);
    let (_, listed) = server.p(Method::GET, &at("/config/namespaces"), None).await;
    assert_eq!(listed["items"][0]["metadata"]["name"], "team-a");
    assert_eq!(listed["items"][0]["spec"]["resourceAllocation"]["cpuCores"], 2.0);
    assert_eq!(listed["items"][0]["spec"]["relatedObject"]["uid"], uid.as_str());
    let rbacs = json!({ "rbacs": [{ "metadata": { "name": "admins" }, "spec": { "bindings": [{ "type": "ClusterRoleBinding",
        "role": { "kind": "ClusterRole", "name": "cluster-admin" }, "subjects": [{ "type": "Group", "name": "admins" }] }] } }] });
    assert_eq!(server.p(Method::PUT, &at("/config/rbacs"), Some(rbacs)).await.0, StatusCode::NO_CONTENT);
    let (_, listed) = server.p(Method::GET, &at("/config/rbacs"), None).await;
    assert_eq!(listed["items"][0]["spec"]["bindings"][0]["subjects"][0]["name"], "admins");
    let bad = json!({ "rbacs": [{ "spec": { "bindings": [{ "type": "RoleBinding", "role": { "kind": "Role", "name": "r" } }] } }] });
    assert_eq!(server.p(Method::PUT, &at("/config/rbacs"), Some(bad)).await.0, StatusCode::BAD_REQUEST);
    let cluster = server.cluster(&uid).await;
    assert_eq!(
        cluster["spec"]["clusterConfig"]["clusterResources"]["namespaces"][0]["uid"],
        listed_uid(&server, &at("/config/namespaces")).await
    );

    // Backup: not configured until created; create twice is a conflict.
    let (status, body) = server.p(Method::GET, &at("/features/backup"), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "BackupNotConfigured");
    let backup = json!({ "backupLocationUid": "loc-1", "backupPrefix": "vc1", "durationInHours": 24, "includeAllDisks": true,
        "includeClusterResourceMode": "Always", "namespaces": ["team-a"], "schedule": { "scheduledRunTime": "0 1 * * *" } });
    assert_eq!(server.p(Method::PUT, &at("/features/backup"), Some(backup.clone())).await.0, StatusCode::NOT_FOUND);
    let (status, created) = server.p(Method::POST, &at("/features/backup"), Some(backup.clone())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["uid"].as_str().unwrap().len(), 24);
    let (status, body) = server.p(Method::POST, &at("/features/backup"), Some(backup.clone())).await;
    assert_error(status, &body, StatusCode::CONFLICT, "AlreadyConfigured");
    let mut changed = backup;
    changed["durationInHours"] = json!(48);
    assert_eq!(server.p(Method::PUT, &at("/features/backup"), Some(changed)).await.0, StatusCode::NO_CONTENT);
    let (_, body) = server.p(Method::GET, &at("/features/backup"), None).await;
    assert_eq!(body["spec"]["config"]["durationInHours"], 48);
    assert_eq!(body["spec"]["clusterUid"], uid.as_str());
    assert_eq!(server.p(Method::POST, &at("/features/backup"), Some(json!({ "backupPrefix": "x" }))).await.0, StatusCode::BAD_REQUEST);

    // Compliance scan: sent at create, then replaced.
    let (_, scan) = server.p(Method::GET, &at("/features/complianceScan"), None).await;
    assert_eq!(scan["spec"]["driverSpec"]["kube-bench"]["config"]["schedule"]["scheduledRunTime"], "0 0 * * *");
    let replaced = json!({ "kubeHunter": { "schedule": { "scheduledRunTime": "0 3 * * *" } } });
    assert_eq!(server.p(Method::PUT, &at("/features/complianceScan"), Some(replaced)).await.0, StatusCode::NO_CONTENT);
    let (_, scan) = server.p(Method::GET, &at("/features/complianceScan"), None).await;
    assert!(scan["spec"]["driverSpec"].get("kube-bench").is_none());
    assert_eq!(scan["spec"]["driverSpec"]["kube-hunter"]["isClusterConfig"], true);

    // Chart settings through the cloud config.
    let config = server.cluster(&uid).await["spec"]["cloudConfigRef"]["uid"].as_str().unwrap().to_string();
    let chart = json!({ "clusterConfig": { "helmRelease": { "chart": { "name": "vcluster", "repo": "https://charts.loft.sh", "version": "0.20.0" }, "values": "x: 1" }, "kubernetesVersion": "1.31.0" } });
    assert_eq!(
        server.p(Method::PUT, &format!("/v1/cloudconfigs/virtual/{config}/clusterConfig"), Some(chart)).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, body) = server.p(Method::GET, &format!("/v1/cloudconfigs/virtual/{config}"), None).await;
    assert_eq!(body["spec"]["clusterConfig"]["helmRelease"]["chart"]["name"], "vcluster");
    assert_eq!(body["spec"]["clusterConfig"]["kubernetesVersion"], "1.31.0");
    assert!(body["spec"]["clusterConfig"]["controlPlaneEndpoint"]["host"].as_str().unwrap().starts_with("vc-1-"), "endpoint kept");

    // Virtual-only endpoints refuse host clusters.
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/spectroclusters/{host1}/clusterConfig/lifecycleConfig"),
            None,
            Some(json!({ "lifecycleConfig": { "pause": true } })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn listed_uid(server: &Server, path: &str) -> Value {
    server.p(Method::GET, path, None).await.1["items"][0]["metadata"]["uid"].clone()
}

#[tokio::test]
async fn dashboards_search_filter_sort_and_page() {
    let server = Server::in_process(&Timings { provision: 0, delete: 0, pause: 0 }).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({})).await;
    for name in ["vc-c", "vc-a", "vc-b", "other"] {
        server.virtual_cluster(name, &group, 1).await;
    }
    let server = &server;
    let search = |limit: &str, body: Value| {
        let path = format!("/v1/dashboard/spectroclusters/search?limit={limit}");
        async move { server.p(Method::POST, &path, Some(body)).await }
    };
    let names = |body: &Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|i| i["metadata"]["name"].as_str().unwrap().to_string()).collect()
    };
    let begins = json!({ "filter": { "conjunction": "and", "filterGroups": [{ "conjunction": "and", "filters": [
        { "property": "environment", "type": "string", "condition": { "string": { "operator": "eq", "match": { "values": ["nested"] } } } },
        { "property": "clusterName", "type": "string", "condition": { "string": { "operator": "beginsWith", "match": { "values": ["vc-"] } } } }
    ] }] }, "sort": [{ "field": "clusterName", "order": "desc" }] });

    // Paging with continue tokens over a sorted, filtered search.
    let (status, first) = search("2", begins.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&first), ["vc-c", "vc-b"]);
    assert_eq!(first["listmeta"]["count"], 3);
    let token = first["listmeta"]["continue"].as_str().unwrap().to_string();
    let (_, second) =
        server.p(Method::POST, &format!("/v1/dashboard/spectroclusters/search?limit=2&continue={token}"), Some(begins.clone())).await;
    assert_eq!(names(&second), ["vc-a"]);
    assert_eq!(second["listmeta"]["continue"], "");
    let (_, all) = search("0", json!({})).await;
    assert_eq!(all["listmeta"]["count"], 5, "host-2 and four virtual clusters");
    assert_eq!(all["items"][4]["specSummary"]["projectMeta"]["name"], "Default");
    assert_eq!(all["items"][4]["status"]["health"]["state"], "Healthy");

    // The SDK's lookups by name: virtual, and non-virtual with negation.
    let by_name = |name: &str, negation: bool| {
        json!({ "filter": { "conjunction": "and", "filterGroups": [{ "conjunction": "and", "filters": [
        { "property": "environment", "type": "string", "condition": { "string": { "operator": "eq", "negation": negation, "match": { "conjunction": "or", "values": ["nested"] } } } },
        { "property": "isDeleted", "type": "bool", "condition": { "bool": { "value": false } } },
        { "property": "clusterName", "type": "string", "condition": { "string": { "operator": "eq", "match": { "conjunction": "or", "values": [name] } } } }
    ] }] } })
    };
    assert_eq!(names(&search("50", by_name("other", false)).await.1), ["other"]);
    assert!(names(&search("50", by_name("host-2", false)).await.1).is_empty());
    assert_eq!(names(&search("50", by_name("host-2", true)).await.1), ["host-2"]);
    let (_, tenant) = server.call(Method::POST, "/v1/dashboard/spectroclusters/search", None, Some(by_name("host-1", true))).await;
    assert_eq!(names(&tenant), ["host-1"]);
    let (status, body) =
        search("50", json!({ "filter": { "filterGroups": [{ "filters": [{ "property": "cpu", "condition": {} }] }] } })).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "BadRequest");
    let (status, _) = search("50", json!({ "sort": [{ "field": "cpu" }] })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Group dashboard of virtual clusters.
    let (_, members) =
        server.call(Method::POST, &format!("/v1/dashboard/clustergroups/{group}/virtualClusters?limit=3"), None, Some(json!({}))).await;
    assert_eq!(members["items"].as_array().unwrap().len(), 3);
    assert_eq!(members["listmeta"]["count"], 4);

    // Metadata lookups, `/meta` (a top-level array) and the schema.
    let (_, hosts) = server.p(Method::GET, "/v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters", None).await;
    assert_eq!(hosts["items"].as_array().unwrap().len(), 1);
    assert_eq!(hosts["items"][0]["name"], "host-2");
    let (_, every) = server.p(Method::GET, "/v1/dashboard/spectroclusters/metadata", None).await;
    assert_eq!(every["items"].as_array().unwrap().len(), 5);
    assert_eq!(server.p(Method::GET, "/v1/dashboard/spectroclusters/metadata?quickFilter=bogus", None).await.0, StatusCode::BAD_REQUEST);
    let lookup = |include_virtual: bool| {
        json!({ "filter": { "name": { "eq": "vc-a" }, "environment": "", "includeVirtual": include_virtual,
        "isImported": false, "isAlloy": false, "isImportReadOnly": true, "state": "" }, "sort": "name" })
    };
    assert!(server.p(Method::POST, "/v1/dashboard/spectroclusters/metadata", Some(lookup(false))).await.1["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(server.p(Method::POST, "/v1/dashboard/spectroclusters/metadata", Some(lookup(true))).await.1["items"][0]["name"], "vc-a");
    let (_, meta) = server.p(Method::GET, "/v1/dashboard/spectroclusters/meta", None).await;
    assert_eq!(meta.as_array().unwrap().len(), 5);
    assert_eq!(meta[1]["spec"]["cloudType"], "nested");
    assert_eq!(meta[1]["status"]["state"], "Running");
    let (_, schema) = server.p(Method::GET, "/v1/dashboard/spectroclusters/search/schema", None).await;
    assert!(schema["schema"]["properties"].as_array().unwrap().iter().any(|p| p["name"] == "clusterName"));
}

#[tokio::test]
async fn app_deployments_follow_their_cluster() {
    let server = Server::in_process(&QUICK).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({ "cpuMilliCore": 4000 })).await;
    let app = json!({ "metadata": { "name": "shop" }, "spec": { "version": "1.0.0", "template": { "appTiers": [
        { "name": "cfg", "type": "manifest", "sourceAppTierUid": "spectro-manifest-pack",
          "manifests": [{ "name": "cm", "content": "apiVersion: v1\nkind: ConfigMap\n" }] }] } } });
    let (status, created) = server.p(Method::POST, "/v1/appProfiles", Some(app)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let profile = created["uid"].as_str().unwrap().to_string();

    // Into a new cluster of the group: the limits are its quota and count against the group.
    let in_group = |name: &str, cluster: &str, cpu: i64| {
        json!({ "metadata": { "name": name }, "spec": {
        "config": { "targetSpec": { "clusterGroupUid": group, "clusterName": cluster, "clusterLimits": { "cpu": cpu, "memoryMiB": 2048, "storageGiB": 5 } } },
        "profile": { "appProfileUid": profile } } })
    };
    let (status, created) = server.p(Method::POST, "/v1/appDeployments/clusterGroup", Some(in_group("shop-dev", "vc-shop", 3))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let deployment = created["uid"].as_str().unwrap().to_string();
    let (status, body) = server.p(Method::POST, "/v1/appDeployments/clusterGroup", Some(in_group("shop-2", "vc-shop-2", 3))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "QuotaExceeded");
    let read = |uid: String| {
        let server = &server;
        async move { server.p(Method::GET, &format!("/v1/appDeployments/{uid}"), None).await }
    };
    let (status, body) = read(deployment.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"]["state"], "Pending");
    assert_eq!(body["spec"]["config"]["target"]["clusterRef"]["name"], "vc-shop");
    assert_eq!(body["spec"]["config"]["target"]["envRef"]["type"], "clusterGroup");
    assert_eq!(body["spec"]["config"]["target"]["envRef"]["uid"], group.as_str());
    assert_eq!(body["spec"]["profile"]["template"]["appTiers"][0]["metadata"]["name"], "cfg");
    assert_eq!(body["status"]["appTiers"][0]["condition"]["reason"], "Pending");
    let cluster = body["spec"]["config"]["target"]["clusterRef"]["uid"].as_str().unwrap().to_string();
    server.advance(11.0).await;
    assert_eq!(read(deployment.clone()).await.1["status"]["state"], "Deploying");
    server.advance(1.0).await;
    let (_, body) = read(deployment.clone()).await;
    assert_eq!(
        (body["status"]["state"].as_str(), body["status"]["lifecycleStatus"]["status"].as_str()),
        (Some("Deployed"), Some("Running"))
    );
    assert_eq!(server.cluster(&cluster).await["status"]["virtual"]["appDeployments"][0]["uid"], deployment.as_str());

    // Into an existing cluster; names are unique; the profile is in use meanwhile.
    let into = |name: &str| {
        json!({ "metadata": { "name": name }, "spec": { "config": { "targetSpec": { "clusterUid": cluster } },
                                   "profile": { "appProfileUid": profile } } })
    };
    let (status, second) = server.p(Method::POST, "/v1/appDeployments", Some(into("shop-extra"))).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let (status, body) = server.p(Method::POST, "/v1/appDeployments", Some(into("shop-extra"))).await;
    assert_error(status, &body, StatusCode::CONFLICT, "DuplicateName");
    let (status, body) = server.p(Method::DELETE, &format!("/v1/appProfiles/{profile}"), None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "ResourceInUse");
    let (status, _) = server.call(Method::GET, &format!("/v1/appDeployments/{deployment}"), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "project scoped");

    // Deleting the deployment that made the cluster deletes the cluster too; the
    // other deployment in it goes with it.
    assert_eq!(server.p(Method::DELETE, &format!("/v1/appDeployments/{deployment}"), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(read(deployment.clone()).await.1["status"]["state"], "Deleting");
    assert_eq!(server.state(&cluster).await, "Deleting");
    server.advance(4.0).await;
    assert_eq!(read(deployment).await.0, StatusCode::NOT_FOUND);
    let (status, body) = read(second["uid"].as_str().unwrap().to_string()).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "ResourceNotFound");
    assert_eq!(server.p(Method::DELETE, &format!("/v1/appProfiles/{profile}"), None).await.0, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn app_deployments_roll_out_tiers_change_versions_fail_on_demand_and_are_found_by_name() {
    let server = Server::in_process(&QUICK).await;
    let (host1, _) = server.hosts().await;
    let group = server.group("cg", &[&host1], json!({})).await;
    let cluster = server.virtual_cluster("vc-apps", &group, 2).await;
    server.advance(10.0).await;
    let tier = |name: &str, order: i64| {
        json!({ "name": name, "type": "manifest", "installOrder": order, "sourceAppTierUid": "spectro-manifest-pack",
                "manifests": [{ "name": name, "content": "apiVersion: v1\nkind: ConfigMap\n" }] })
    };
    let app = json!({ "metadata": { "name": "shop" }, "spec": { "version": "1.0.0", "template": { "appTiers": [tier("web", 20), tier("db", 10)] } } });
    let (status, created) = server.p(Method::POST, "/v1/appProfiles", Some(app)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let v1 = created["uid"].as_str().unwrap().to_string();
    let (status, created) = server.p(Method::POST, &format!("/v1/appProfiles/{v1}/clone"), Some(json!({ "metadata": { "name": "shop", "version": "2.0.0" } }))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let v2 = created["uid"].as_str().unwrap().to_string();
    let into = |name: &str, profile: &str| {
        json!({ "metadata": { "name": name, "labels": { "team": "a" } },
                "spec": { "config": { "targetSpec": { "clusterUid": cluster } }, "profile": { "appProfileUid": profile } } })
    };
    let (status, created) = server.p(Method::POST, "/v1/appDeployments", Some(into("shop", &v1))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uid = created["uid"].as_str().unwrap().to_string();
    let read = || {
        let (server, uid) = (&server, uid.clone());
        async move { server.p(Method::GET, &format!("/v1/appDeployments/{uid}"), None).await.1 }
    };

    // Tiers deploy in install order, each in its share of --deploy-seconds (2 s).
    let body = read().await;
    assert_eq!(body["spec"]["config"]["target"]["envRef"]["type"], "nestedCluster");
    let tiers = &body["status"]["appTiers"];
    assert_eq!((tiers[0]["name"].as_str(), tiers[0]["condition"]["reason"].as_str()), (Some("db"), Some("Deploying")));
    assert_eq!(tiers[1]["condition"]["reason"], "Pending");
    server.advance(1.0).await;
    let body = read().await;
    assert_eq!(body["status"]["appTiers"][0]["condition"]["status"], "True");
    assert_eq!(body["status"]["state"], "Deploying");
    server.advance(1.0).await;
    assert_eq!(read().await["status"]["state"], "Deployed");

    // The name search, case-sensitive on request.
    let search = |filter: Value| {
        let server = &server;
        async move { server.p(Method::POST, "/v1/dashboard/appDeployments?limit=50", Some(json!({ "filter": filter }))).await }
    };
    let (status, found) = search(json!({ "appDeploymentName": { "eq": "shop", "ignoreCase": false } })).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["appDeployments"][0]["metadata"]["uid"], uid.as_str());
    assert_eq!(found["appDeployments"][0]["status"]["state"], "Deployed");
    assert_eq!(found["listmeta"]["count"], 1);
    assert_eq!(search(json!({ "appDeploymentName": { "eq": "SHOP", "ignoreCase": false } })).await.1["appDeployments"], json!([]));
    assert_eq!(search(json!({ "tags": { "eq": ["team:a"] } })).await.1["listmeta"]["count"], 1);
    let (_, tenant) = server.call(Method::POST, "/v1/dashboard/appDeployments", None, Some(json!({}))).await;
    assert_eq!(tenant["appDeployments"], json!([]), "project deployments are not listed from the tenant");

    // Another version of the profile rolls out again; another profile is refused.
    let (_, versions) = server.p(Method::GET, &format!("/v1/appDeployments/{uid}/profile/versions"), None).await;
    let available: Vec<&str> = versions["availableVersions"].as_array().unwrap().iter().map(|v| v["uid"].as_str().unwrap()).collect();
    assert_eq!(available, [v1.as_str(), v2.as_str()]);
    assert_eq!(versions["latestVersions"][0]["version"], "2.0.0");
    let change = |profile: &str| {
        let (server, uid, body) = (&server, uid.clone(), json!({ "appProfileUid": profile }));
        async move { server.p(Method::PUT, &format!("/v1/appDeployments/{uid}/profile"), Some(body)).await }
    };
    assert_eq!(change(&v2).await.0, StatusCode::NO_CONTENT);
    let body = read().await;
    assert_eq!((body["status"]["state"].as_str(), body["spec"]["profile"]["metadata"]["uid"].as_str()), (Some("Updating"), Some(v2.as_str())));
    server.advance(2.0).await;
    assert_eq!(read().await["status"]["state"], "Deployed");
    let other = json!({ "metadata": { "name": "other" }, "spec": { "version": "1.0.0", "template": { "appTiers": [tier("x", 0)] } } });
    let other = server.p(Method::POST, "/v1/appProfiles", Some(other)).await.1["uid"].as_str().unwrap().to_string();
    let (status, body) = change(&other).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "BadRequest");

    // An injected failure hits the named tier of rollouts planned afterwards.
    let (status, failures) =
        server.call(Method::POST, "/__admin/appTierFailures", None, Some(json!({ "tier": "web", "message": "ImagePullBackOff: web:broken" }))).await;
    assert_eq!(status, StatusCode::OK, "{failures}");
    let (status, created) = server.p(Method::POST, "/v1/appDeployments", Some(into("shop-broken", &v1))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let broken = created["uid"].as_str().unwrap().to_string();
    server.advance(5.0).await;
    let (_, body) = server.p(Method::GET, &format!("/v1/appDeployments/{broken}"), None).await;
    let web = &body["status"]["appTiers"][1];
    assert_eq!((web["condition"]["type"].as_str(), web["condition"]["message"].as_str()), (Some("Error"), Some("ImagePullBackOff: web:broken")));
    assert_eq!(body["status"]["state"], "Deploying");
    assert_eq!(server.call(Method::DELETE, "/__admin/appTierFailures", None, None).await.0, StatusCode::NO_CONTENT);

    // A deployment into an existing cluster takes --delete-seconds to go; the cluster stays.
    assert_eq!(server.p(Method::DELETE, &format!("/v1/appDeployments/{uid}"), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(read().await["status"]["state"], "Deleting");
    let (status, body) = change(&v1).await;
    assert_error(status, &body, StatusCode::CONFLICT, "AppDeploymentDeleting");
    server.advance(4.0).await;
    assert_eq!(server.p(Method::GET, &format!("/v1/appDeployments/{uid}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(server.state(&cluster).await, "Running");
}

//! palette-local's core behaviour over the HTTP API (the module is not called `core`,
//! the name of the standard crate): start-up, auth, errors, scope, validation,
//! persistence, seeds and the admin API.

use crate::common::{is_uid, Local, API_KEY};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn every_request_needs_a_valid_key() {
    let local = Local::in_process();
    local.anonymous(Method::GET, "/v1/dashboard/projects/metadata").send().await.error(401, "Unauthorized");
    local
        .anonymous(Method::GET, "/v1/dashboard/projects/metadata")
        .header("ApiKey", "wrong")
        .send()
        .await
        .error(401, "Unauthorized");
    local.anonymous(Method::GET, "/__admin/stats").send().await.error(401, "Unauthorized");
    local.anonymous(Method::GET, "/v1/no/such/path").send().await.error(401, "Unauthorized");
    // Header names are case-insensitive.
    local.anonymous(Method::GET, "/v1/users/info").header("apikey", API_KEY).send().await.ok(200);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_with_v1_errors() {
    let local = Local::in_process();
    local.get("/v1/no/such/path").send().await.error(404, "ResourceNotFound");
    local.call(Method::PATCH, "/v1/projects").send().await.error(405, "MethodNotAllowed");
}

#[tokio::test]
async fn login_gives_a_session_token() {
    let local = Local::in_process();
    let login = local
        .anonymous(Method::POST, "/v1/auth/authenticate?setCookie=true")
        .json(json!({"emailId": "admin@palette.local", "password": "palette-local", "org": "palette-local"}))
        .send()
        .await
        .ok(200);
    assert_eq!(login.body["isMfa"], false);
    let token = login.body["Authorization"].as_str().expect("Authorization key").to_string();
    assert!(login.header("set-cookie").is_some_and(|cookie| cookie.contains(&token)));
    local.anonymous(Method::GET, "/v1/users/me").header("Authorization", &token).send().await.ok(200);
    local
        .anonymous(Method::POST, "/v1/auth/authenticate")
        .json(json!({"emailId": "admin@palette.local", "password": "nope"}))
        .send()
        .await
        .error(401, "Unauthorized");
    local
        .anonymous(Method::POST, "/v1/auth/authenticate")
        .json(json!({"emailId": "admin@palette.local", "password": "palette-local", "org": "other-org"}))
        .send()
        .await
        .error(401, "Unauthorized");
    local.anonymous(Method::POST, "/v1/auth/authenticate").raw("{").send().await.error(400, "BadRequest");
    local.anonymous(Method::GET, "/v1/users/me").header("Authorization", "forged.token.value").send().await.error(401, "Unauthorized");
}

#[tokio::test]
async fn identity_endpoints() {
    let local = Local::in_process();
    let info = local.get("/v1/users/info").send().await.ok(200).body;
    assert_eq!(info["orgName"], "palette-local");
    assert!(is_uid(info["tenantUid"].as_str().unwrap()) && is_uid(info["userUid"].as_str().unwrap()));
    let me = local.get("/v1/users/me").send().await.ok(200).body;
    assert_eq!(me["metadata"]["uid"], info["userUid"]);
    assert_eq!(me["spec"]["emailId"], "admin@palette.local");
    assert!(me.get("password").is_none() && !me.to_string().contains("palette-local\""));
    let users = local.get("/v1/users?filters=spec.emailId=admin@palette.local&limit=0").send().await.ok(200).body;
    assert_eq!(users["items"].as_array().unwrap().len(), 1);
    assert_eq!(users["listmeta"], json!({"continue": "", "count": 1, "limit": 0, "offset": 1}));
    let none = local.get("/v1/users?filters=spec.emailId=nobody").send().await.ok(200).body;
    assert_eq!(none["items"], json!([]));
    let project = local.default_project().await;
    local.get("/v1/users").project(&project).send().await.error(403, "OperationForbidden");
}

#[tokio::test]
async fn scope_must_name_an_existing_project() {
    let local = Local::in_process();
    local.get("/v1/dashboard/clusterprofiles/metadata").project("0123456789abcdef01234567").send().await.error(404, "ResourceNotFound");
    local.get("/v1/dashboard/clusterprofiles/metadata").project("not-a-uid").send().await.error(400, "BadRequest");
    let project = local.default_project().await;
    local.get(&format!("/v1/dashboard/clusterprofiles/metadata?projectUid={project}")).send().await.ok(200);
    local.get("/v1/dashboard/clusterprofiles/metadata?projectUid=0123456789abcdef01234567").send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn malformed_requests_are_rejected_and_change_nothing() {
    let local = Local::in_process();
    let before = local.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    for body in [
        "{",
        "[]",
        "",
        "{\"metadata\": {}}",
        "{\"metadata\": {\"name\": \"   \"}}",
        "{\"metadata\": {\"name\": 5}}",
        "{\"metadata\": {\"name\": \"x\", \"labels\": {\"a\": 1}}}",
        "{\"metadata\": {\"name\": \"x\"}, \"spec\": {\"teams\": \"all\"}}",
    ] {
        let reply = local.call(Method::POST, "/v1/projects").raw(body).send().await;
        reply.error(400, "BadRequest");
    }
    local.get("/v1/projects/not-a-uid").send().await.error(400, "BadRequest");
    local.post("/v1/dashboard/projects?limit=abc", json!({})).send().await.error(400, "BadRequest");
    local.post("/v1/dashboard/projects?continue=%25%25", json!({})).send().await.error(400, "BadRequest");
    local.post("/v1/dashboard/projects", json!({"sort": [{"field": "color", "order": "asc"}]})).send().await.error(400, "BadRequest");
    let after = local.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    assert_eq!(before, after);
}

#[tokio::test]
async fn oversized_and_non_json_bodies_are_refused_with_v1_errors_and_change_nothing() {
    let local = Local::in_process();
    let before = local.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    let project = |name: &str| json!({"metadata": {"name": name}}).to_string();
    // 10 MB: far over the 2 MiB limit, whatever the content type says.
    let huge = format!(r#"{{"metadata": {{"name": "big", "annotations": {{"description": "{}"}}}}}}"#, "x".repeat(10_000_000));
    let reply = local.call(Method::POST, "/v1/projects").raw(&huge).send().await.error(413, "RequestEntityTooLarge");
    assert!(reply.body["message"].as_str().unwrap().contains("2097152 bytes"), "{}", reply.text);
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x"] {
        let reply = local.call(Method::POST, "/v1/projects").header("Content-Type", content_type).body(&project("typed")).send().await;
        reply.error(415, "UnsupportedMediaType");
    }
    // Also on an update, and without any Content-Type at all.
    let uid = local.create_project("kept").await;
    local.call(Method::PUT, &format!("/v1/projects/{uid}")).header("Content-Type", "text/plain").body(&project("renamed")).send().await.error(415, "UnsupportedMediaType");
    local.call(Method::POST, "/v1/projects").body(&project("untyped")).send().await.error(415, "UnsupportedMediaType");
    // JSON with parameters and +json types pass; an empty body needs no type.
    local.call(Method::POST, "/v1/projects").header("Content-Type", "application/json; charset=utf-8").body(&project("charset")).send().await.ok(201);
    local.call(Method::POST, "/v1/projects").header("Content-Type", "Application/Merge-Patch+JSON").body(&project("plus-json")).send().await.ok(201);
    let after = local.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    let names: Vec<&str> = after["items"].as_array().unwrap().iter().map(|p| p["metadata"]["name"].as_str().unwrap()).collect();
    let added = after["items"].as_array().unwrap().len() - before["items"].as_array().unwrap().len();
    assert_eq!(added, 3, "only the accepted creates changed anything: {names:?}");
    assert!(!names.contains(&"big") && !names.contains(&"typed") && !names.contains(&"untyped") && !names.contains(&"renamed"), "{names:?}");
}

#[tokio::test]
async fn creates_return_uid_and_audit_header_with_server_fields() {
    let local = Local::in_process();
    let created = local
        .post(
            "/v1/projects",
            json!({"metadata": {"name": "audited", "uid": "", "creationTimestamp": "0001-01-01T00:00:00.000Z",
                                "annotations": {"scope": "system", "description": "d"}}}),
        )
        .send()
        .await
        .ok(201);
    assert!(is_uid(&created.uid()));
    assert!(created.header("AuditUid").is_some_and(is_uid));
    assert_eq!(created.body.as_object().unwrap().len(), 1);
    let project = local.get(&format!("/v1/projects/{}", created.uid())).send().await.ok(200).body;
    let meta = &project["metadata"];
    assert_eq!(meta["annotations"]["scope"], "tenant", "scope is server-managed");
    let created_at = meta["creationTimestamp"].as_str().unwrap();
    assert_eq!(created_at.len(), "2024-02-29T20:31:42.204Z".len(), "{created_at}");
    assert!(created_at.ends_with('Z') && created_at.as_bytes()[19] == b'.');
    assert_eq!(meta["deletionTimestamp"], "0001-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn data_and_clock_survive_a_restart_and_the_seed_is_not_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("restart.db");
    let first = Local::start_on(&db, &[]);
    let project = first.create_project("persisted").await;
    let default_project = first.default_project().await;
    let profile = first
        .post("/v1/clusterprofiles", json!({"metadata": {"name": "kept"}, "spec": {"template": {"type": "add-on", "packs": []}}}))
        .project(&default_project)
        .send()
        .await
        .ok(201)
        .uid();
    first.post("/__admin/time/advance", json!({"seconds": 3600})).send().await.ok(200);
    assert!(first.stop().success(), "graceful exit");

    let second = Local::start_on(&db, &[]);
    second.get(&format!("/v1/projects/{project}")).send().await.ok(200);
    second.get(&format!("/v1/clusterprofiles/{profile}")).project(&default_project).send().await.ok(200);
    let projects = second.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    let defaults = projects["items"].as_array().unwrap().iter().filter(|item| item["metadata"]["name"] == "Default").count();
    assert_eq!(defaults, 1, "seed not loaded twice");
    let time = second.get("/__admin/time").send().await.ok(200).body;
    assert!(time["offsetSeconds"].as_f64().unwrap() >= 3600.0);
}

#[tokio::test]
async fn a_seed_file_replaces_the_builtin_seed() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        json!({
            "apiKeys": ["key-a", "key-b"],
            "projects": [{"name": "Team", "description": "team project", "tags": ["team:a", "prod"]}],
            "registries": [{"name": "Public Repo", "uid": "aaaaaaaaaaaaaaaaaaaaaaaa", "kind": "spectro"}],
            "packs": [{"name": "kubernetes", "tag": "1.30.4", "uid": "bbbbbbbbbbbbbbbbbbbbbbbb", "registry": "Public Repo",
                       "type": "spectro", "layer": "k8s", "cloudTypes": ["all"], "values": "yaml text"}],
            "hostClusters": [{"name": "host-1", "uid": "cccccccccccccccccccccccc", "project": null,
                              "cpu": 64, "memoryMiB": 262144, "storageGiB": 2048}]
        })
        .to_string(),
    )
    .unwrap();
    let local = Local::in_process_args(&["--seed", seed.to_str().unwrap()]);
    local.get("/v1/users/info").send().await.error(401, "Unauthorized");
    let projects = local.anonymous(Method::GET, "/v1/dashboard/projects/metadata").header("ApiKey", "key-b").send().await.ok(200).body;
    assert_eq!(projects["items"].as_array().unwrap().len(), 1);
    let team = &projects["items"][0]["metadata"];
    assert_eq!(team["name"], "Team");
    let project = local.anonymous(Method::GET, &format!("/v1/projects/{}", team["uid"].as_str().unwrap())).header("ApiKey", "key-a").send().await.ok(200).body;
    assert_eq!(project["metadata"]["labels"], json!({"team": "a", "prod": "spectro__tag"}));
    assert_eq!(project["metadata"]["annotations"]["description"], "team project");
    let pack = local.anonymous(Method::GET, "/v1/packs/bbbbbbbbbbbbbbbbbbbbbbbb").header("ApiKey", "key-a").send().await.ok(200).body;
    assert_eq!(pack["registryUid"], "aaaaaaaaaaaaaaaaaaaaaaaa");
}

#[tokio::test]
async fn an_invalid_seed_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"{"apiKeys": ["k"], "packs": [{"name": "x", "tag": "1", "registry": "nope", "type": "spectro", "layer": "addon"}]}"#).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_palette-local"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:", "--seed", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no listening line");
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown registry"));
}

#[tokio::test]
async fn stats_count_routes_by_template_and_status() {
    let local = Local::in_process();
    let project = local.default_project().await;
    local.post("/__admin/stats/reset", json!({})).send().await.ok(204);
    local.get(&format!("/v1/projects/{project}")).send().await.ok(200);
    local.get(&format!("/v1/projects/{project}")).send().await.ok(200);
    local.get("/v1/projects/0123456789abcdef01234567").send().await.error(404, "ResourceNotFound");
    local.get("/v1/nowhere").send().await.error(404, "ResourceNotFound");
    let stats = local.stats().await;
    assert_eq!(stats["total"], 4, "{stats}");
    assert_eq!(stats["byRoute"]["GET /v1/projects/{uid}"], 3);
    assert_eq!(stats["byRoute"]["GET (unmatched)"], 1);
    assert_eq!(stats["byStatus"], json!({"200": 2, "404": 2}));
    local.post("/__admin/stats/reset", json!({})).send().await.ok(204);
    assert_eq!(local.stats().await, json!({"total": 0, "byRoute": {}, "byStatus": {}}));
}

#[tokio::test]
async fn admin_reset_reseeds_and_time_advances() {
    let local = Local::in_process();
    let extra = local.create_project("temporary").await;
    local.post("/__admin/time/advance", json!({"seconds": 120})).send().await.ok(200);
    local.post("/__admin/reset", json!({})).send().await.ok(204);
    local.get(&format!("/v1/projects/{extra}")).send().await.error(404, "ResourceNotFound");
    local.default_project().await;
    let time = local.get("/__admin/time").send().await.ok(200).body;
    assert_eq!(time["offsetSeconds"], 0.0);
    let advanced = local.post("/__admin/time/advance", json!({"seconds": 90.5})).send().await.ok(200).body;
    assert_eq!(advanced["offsetSeconds"], 90.5);
    local.post("/__admin/time/advance", json!({"seconds": -1})).send().await.error(400, "BadRequest");
    local.post("/__admin/time/advance", json!({"secs": 1})).send().await.error(400, "BadRequest");
    let before: Value = local.get("/__admin/time").send().await.body;
    assert_eq!(before["offsetSeconds"], 90.5);
}

#[tokio::test]
async fn closing_stdin_stops_the_server_cleanly() {
    let local = Local::start();
    local.get("/v1/users/info").send().await.ok(200);
    assert!(local.stop().success());
}

#[tokio::test]
async fn sigterm_and_sigint_stop_the_server_cleanly() {
    for signal in ["TERM", "INT"] {
        let local = Local::start();
        local.get("/v1/users/info").send().await.ok(200);
        assert!(local.signal_and_wait(signal).success(), "exit after SIG{signal}");
        let idle = Local::start();
        assert!(idle.signal_and_wait(signal).success(), "exit of an idle server after SIG{signal}");
    }
}

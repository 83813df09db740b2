//! Projects over the HTTP API: CRUD, names, lookups, paging and concurrent clients.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::common::Local;
use serde_json::{json, Value};

#[tokio::test]
async fn project_crud() {
    let local = Local::in_process();
    let uid = local
        .post("/v1/projects", json!({"metadata": {"name": "team-a", "labels": {"env": "dev"}, "annotations": {"description": "first"}},
                                     "spec": {"teams": [{"teamId": "t1", "roles": ["r1"]}]}}))
        .send()
        .await
        .ok(201)
        .uid();
    let project = local.get(&format!("/v1/projects/{uid}")).send().await.ok(200).body;
    assert_eq!(project["metadata"]["name"], "team-a");
    assert_eq!(project["metadata"]["labels"], json!({"env": "dev"}));
    assert_eq!(project["spec"]["teams"], json!([{"teamId": "t1", "roles": ["r1"]}]));
    assert_eq!(project["status"], json!({"isDisabled": false, "cleanUpStatus": {"state": "", "msg": "", "cleanedResources": []}}));

    // PUT without spec renames and keeps teams.
    local
        .put(&format!("/v1/projects/{uid}"), json!({"metadata": {"name": "team-b", "uid": uid, "annotations": {"description": "second"}}}))
        .send()
        .await
        .ok(204);
    let project = local.get(&format!("/v1/projects/{uid}")).send().await.ok(200).body;
    assert_eq!(project["metadata"]["name"], "team-b");
    assert_eq!(project["metadata"]["annotations"], json!({"description": "second", "scope": "tenant"}));
    assert_eq!(project["metadata"]["labels"], json!({"env": "dev"}), "labels absent from the PUT are kept");
    assert_eq!(project["spec"]["teams"][0]["teamId"], "t1");

    local.put(&format!("/v1/projects/{uid}/meta"), json!({"name": "team-c", "labels": {"tier": "gold"}})).send().await.ok(204);
    let project = local.get(&format!("/v1/projects/{uid}")).send().await.ok(200).body;
    assert_eq!(project["metadata"]["name"], "team-c");
    assert_eq!(project["metadata"]["labels"], json!({"tier": "gold"}));

    local.delete(&format!("/v1/projects/{uid}")).send().await.ok(204);
    local.get(&format!("/v1/projects/{uid}")).send().await.error(404, "ResourceNotFound");
    local.delete(&format!("/v1/projects/{uid}")).send().await.error(404, "ResourceNotFound");
    local.put(&format!("/v1/projects/{uid}"), json!({"metadata": {"name": "x"}})).send().await.error(404, "ResourceNotFound");
    local.put(&format!("/v1/projects/{uid}/meta"), json!({"name": "x"})).send().await.error(404, "ResourceNotFound");
}

#[tokio::test]
async fn project_names_are_unique() {
    let local = Local::in_process();
    local.post("/v1/projects", json!({"metadata": {"name": "Default"}})).send().await.error(409, "DuplicateName");
    let uid = local.create_project("other").await;
    local.put(&format!("/v1/projects/{uid}"), json!({"metadata": {"name": "Default"}})).send().await.error(409, "DuplicateName");
    local.put(&format!("/v1/projects/{uid}/meta"), json!({"name": "Default"})).send().await.error(409, "DuplicateName");
    local.put(&format!("/v1/projects/{uid}"), json!({"metadata": {"name": ""}})).send().await.error(400, "BadRequest");
    let project = local.get(&format!("/v1/projects/{uid}")).send().await.ok(200).body;
    assert_eq!(project["metadata"]["name"], "other");
}

#[tokio::test]
async fn delete_removes_the_project_contents_but_not_its_clusters() {
    let local = Local::in_process();
    let uid = local.create_project("doomed").await;
    let profile = local
        .post("/v1/clusterprofiles", json!({"metadata": {"name": "p"}, "spec": {"template": {"type": "add-on"}}}))
        .project(&uid)
        .send()
        .await
        .ok(201)
        .uid();
    local.delete(&format!("/v1/projects/{uid}")).json(json!({"deletingClusterDurationThresholdInMin": 5})).send().await.ok(204);
    let default_project = local.default_project().await;
    local.get(&format!("/v1/clusterprofiles/{profile}")).project(&default_project).send().await.error(404, "ResourceNotFound");

    // The seeded host cluster lives in Default: the project cannot go without cleanup.
    local.delete(&format!("/v1/projects/{default_project}")).send().await.error(409, "ResourceInUse");
    local.delete(&format!("/v1/projects/{default_project}?cleanupProjectResources=true")).send().await.ok(204);
    local.delete("/v1/projects/0123456789abcdef01234567?cleanupProjectResources=maybe").send().await.error(400, "BadRequest");
}

#[tokio::test]
async fn metadata_lookup_by_name() {
    let local = Local::in_process();
    let uid = local.create_project("lookup").await;
    let all = local.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert!(all.get("listmeta").is_none());
    let one = local.get("/v1/dashboard/projects/metadata?name=lookup").send().await.ok(200).body;
    assert_eq!(one, json!({"items": [{"metadata": {"name": "lookup", "uid": uid}}]}));
    // Projects are tenant objects: a ProjectUid header does not hide them.
    let project = local.default_project().await;
    local.get(&format!("/v1/projects/{uid}")).project(&project).send().await.ok(200);
}

fn names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|item| item["metadata"]["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn dashboard_pages_filters_and_sorts() {
    let local = Local::in_process();
    for index in 0..57 {
        local.create_project(&format!("p-{index:02}")).await;
    }
    // Default page: 50 of 58, continue token to the rest.
    let first = local.post("/v1/dashboard/projects", json!({})).send().await.ok(200).body;
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    assert_eq!(first["listmeta"]["count"], 58);
    assert_eq!(first["listmeta"]["offset"], 50);
    assert_eq!(first["listmeta"]["limit"], 50);
    let token = first["listmeta"]["continue"].as_str().unwrap().to_string();
    assert!(!token.is_empty());
    let second = local.post(&format!("/v1/dashboard/projects?continue={token}"), json!({})).send().await.ok(200).body;
    assert_eq!(second["items"].as_array().unwrap().len(), 8);
    assert_eq!(second["listmeta"]["continue"], "");
    let mut seen: BTreeSet<String> = names(&first).into_iter().collect();
    seen.extend(names(&second));
    assert_eq!(seen.len(), 58, "pages do not overlap");

    let all = local.post("/v1/dashboard/projects?limit=0", json!({})).send().await.ok(200).body;
    assert_eq!(all["items"].as_array().unwrap().len(), 58);
    assert_eq!(all["listmeta"]["continue"], "");
    let by_offset = local.post("/v1/dashboard/projects?limit=5&offset=55", json!({})).send().await.ok(200).body;
    assert_eq!(by_offset["items"].as_array().unwrap().len(), 3);
    let capped = local.post("/v1/dashboard/projects?limit=500", json!({})).send().await.ok(200).body;
    assert_eq!(capped["items"].as_array().unwrap().len(), 50);

    let filtered = local
        .post("/v1/dashboard/projects", json!({"filter": {"name": {"beginsWith": "P-1"}}, "sort": [{"field": "name", "order": "desc"}]}))
        .send()
        .await
        .ok(200)
        .body;
    assert_eq!(names(&filtered), (10..20).rev().map(|i| format!("p-{i:02}")).collect::<Vec<_>>());
    let exact = local
        .post("/v1/dashboard/projects", json!({"filter": {"name": {"eq": "P-01", "ignoreCase": false}}}))
        .send()
        .await
        .ok(200)
        .body;
    assert_eq!(exact["items"], json!([]));
    let summary = &all["items"][0];
    for key in ["metadata", "specSummary", "status"] {
        assert!(summary.get(key).is_some(), "{key}");
    }
    assert!(summary["status"]["clustersHealth"].get("running").is_some());
}

#[tokio::test]
async fn sixteen_concurrent_clients_leave_a_consistent_database() {
    let local = Arc::new(Local::in_process());
    let mut workers = Vec::new();
    for worker in 0..16 {
        let local = local.clone();
        workers.push(tokio::spawn(async move {
            let mut kept = Vec::new();
            for round in 0..12 {
                let name = format!("w{worker}-r{round}");
                let reply = local.post("/v1/projects", json!({"metadata": {"name": name}})).send().await;
                assert_eq!(reply.status, 201, "{}", reply.text);
                let uid = reply.uid();
                // Everyone also races on one shared name: exactly one create may win.
                let race = local.post("/v1/projects", json!({"metadata": {"name": format!("shared-{round}")}})).send().await;
                assert!(race.status == 201 || race.status == 409, "{}", race.text);
                if round % 2 == 0 {
                    let deleted = local.delete(&format!("/v1/projects/{uid}")).send().await;
                    assert_eq!(deleted.status, 204, "{}", deleted.text);
                } else {
                    kept.push(name);
                }
            }
            kept
        }));
    }
    let mut expected: BTreeSet<String> = BTreeSet::from(["Default".to_string()]);
    for worker in workers {
        expected.extend(worker.await.unwrap());
    }
    expected.extend((0..12).map(|round| format!("shared-{round}")));
    let all = local.get("/v1/dashboard/projects/metadata").send().await.ok(200).body;
    let listed: Vec<String> = all["items"].as_array().unwrap().iter().map(|i| i["metadata"]["name"].as_str().unwrap().to_string()).collect();
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(listed.len(), unique.len(), "no duplicates");
    assert_eq!(unique, expected, "no lost or extra projects");
    let stats = local.stats().await;
    assert!(stats["byStatus"].get("500").is_none(), "no server errors: {stats}");
}

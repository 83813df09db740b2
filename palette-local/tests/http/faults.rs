//! Fault injection and the rate limit: reproducible sequences, connection resets,
//! runtime control, latency, injected statuses and Palette's rate limit. The layers
//! are in the router, so tests run it in process; connection resets and latency
//! (measured by a client over a socket) spawn the binary.

use std::time::{Duration, Instant};

use crate::common::{self, Local};
use reqwest::Method;
use serde_json::json;

/// The outcome of each of `count` sequential requests: a status, or "reset".
async fn outcomes(local: &Local, count: usize) -> Vec<String> {
    let client = reqwest::Client::new();
    let mut seen = Vec::new();
    for _ in 0..count {
        let result = client.get(format!("{}/v1/users/info", local.url)).header("ApiKey", common::API_KEY).send().await;
        seen.push(match result {
            Ok(response) => response.status().as_u16().to_string(),
            Err(_) => "reset".to_string(),
        });
    }
    seen
}

#[tokio::test]
async fn a_fixed_seed_gives_the_same_faults() {
    let args = ["--fault-rate", "0.4", "--fault-reset-rate", "0.1", "--fault-seed", "7"];
    let first = outcomes(&Local::start_args(&args), 80).await;
    let second = outcomes(&Local::start_args(&args), 80).await;
    assert_eq!(first, second);
    for expected in ["200", "reset", "429"] {
        assert!(first.iter().any(|outcome| outcome == expected), "{expected} missing from {first:?}");
    }
    assert!(first.iter().any(|outcome| ["502", "503", "504"].contains(&outcome.as_str())), "{first:?}");
    let other_seed = outcomes(&Local::start_args(&["--fault-rate", "0.4", "--fault-reset-rate", "0.1", "--fault-seed", "8"]), 80).await;
    assert_ne!(first, other_seed);
}

#[tokio::test]
async fn faults_are_switched_at_runtime_and_spare_the_admin_api() {
    let local = Local::in_process();
    local.get("/v1/users/info").send().await.ok(200);
    let settings = local.post("/__admin/faults", json!({"rate": 1.0, "seed": 3})).send().await.ok(200).body;
    assert_eq!(settings["rate"], 1.0);
    assert_eq!(settings["seed"], 3);
    let mut saw_429 = false;
    for _ in 0..20 {
        let reply = local.get("/v1/users/info").send().await;
        assert!([429, 502, 503, 504].contains(&reply.status), "{}", reply.text);
        if reply.status == 429 {
            saw_429 = true;
            assert_eq!(reply.header("Retry-After"), Some("1"));
            assert_eq!(reply.body["code"], "TooManyRequests");
        }
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }
    assert!(saw_429);
    // The admin API is never faulted.
    local.get("/__admin/stats").send().await.ok(200);
    local.post("/__admin/faults", json!({"rate": 0})).send().await.ok(200);
    local.get("/v1/users/info").send().await.ok(200);
    // Faulted requests change nothing.
    local.post("/__admin/faults", json!({"rate": 1})).send().await.ok(200);
    let failed = local.post("/v1/projects", json!({"metadata": {"name": "never"}})).send().await;
    assert!(failed.status >= 429);
    local.post("/__admin/faults", json!({"rate": 0})).send().await.ok(200);
    let names = local.get("/v1/dashboard/projects/metadata?name=never").send().await.ok(200).body;
    assert_eq!(names["items"], json!([]));
}

#[tokio::test]
async fn resets_drop_the_connection_and_are_counted() {
    let local = Local::start();
    local.post("/__admin/faults", json!({"resetRate": 1.0, "seed": 1})).send().await.ok(200);
    let client = reqwest::Client::new();
    let result = client.get(format!("{}/v1/users/info", local.url)).header("ApiKey", common::API_KEY).send().await;
    let err = result.expect_err("the connection is dropped");
    assert!(err.is_request() || err.is_connect() || err.to_string().contains("connection"), "{err}");
    local.post("/__admin/faults", json!({"resetRate": 0.0})).send().await.ok(200);
    let stats = local.stats().await;
    assert_eq!(stats["byStatus"]["reset"], 1, "{stats}");
    assert_eq!(stats["byRoute"]["GET /v1/users/info"], 1, "{stats}");
}

#[tokio::test]
async fn latency_is_added_to_api_responses() {
    let local = Local::in_process_args(&["--latency-ms", "150"]);
    let started = Instant::now();
    local.get("/v1/users/info").send().await.ok(200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    local.post("/__admin/faults", json!({"latencyMs": 0})).send().await.ok(200);
    let started = Instant::now();
    local.get("/v1/users/info").send().await.ok(200);
    assert!(started.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn invalid_fault_settings_are_rejected() {
    let local = Local::in_process();
    local.post("/__admin/faults", json!({"rate": 1.5})).send().await.error(400, "BadRequest");
    local.post("/__admin/faults", json!({"reset_rate": 0.5})).send().await.error(400, "BadRequest");
    local.call(Method::POST, "/__admin/faults").raw("{").send().await.error(400, "BadRequest");
    let settings = local.get("/__admin/faults").send().await.ok(200).body;
    assert_eq!(settings["rate"], 0.0);
    assert_eq!(settings["resetRate"], 0.0);
    let bad_flag = std::process::Command::new(env!("CARGO_BIN_EXE_palette-local"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:", "--fault-rate", "2"])
        .output()
        .unwrap();
    assert!(!bad_flag.status.success());
}

/// Statuses of `count` requests to `path` sent at once.
async fn burst(local: &Local, path: &str, count: usize) -> Vec<u16> {
    let replies = futures::future::join_all((0..count).map(|_| local.get(path).send())).await;
    replies.iter().map(|reply| reply.status).collect()
}

#[tokio::test]
async fn the_rate_limit_answers_429_too_many_requests_beyond_rate_times_burst() {
    let local = Local::in_process_args(&["--rate-limit", "1", "--rate-burst", "6"]);
    local.post("/__admin/stats/reset", json!({})).send().await.ok(204);
    let statuses = burst(&local, "/v1/users/info", 10).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 6, "rate 1 × burst 6: {statuses:?}");
    let rejected = local.get("/v1/users/info").send().await.error(429, "TooManyRequests");
    assert_eq!(rejected.header("Retry-After"), None, "Palette documents no rate-limit headers");
    // Another prefix has a budget of its own; the admin API has none.
    local.get("/v1/dashboard/projects/metadata").send().await.ok(200);
    for _ in 0..20 {
        local.get("/__admin/faults").send().await.ok(200);
    }
    let stats = local.stats().await;
    assert_eq!(stats["byStatus"]["429"], 5, "the limit's 429s are counted: {stats}");
    // The budget refills at the rate.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    local.get("/v1/users/info").send().await.ok(200);
}

#[tokio::test]
async fn the_rate_limit_is_off_by_default_and_set_through_the_admin_api() {
    let local = Local::in_process();
    assert!(burst(&local, "/v1/users/info", 60).await.iter().all(|s| *s == 200));
    let settings = local.get("/__admin/rate-limit").send().await.ok(200).body;
    assert_eq!(settings["rate"], 0.0);
    let settings = local
        .post("/__admin/rate-limit", json!({"rate": 1, "burst": 10, "paths": {"/v1/cloudconfigs": {"rate": 50, "burst": 5}}}))
        .send()
        .await
        .ok(200)
        .body;
    assert_eq!(settings["paths"]["/v1/cloudconfigs"], json!({"rate": 50.0, "burst": 5.0}));
    assert_eq!(settings["paths"]["/v1/spectroclusters"], json!({"rate": 5.0, "burst": 10.0}), "Palette's faster prefixes scale: {settings}");
    assert_eq!(settings["paths"]["/v1/spectroclusters/{uid}/assets"], json!({"rate": 1.0, "burst": 10.0}));
    let statuses = burst(&local, "/v1/users/info", 20).await;
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "{statuses:?}");
    let statuses = burst(&local, "/v1/cloudconfigs/virtual/0123456789abcdef01234567", 100).await;
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 0, "50 × 5 for /v1/cloudconfigs: {statuses:?}");
    local.post("/__admin/rate-limit", json!({"rate": -1})).send().await.error(400, "BadRequest");
    local.post("/__admin/rate-limit", json!({"paths": {"projects": {"rate": 1}}})).send().await.error(400, "BadRequest");
    local.post("/__admin/rate-limit", json!({"rate": 0})).send().await.ok(200);
    assert!(burst(&local, "/v1/users/info", 30).await.iter().all(|s| *s == 200));
}

#[tokio::test]
async fn rate_limit_flags_take_per_prefix_overrides() {
    let local = Local::in_process_args(&["--rate-limit", "10", "--rate-limit-path", "/v1/users=1/2", "--rate-limit-path", "/v1/cloudconfigs=20"]);
    let settings = local.get("/__admin/rate-limit").send().await.ok(200).body;
    assert_eq!(settings["paths"]["/v1/users"], json!({"rate": 1.0, "burst": 2.0}));
    assert_eq!(settings["paths"]["/v1/cloudconfigs"], json!({"rate": 20.0, "burst": 5.0}));
    let statuses = burst(&local, "/v1/users/info", 5).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    for bad in [["--rate-limit-path", "/v1/users"], ["--rate-limit-path", "users=1"], ["--rate-limit", "-2"]] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_palette-local"))
            .args(["--listen", "127.0.0.1:0", "--db", ":memory:", "--rate-limit", "1"])
            .args(bad)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad:?} accepted");
    }
}

#[tokio::test]
async fn failing_routes_fail_every_time_with_their_status() {
    let local = Local::in_process();
    local.post("/__admin/faults", json!({"failRoutes": {"POST /v1/dashboard/projects": 500}})).send().await.ok(200);
    for _ in 0..3 {
        local.post("/v1/dashboard/projects", json!({})).send().await.error(500, "InternalError");
    }
    local.get("/v1/dashboard/projects/metadata").send().await.ok(200);
    local.post("/__admin/faults", json!({"failRoutes": {"GET /v1/users/info": 200}})).send().await.error(400, "BadRequest");
    local.post("/__admin/faults", json!({"failRoutes": {}})).send().await.ok(200);
    local.post("/v1/dashboard/projects", json!({})).send().await.ok(200);
}

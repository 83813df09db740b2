//! The client against a real HTTP server on 127.0.0.1: headers, retries,
//! lost creates, cancellation, deadlines, timeouts, pagination, errors and
//! what reaches the logs.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::cluster_profiles::{ClusterProfileEntity, ClusterProfileEntitySpec};
use super::models::ObjectMeta;
use super::projects::ProjectEntity;
use super::test_server::{Recorded, Reply, TestServer};
use super::*;

const KEY: &str = "test-Key-0123456789-must-stay-secret";

fn fast_backoff() -> BackoffPolicy {
    BackoffPolicy {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(60),
    }
}

fn client_for(server: &TestServer, retry_attempts: u32) -> PaletteClient {
    let config = ClientConfig { retry_attempts, backoff: fast_backoff(), ..ClientConfig::new(server.url(), KEY) };
    PaletteClient::new(config).unwrap()
}

fn ctx() -> CallContext {
    CallContext::background()
}

/// A context whose token a background task cancels after `delay`; the
/// handle lets a test wait until the cancel has happened.
fn cancelled_after(delay: Duration) -> (CallContext, tokio::task::JoinHandle<()>) {
    let token = CancellationToken::new();
    let context = CallContext::new(token.clone());
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        token.cancel();
    });
    (context, canceller)
}

fn project_named(name: &str) -> ProjectEntity {
    ProjectEntity { metadata: ObjectMeta::named(name), spec: None }
}

fn project_json(uid: &str, name: &str) -> serde_json::Value {
    json!({"metadata": {"uid": uid, "name": name, "labels": {}, "annotations": {}}, "spec": {}, "status": {"isDisabled": false}})
}

fn count(requests: &[Recorded], method: &str, path: &str) -> usize {
    requests.iter().filter(|r| r.method == method && r.path() == path).count()
}

#[tokio::test]
async fn requests_carry_the_key_the_scope_and_json() {
    let server = TestServer::start(|_, _| Reply::json(201, json!({"uid": "cp1"}))).await;
    let client = client_for(&server, 0);
    let profile = ClusterProfileEntity {
        metadata: ObjectMeta::named("addon"),
        spec: ClusterProfileEntitySpec { version: "1.0.0".into(), ..Default::default() },
    };
    let uid = client.create_cluster_profile(&ctx(), &Scope::project("p-123"), &profile, true).await.unwrap();
    assert_eq!(uid, "cp1");

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/v1/clusterprofiles?publish=true"));
    assert_eq!(request.header("ApiKey"), Some(KEY));
    assert_eq!(request.header("ProjectUid"), Some("p-123"));
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    assert_eq!(request.header("Accept"), Some("application/json"));
    assert_eq!(request.json()["metadata"]["name"], "addon");
}

#[tokio::test]
async fn tenant_calls_send_no_project_header() {
    let server = TestServer::start(|_, _| Reply::json(200, project_json("u1", "team-a"))).await;
    let client = client_for(&server, 0);
    let project = client.get_project(&ctx(), "u1").await.unwrap().unwrap();
    assert_eq!(project.metadata.name, "team-a");
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/projects/u1");
    assert_eq!(requests[0].header("ProjectUid"), None);
}

#[tokio::test]
async fn reads_are_retried_on_gateway_errors_until_they_succeed() {
    let server = TestServer::start(|_, before| match before.len() {
        0 => Reply::error(503, "ServiceUnavailable", "busy"),
        1 => Reply::empty(502),
        _ => Reply::json(200, project_json("u1", "p")),
    })
    .await;
    let client = client_for(&server, 5);
    assert!(client.get_project(&ctx(), "u1").await.unwrap().is_some());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn retries_stop_after_the_budget() {
    let server = TestServer::start(|_, _| Reply::error(504, "GatewayTimeout", "slow")).await;
    let client = client_for(&server, 2);
    let error = client.get_project(&ctx(), "u1").await.unwrap_err();
    assert_eq!(error.api().map(|a| a.status), Some(504));
    assert_eq!(server.requests().len(), 3, "retry_attempts = 2 means three attempts");
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().starts_with(&format!("Palette at {} is unavailable: 3 attempts in ", server.url())), "{error}");
}

#[tokio::test]
async fn retries_past_the_budget_when_riding_out_an_outage() {
    // Twelve failures (refused, reset, 5xx) outlast two retries, not an operation riding it out.
    let server = TestServer::start(|_, before| match before.len() {
        0..=3 => Reply::Drop,
        4..=11 => Reply::error(503, "ServiceUnavailable", "restarting"),
        _ => Reply::json(200, project_json("u1", "p")),
    })
    .await;
    let client = client_for(&server, 2);
    let error = client.get_project(&ctx(), "u1").await.unwrap_err();
    assert!(error.is_transient() && error.attempts() == 3, "{error}");
    let riding = CallContext::background().with_timeout(Duration::from_secs(20)).riding_out_outages();
    assert!(client.get_project(&riding, "u1").await.unwrap().is_some());
    assert_eq!(server.requests().len(), 13);
}

#[tokio::test]
async fn riding_out_ends_at_the_deadline_with_the_attempts_made() {
    let server = TestServer::start(|_, _| Reply::error(502, "BadGateway", "down")).await;
    let client = client_for(&server, 1);
    let riding = CallContext::background().with_timeout(Duration::from_millis(400)).riding_out_outages();
    let started = Instant::now();
    let error = client.get_project(&riding, "u1").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(900), "{:?}", started.elapsed());
    let ClientError::Unavailable { attempts, .. } = &error else { panic!("{error:?}") };
    assert!(*attempts > 2, "retried past the budget of one: {attempts}");
    assert_eq!(error.api().map(|a| a.status), Some(502), "the last status is kept");
    assert!(error.to_string().contains(&format!("is unavailable: {attempts} attempts in")), "{error}");
}

#[tokio::test]
async fn riding_out_never_retries_a_permanent_failure() {
    let server = TestServer::start(|_, _| Reply::error(403, "Forbidden", "no")).await;
    let client = client_for(&server, 5);
    let riding = CallContext::background().with_timeout(Duration::from_secs(10)).riding_out_outages();
    let error = client.get_project(&riding, "u1").await.unwrap_err();
    assert_eq!(error.api().map(|a| a.status), Some(403));
    assert!(!error.is_transient());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_lost_create_during_an_outage_is_resent_only_once_known_not_to_exist() {
    // The create is answered 502 (unknown outcome) and the lookups fail for a while:
    // riding out, the lookup waits for Palette and the create is sent again once.
    let server = TestServer::start(|request, before| {
        let posts = before.iter().filter(|r| r.method == "POST").count();
        let lookups = before.iter().filter(|r| r.method == "GET").count();
        match (request.method.as_str(), posts, lookups) {
            ("POST", 0, _) => Reply::empty(502),
            ("POST", _, _) => Reply::json(201, json!({"uid": "made"})),
            (_, _, 0..=7) => Reply::Drop,
            _ => Reply::json(200, json!({"items": []})),
        }
    })
    .await;
    let client = client_for(&server, 1);
    let riding = CallContext::background().with_timeout(Duration::from_secs(20)).riding_out_outages();
    assert_eq!(client.create_project(&riding, &project_named("team-a")).await.unwrap(), "made");
    assert_eq!(count(&server.requests(), "POST", "/v1/projects"), 2);
}

#[tokio::test]
async fn final_errors_are_not_retried() {
    for status in [400, 401, 403, 409, 422, 500] {
        let server = TestServer::start(move |_, _| Reply::error(status, "Nope", "no")).await;
        let client = client_for(&server, 5);
        let error = client.get_project(&ctx(), "u1").await.unwrap_err();
        assert_eq!(error.api().map(|a| a.status), Some(status));
        assert_eq!(server.requests().len(), 1, "status {status} was retried");
    }
}

#[tokio::test]
async fn a_missing_object_reads_as_none() {
    let server = TestServer::start(|_, _| Reply::error(404, "ResourceNotFound", "project 'u1' not found")).await;
    let client = client_for(&server, 5);
    assert!(client.get_project(&ctx(), "u1").await.unwrap().is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn deleting_a_missing_object_succeeds() {
    let server = TestServer::start(|_, _| Reply::error(404, "ResourceNotFound", "gone")).await;
    let client = client_for(&server, 0);
    client.delete_project(&ctx(), "u1").await.unwrap();
    client.delete_cluster(&ctx(), &Scope::project("p"), "c1", true).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[1].target, "/v1/spectroclusters/c1?forceDelete=true");
    assert_eq!(requests[1].method, "DELETE");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = TestServer::start(|_, before| match before.len() {
        0 => Reply::error(429, "TooManyRequests", "slow down").with_header("Retry-After", "1"),
        _ => Reply::json(200, project_json("u1", "p")),
    })
    .await;
    let client = client_for(&server, 3);
    let started = Instant::now();
    assert!(client.get_project(&ctx(), "u1").await.unwrap().is_some());
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_throttled_create_is_sent_again() {
    let server = TestServer::start(|_, before| match before.len() {
        0 => Reply::error(429, "TooManyRequests", "slow down"),
        _ => Reply::json(201, json!({"uid": "new"})),
    })
    .await;
    let client = client_for(&server, 3);
    let uid = client.create_project(&ctx(), &project_named("p")).await.unwrap();
    assert_eq!(uid, "new");
    let requests = server.requests();
    assert_eq!(count(&requests, "POST", "/v1/projects"), 2);
    assert_eq!(count(&requests, "GET", "/v1/dashboard/projects/metadata"), 0, "a 429 is unambiguous: no lookup");
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_looked_up_not_sent_again() {
    let server = TestServer::start(|request, _| match (request.method.as_str(), request.path()) {
        ("POST", "/v1/projects") => Reply::Drop,
        ("GET", "/v1/dashboard/projects/metadata") => {
            Reply::json(200, json!({"items": [{"metadata": {"name": "other", "uid": "o1"}}, {"metadata": {"name": "team-a", "uid": "made"}}]}))
        }
        _ => Reply::empty(500),
    })
    .await;
    let client = client_for(&server, 5);
    let uid = client.create_project(&ctx(), &project_named("team-a")).await.unwrap();
    assert_eq!(uid, "made");
    assert_eq!(count(&server.requests(), "POST", "/v1/projects"), 1, "the create must not be re-sent");
}

#[tokio::test]
async fn a_create_that_did_not_happen_is_sent_again_after_the_lookup() {
    let server = TestServer::start(|request, before| {
        let posts = before.iter().filter(|r| r.method == "POST").count();
        match (request.method.as_str(), posts) {
            ("POST", 0) => Reply::error(503, "ServiceUnavailable", "try later"),
            ("POST", _) => Reply::json(201, json!({"uid": "second"})),
            _ => Reply::json(200, json!({"items": []})),
        }
    })
    .await;
    let client = client_for(&server, 5);
    let uid = client.create_project(&ctx(), &project_named("team-a")).await.unwrap();
    assert_eq!(uid, "second");
    let requests = server.requests();
    assert_eq!(count(&requests, "POST", "/v1/projects"), 2);
    assert_eq!(count(&requests, "GET", "/v1/dashboard/projects/metadata"), 1);
}

#[tokio::test]
async fn a_conflict_on_a_resent_create_adopts_the_first_one() {
    // The first create took effect but was not visible yet at the lookup.
    let server = TestServer::start(|request, before| {
        let lookups = before.iter().filter(|r| r.method == "GET").count();
        match (request.method.as_str(), lookups) {
            ("POST", 0) => Reply::After(Duration::from_millis(10), Box::new(Reply::Drop)),
            ("POST", _) => Reply::error(409, "DuplicateName", "project 'team-a' already exists"),
            ("GET", 0) => Reply::json(200, json!({"items": []})),
            _ => Reply::json(200, json!({"items": [{"metadata": {"name": "team-a", "uid": "first"}}]})),
        }
    })
    .await;
    let client = client_for(&server, 5);
    let uid = client.create_project(&ctx(), &project_named("team-a")).await.unwrap();
    assert_eq!(uid, "first");
}

#[tokio::test]
async fn a_genuine_conflict_is_reported() {
    let server = TestServer::start(|_, _| Reply::error(409, "DuplicateName", "project 'team-a' already exists")).await;
    let client = client_for(&server, 5);
    let error = client.create_project(&ctx(), &project_named("team-a")).await.unwrap_err();
    assert!(error.is_conflict());
    assert_eq!(
        error.to_string(),
        "Palette API error 409 DuplicateName: project 'team-a' already exists (POST /v1/projects, ref r1)"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_lost_publish_is_confirmed_by_reading_the_profile() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "PATCH" => Reply::Drop,
        _ => Reply::json(
            200,
            json!({"metadata": {"uid": "cp1"}, "spec": {"draft": null, "published": {"uid": "t"}},
                                     "status": {"isPublished": true}}),
        ),
    })
    .await;
    let client = client_for(&server, 5);
    client.publish_cluster_profile(&ctx(), &Scope::project("p"), "cp1").await.unwrap();
    assert_eq!(count(&server.requests(), "PATCH", "/v1/clusterprofiles/cp1/publish"), 1);
}

#[tokio::test]
async fn cancellation_stops_the_backoff_at_once() {
    let server = TestServer::start(|_, _| Reply::error(503, "ServiceUnavailable", "busy")).await;
    let slow = BackoffPolicy { initial: Duration::from_secs(20), max: Duration::from_secs(20), ..fast_backoff() };
    let client =
        PaletteClient::new(ClientConfig { retry_attempts: 10, backoff: slow, ..ClientConfig::new(server.url(), KEY) })
            .unwrap();
    let (context, canceller) = cancelled_after(Duration::from_millis(200));
    let started = Instant::now();
    let error = client.get_project(&context, "u1").await.unwrap_err();
    canceller.await.unwrap();
    assert!(error.is_cancelled(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(error.to_string(), "GET /v1/projects/u1 was stopped because the operation was cancelled");
}

#[tokio::test]
async fn cancellation_abandons_a_read_in_flight() {
    let server = TestServer::start(|_, _| Reply::After(Duration::from_secs(20), Box::new(Reply::empty(200)))).await;
    let client = client_for(&server, 0);
    let (context, _canceller) = cancelled_after(Duration::from_millis(200));
    let started = Instant::now();
    assert!(client.get_project(&context, "u1").await.unwrap_err().is_cancelled());
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_create_in_flight_finishes_despite_cancellation() {
    let server = TestServer::start(|_, _| {
        Reply::After(Duration::from_millis(400), Box::new(Reply::json(201, json!({"uid": "kept"}))))
    })
    .await;
    let client = client_for(&server, 0);
    let (context, _canceller) = cancelled_after(Duration::from_millis(100));
    let uid = client.create_project(&context, &project_named("p")).await.unwrap();
    assert_eq!(uid, "kept", "the UID of a create that happened must reach the state");
}

#[tokio::test]
async fn the_deadline_bounds_retries() {
    let server = TestServer::start(|_, _| Reply::error(503, "ServiceUnavailable", "busy")).await;
    let backoff =
        BackoffPolicy { initial: Duration::from_millis(200), max: Duration::from_millis(400), ..fast_backoff() };
    let client =
        PaletteClient::new(ClientConfig { retry_attempts: 100, backoff, ..ClientConfig::new(server.url(), KEY) })
            .unwrap();
    let context = CallContext::background().with_timeout(Duration::from_millis(700));
    let started = Instant::now();
    let error = client.get_project(&context, "u1").await.unwrap_err();
    assert_eq!(error.api().map(|a| a.status), Some(503), "the last real error is reported: {error}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert!(server.requests().len() < 6, "{} attempts", server.requests().len());
}

#[tokio::test]
async fn a_slow_server_times_out_with_a_readable_error() {
    let server = TestServer::start(|_, _| Reply::After(Duration::from_secs(5), Box::new(Reply::empty(200)))).await;
    let config = ClientConfig {
        retry_attempts: 0,
        request_timeout: Duration::from_millis(300),
        backoff: fast_backoff(),
        ..ClientConfig::new(server.url(), KEY)
    };
    let client = PaletteClient::new(config).unwrap();
    let started = Instant::now();
    let error = client.get_project(&ctx(), "u1").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.to_string().starts_with(&format!("Palette at {} is unavailable: 1 attempt in ", server.url())), "{error}");
    assert_eq!(
        error.last_attempt().to_string(),
        format!("Palette at {} did not answer GET /v1/projects/u1 within 300ms", server.url())
    );
}

#[tokio::test]
async fn an_unreachable_host_reads_as_a_sentence() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = ClientConfig {
        retry_attempts: 2,
        backoff: fast_backoff(),
        ..ClientConfig::new(format!("http://127.0.0.1:{port}"), KEY)
    };
    let client = PaletteClient::new(config).unwrap();
    let started = Instant::now();
    let error = client.list_projects_metadata(&ctx()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(error.to_string().starts_with(&format!("Palette at http://127.0.0.1:{port} is unavailable: 3 attempts in ")), "{error}");
    assert_eq!(error.last_attempt().to_string(), format!("cannot reach Palette at http://127.0.0.1:{port}: connection refused"));
    assert!(error.never_reached() && error.is_transient());
}

#[tokio::test]
async fn a_rejected_key_reads_as_a_sentence_without_the_key() {
    let server = TestServer::start(|request, _| {
        let echoed = request.header("ApiKey").unwrap_or_default().to_string();
        Reply::error(401, "AuthenticationFailed", &format!("invalid api key {echoed}"))
    })
    .await;
    let client = client_for(&server, 3);
    let error = client.list_projects_metadata(&ctx()).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("Palette rejected the API key (HTTP 401 on GET /v1/dashboard/projects/metadata"),
        "{text}"
    );
    assert!(!text.contains(KEY) && !format!("{error:?}").contains(KEY), "{text}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn listings_follow_continue_tokens() {
    let server = TestServer::start(|request, _| {
        let page = if request.target.contains("continue=t1") {
            json!({"items": [{"metadata": {"uid": "p2"}}], "listmeta": {"continue": "", "count": 2, "limit": 1, "offset": 2}})
        } else {
            json!({"items": [{"metadata": {"uid": "p1"}}], "listmeta": {"continue": "t1", "count": 2, "limit": 1, "offset": 1}})
        };
        Reply::json(200, page)
    })
    .await;
    let client = client_for(&server, 0);
    let packs = client.list_packs(&ctx(), &Scope::Tenant, "spec.name=nginx").await.unwrap();
    assert_eq!(packs.iter().map(|p| p.metadata.uid.as_str()).collect::<Vec<_>>(), vec!["p1", "p2"]);
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/packs?filters=spec.name%3Dnginx&limit=50");
    assert_eq!(requests[1].target, "/v1/packs?filters=spec.name%3Dnginx&limit=50&continue=t1");
}

#[tokio::test]
async fn a_listing_that_never_ends_is_an_error() {
    let server =
        TestServer::start(|_, _| Reply::json(200, json!({"items": [], "listmeta": {"continue": "same"}}))).await;
    let client = client_for(&server, 0);
    let error = client.list_packs(&ctx(), &Scope::Tenant, "").await.unwrap_err();
    assert!(error.to_string().contains("repeats a continue token"), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn soft_deleted_cluster_groups_read_as_gone() {
    let server =
        TestServer::start(|_, _| Reply::json(200, json!({"metadata": {"uid": "g"}, "status": {"isActive": false}})))
            .await;
    let client = client_for(&server, 0);
    assert!(client.get_cluster_group(&ctx(), &Scope::Tenant, "g").await.unwrap().is_none());
}

#[tokio::test]
async fn an_unreadable_success_names_the_call() {
    let server = TestServer::start(|_, _| Reply::bytes(200, "application/json", "{not json")).await;
    let client = client_for(&server, 0);
    let error = client.get_project(&ctx(), "u1").await.unwrap_err();
    assert!(error.to_string().starts_with("Palette answered GET /v1/projects/u1 with an unreadable body"), "{error}");
}

#[tokio::test]
async fn kubeconfigs_are_decoded_and_absent_ones_are_none() {
    use base64::Engine as _;
    let yaml = "apiVersion: v1\nkind: Config\n";
    let encoded = base64::engine::general_purpose::STANDARD.encode(yaml);
    let server = TestServer::start(move |request, _| match request.path() {
        "/v1/spectroclusters/c1/assets/kubeconfigclient" => Reply::bytes(200, "application/octet-stream", &encoded),
        "/v1/spectroclusters/c1/assets/adminKubeconfig" => Reply::bytes(200, "application/octet-stream", yaml),
        _ => Reply::error(404, "ResourceNotFound", "not ready"),
    })
    .await;
    let client = client_for(&server, 0);
    let scope = Scope::project("p");
    assert_eq!(client.get_cluster_kubeconfig(&ctx(), &scope, "c1").await.unwrap().as_deref(), Some(yaml));
    assert_eq!(client.get_cluster_admin_kubeconfig(&ctx(), &scope, "c1").await.unwrap().as_deref(), Some(yaml));
    assert_eq!(client.get_cluster_kubeconfig(&ctx(), &scope, "c2").await.unwrap(), None);
    assert_eq!(server.requests()[0].header("Accept"), Some("application/octet-stream"));
}

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_show_requests_but_never_the_key_or_kubeconfigs() {
    let kubeconfig = "apiVersion: v1\nclusters:\n- secret-token-xyz\n";
    let server = TestServer::start(move |request, _| match request.path() {
        "/v1/spectroclusters/c1/assets/kubeconfigclient" => Reply::bytes(200, "application/octet-stream", kubeconfig),
        "/v1/projects" => Reply::json(201, json!({"uid": "new", "note": format!("key was {KEY}")})),
        _ => Reply::error(401, "AuthenticationFailed", &format!("bad key {KEY}")),
    })
    .await;
    let config = ClientConfig { retry_attempts: 0, trace: true, ..ClientConfig::new(server.url(), KEY) };
    let client = PaletteClient::new(config).unwrap();

    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    client.create_project(&ctx(), &project_named("logged-project")).await.unwrap();
    client.get_cluster_kubeconfig(&ctx(), &Scope::project("p"), "c1").await.unwrap();
    let _ = client.get_project(&ctx(), "u1").await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("POST") && text.contains("/v1/projects") && text.contains("status=201"), "{text}");
    assert!(text.contains("logged-project"), "trace mode logs request bodies: {text}");
    assert!(text.contains("/v1/spectroclusters/c1/assets/kubeconfigclient"), "{text}");
    assert!(!text.contains(KEY), "the API key reached the logs: {text}");
    assert!(!text.contains("secret-token-xyz"), "a kubeconfig reached the logs: {text}");
}

#[tokio::test]
async fn a_create_lost_while_cancelling_is_still_looked_up() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::After(Duration::from_millis(300), Box::new(Reply::Drop)),
        _ => Reply::json(200, json!({"items": [{"metadata": {"name": "p", "uid": "exists"}}]})),
    })
    .await;
    let client = client_for(&server, 5);
    let (context, _canceller) = cancelled_after(Duration::from_millis(100));
    let uid = client.create_project(&context, &project_named("p")).await.unwrap();
    assert_eq!(uid, "exists");
    assert_eq!(count(&server.requests(), "POST", "/v1/projects"), 1);
}

#[tokio::test]
async fn profile_lookup_checks_the_scope_of_each_candidate() {
    let server = TestServer::start(|request, _| match request.path() {
        "/v1/dashboard/clusterprofiles/metadata" => Reply::json(
            200,
            json!({"items": [
                {"metadata": {"name": "addon", "uid": "tenant-one"}, "spec": {"version": "1.0.0"}},
                {"metadata": {"name": "addon", "uid": "other-version"}, "spec": {"version": "2.0.0"}},
                {"metadata": {"name": "addon", "uid": "project-one"}, "spec": {"version": ""}}
            ]}),
        ),
        "/v1/clusterprofiles/tenant-one" => {
            Reply::json(200, json!({"metadata": {"uid": "tenant-one", "annotations": {"scope": "tenant"}}}))
        }
        "/v1/clusterprofiles/project-one" => {
            Reply::json(200, json!({"metadata": {"uid": "project-one", "annotations": {"scope": "project"}}}))
        }
        _ => Reply::error(404, "ResourceNotFound", "no"),
    })
    .await;
    let client = client_for(&server, 0);
    let scope = Scope::project("p");
    let found = client.find_cluster_profile(&ctx(), &scope, "addon", "1.0.0", "project").await.unwrap();
    assert_eq!(found.as_deref(), Some("project-one"));
    let tenant = client.find_cluster_profile(&ctx(), &scope, "addon", "", "tenant").await.unwrap();
    assert_eq!(tenant.as_deref(), Some("tenant-one"));
    assert_eq!(client.find_cluster_profile(&ctx(), &scope, "addon", "3.0.0", "project").await.unwrap(), None);
}

#[tokio::test]
async fn a_lost_virtual_cluster_create_is_found_by_a_search() {
    let server = TestServer::start(|request, _| match request.path() {
        "/v1/spectroclusters/virtual" => Reply::Drop,
        "/v1/dashboard/spectroclusters/search" => Reply::json(
            200,
            json!({
                "items": [{"metadata": {"name": "vc-1", "uid": "c1"}, "status": {"state": "Pending"}}],
                "listmeta": {"continue": "", "count": 1, "limit": 50, "offset": 0}
            }),
        ),
        _ => Reply::empty(500),
    })
    .await;
    let client = client_for(&server, 5);
    let cluster = clusters::VirtualClusterEntity { metadata: ObjectMeta::named("vc-1"), ..Default::default() };
    let uid = client.create_virtual_cluster(&ctx(), &Scope::project("p"), &cluster).await.unwrap();
    assert_eq!(uid, "c1");
    let requests = server.requests();
    assert_eq!(count(&requests, "POST", "/v1/spectroclusters/virtual"), 1);
    let search = requests.iter().find(|r| r.path() == "/v1/dashboard/spectroclusters/search").unwrap();
    assert_eq!(search.header("ProjectUid"), Some("p"));
    assert_eq!(
        search.json()["filter"]["filterGroups"][0]["filters"][2]["condition"]["string"]["match"]["values"],
        json!(["vc-1"])
    );
}

#[tokio::test]
async fn patches_marked_idempotent_are_retried() {
    let server = TestServer::start(|_, before| match before.len() {
        0 => Reply::Drop,
        _ => Reply::empty(204),
    })
    .await;
    let client = client_for(&server, 3);
    client.set_cluster_paused(&ctx(), &Scope::project("p"), "c1", true).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path(), "/v1/spectroclusters/c1/clusterConfig/lifecycleConfig");
    assert_eq!(requests[1].json(), json!({"lifecycleConfig": {"pause": true}}));
}

#[tokio::test]
async fn an_unconfigured_backup_reads_as_none() {
    let server = TestServer::start(|_, _| Reply::error(400, "BackupNotConfigured", "no backup")).await;
    let client = client_for(&server, 0);
    assert!(client.get_cluster_backup(&ctx(), &Scope::project("p"), "c1").await.unwrap().is_none());
}

#[tokio::test]
async fn https_checks_certificates_unless_told_not_to() {
    let server = TestServer::start_tls(|_, _| Reply::json(200, json!({"items": []}))).await;
    assert!(server.url().starts_with("https://127.0.0.1:"));

    let strict = client_for(&server, 5);
    let error = strict.list_projects_metadata(&ctx()).await.unwrap_err();
    assert!(matches!(error, ClientError::Tls { .. }), "a certificate error is not retried: {error:?}");
    assert_eq!(
        error.to_string(),
        format!("cannot reach Palette at {}: invalid peer certificate: UnknownIssuer", server.url())
    );
    assert!(server.requests().is_empty());

    let config = ClientConfig { retry_attempts: 0, insecure_tls: true, ..ClientConfig::new(server.url(), KEY) };
    let insecure = PaletteClient::new(config).unwrap();
    assert!(insecure.list_projects_metadata(&ctx()).await.unwrap().is_empty());
    assert_eq!(server.requests()[0].header("ApiKey"), Some(KEY));
}

/// A tenant of `total` projects `p0..`, served 50 a page by `offset` or
/// `continue`, and per project by GET.
fn projects_server(total: usize) -> impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static {
    move |request, _| match (request.method.as_str(), request.path()) {
        ("POST", "/v1/dashboard/projects") => {
            let offset = request.target.split(['?', '&']).find_map(|p| p.strip_prefix("offset=")).map_or(0, |o| o.parse().unwrap());
            let end = (offset + 50).min(total);
            let items: Vec<_> = (offset..end).map(|i| json!({"metadata": {"uid": format!("p{i}"), "name": format!("project-{i}"), "annotations": {"description": "listed"}}})).collect();
            let next = if end < total { format!("token-{end}") } else { String::new() };
            Reply::json(200, json!({"items": items, "listmeta": {"continue": next, "count": total, "limit": 50, "offset": end}}))
        }
        ("GET", path) if path.starts_with("/v1/projects/") => {
            let uid = path.trim_start_matches("/v1/projects/");
            Reply::json(200, project_json(uid, &format!("fetched-{uid}")))
        }
        ("PUT", _) => Reply::empty(204),
        _ => Reply::empty(500),
    }
}

#[tokio::test]
async fn later_pages_of_a_listing_are_asked_for_at_once_by_offset() {
    let server = TestServer::start(projects_server(120)).await;
    let client = client_for(&server, 0);
    let projects = client.list_project_summaries(&ctx()).await.unwrap();
    assert_eq!(projects.len(), 120);
    assert_eq!(projects[119].annotations["description"], "listed");
    let mut targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    targets.sort();
    assert_eq!(targets, vec!["/v1/dashboard/projects?limit=50", "/v1/dashboard/projects?limit=50&offset=100", "/v1/dashboard/projects?limit=50&offset=50"]);
    assert!(server.requests().iter().all(|r| r.json() == json!({"filter": {}})));
}

#[tokio::test]
async fn concurrent_project_reads_share_one_listing_until_a_write() {
    let server = TestServer::start(projects_server(60)).await;
    let client = client_for(&server, 0);
    let reads = (0..30).map(|i| {
        let client = client.clone();
        async move { client.project_metadata(&ctx(), &format!("p{i}")).await.unwrap().unwrap() }
    });
    let read = futures::future::join_all(reads).await;
    assert!(read.iter().enumerate().all(|(i, meta)| meta.name == format!("project-{i}")), "{read:?}");
    assert_eq!(count(&server.requests(), "POST", "/v1/dashboard/projects"), 2, "one listing of two pages for 30 reads");
    assert_eq!(count(&server.requests(), "GET", "/v1/projects/p7"), 0);

    // A project the listing lacks is read on its own.
    assert_eq!(client.project_metadata(&ctx(), "p99").await.unwrap().unwrap().name, "fetched-p99");
    assert_eq!(count(&server.requests(), "POST", "/v1/dashboard/projects"), 2);

    client.update_project_meta(&ctx(), "p3", &ObjectMeta::named("renamed")).await.unwrap();
    client.project_metadata(&ctx(), "p3").await.unwrap();
    assert_eq!(count(&server.requests(), "POST", "/v1/dashboard/projects"), 4, "a write ends the snapshot");
}

#[tokio::test]
async fn a_failed_listing_leaves_each_project_to_its_own_read() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::error(403, "OperationForbidden", "no dashboard for this key"),
        _ => Reply::json(200, project_json(request.path().trim_start_matches("/v1/projects/"), "fetched")),
    })
    .await;
    let client = client_for(&server, 0);
    for uid in ["a", "b", "c"] {
        assert_eq!(client.project_metadata(&ctx(), uid).await.unwrap().unwrap().uid, uid);
    }
    let requests = server.requests();
    assert_eq!(count(&requests, "POST", "/v1/dashboard/projects"), 1, "the failure is remembered");
    assert_eq!(requests.iter().filter(|r| r.method == "GET").count(), 3);
}

#[tokio::test]
async fn the_rate_limit_spaces_requests_beyond_the_burst() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({"orgName": "o"}))).await;
    let config = ClientConfig { rate_limit: 4.0, ..ClientConfig::new(server.url(), KEY) };
    let client = PaletteClient::new(config).unwrap();
    assert_eq!(client.rate_limit(), Some(4.0));
    let started = Instant::now();
    // Burst of 10 (2.5 s at 4/s), then one every 250 ms.
    let call = ctx();
    futures::future::join_all((0..12).map(|_| client.user_info(&call))).await.into_iter().for_each(|r| assert!(r.is_ok()));
    assert!(started.elapsed() >= Duration::from_millis(500), "{:?}", started.elapsed());
    let unlimited = PaletteClient::new(ClientConfig { rate_limit: 0.0, ..ClientConfig::new(server.url(), KEY) }).unwrap();
    assert_eq!(unlimited.rate_limit(), None);
}

#[tokio::test]
async fn a_429_pauses_every_request_to_its_prefix() {
    let server = TestServer::start(|_, before| match before.len() {
        0 => Reply::error(429, "TooManyRequests", "slow down"),
        _ => Reply::json(200, project_json("u1", "p")),
    })
    .await;
    let client = client_for(&server, 3);
    let started = Instant::now();
    let call = ctx();
    let (first, second) = tokio::join!(client.get_project(&call, "u1"), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        client.get_project(&call, "u2").await
    });
    assert!(first.unwrap().is_some() && second.unwrap().is_some());
    // The backoff alone would retry after 10 ms; the prefix pauses a second.
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[1].path(), "/v1/projects/u1", "the request that came later waited too: {requests:?}");
}

#[tokio::test]
async fn a_rate_limit_wait_past_the_deadline_fails_at_once() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let client = PaletteClient::new(ClientConfig { rate_limit: 0.5, ..ClientConfig::new(server.url(), KEY) }).unwrap();
    client.user_info(&ctx()).await.unwrap();
    let started = Instant::now();
    let error = client.user_info(&ctx().with_timeout(Duration::from_millis(500))).await.unwrap_err();
    assert!(matches!(error, ClientError::DeadlineExceeded { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(400), "{:?}", started.elapsed());
}

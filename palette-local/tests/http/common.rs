//! Shared helpers of the palette-local HTTP tests: a server, either the whole
//! router in process over an in-memory store or a database file (route-level tests)
//! or a spawned binary on a free loopback port that dies with the test (restarts,
//! signals, start-up failures, connection resets), and a small JSON client that
//! drives both the same way.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use reqwest::header::HeaderMap;
use axum::body::Body;
use axum::Router;
use clap::Parser;
use palette_local::config::Config;
use palette_local::server;
use palette_local::state::AppState;
use reqwest::{Method, RequestBuilder};
use tower::ServiceExt;
use serde_json::{json, Value};
use tempfile::TempDir;

pub const API_KEY: &str = "palette-local-dev-key";

/// A running `palette-local`. Dropping it kills the process; it also exits by itself
/// when this test process dies (its stdin closes).
pub struct Local {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    router: Option<Router>,
    pub url: String,
    client: reqwest::Client,
    _dir: Option<TempDir>,
}

impl Local {
    /// The complete router (every layer included) over an in-memory store with the
    /// built-in seed, called without a socket. Its `url` is not reachable: tests
    /// that need a real connection start the binary.
    pub fn in_process() -> Local {
        Self::in_process_args(&[])
    }

    /// Like [`Local::in_process`] with the binary's command line flags (`--seed`,
    /// lifecycle timings, faults, rate limits), parsed as the binary parses them.
    pub fn in_process_args(args: &[&str]) -> Local {
        Self::in_process_on(Path::new(":memory:"), args)
    }

    /// Like [`Local::in_process_args`] over the database file `db` (which a test
    /// may open to check what the server wrote).
    pub fn in_process_on(db: &Path, args: &[&str]) -> Local {
        let command_line = [OsStr::new("palette-local"), OsStr::new("--db"), db.as_os_str()].into_iter().chain(args.iter().map(OsStr::new));
        let state = AppState::open(&Config::parse_from(command_line)).expect("opening an in-process palette-local");
        Local {
            child: None,
            stdin: None,
            router: Some(server::router(state)),
            url: "http://in-process.invalid".to_string(),
            client: reqwest::Client::new(),
            _dir: None,
        }
    }

    /// A server on a fresh database in a temporary directory, with the built-in seed.
    pub fn start() -> Local {
        Self::start_args(&[])
    }

    /// Like [`Local::start`] with extra flags.
    pub fn start_args(args: &[&str]) -> Local {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("palette-local.db");
        let mut local = Self::start_on(&db, args);
        local._dir = Some(dir);
        local
    }

    /// A server on the database file `db` (kept after the server stops).
    pub fn start_on(db: &Path, args: &[&str]) -> Local {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palette-local"))
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .arg("--exit-on-stdin-eof")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn palette-local");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the startup line");
        let url = palette_local::ready::url(&line).unwrap_or_else(|| panic!("unexpected startup line {line:?}")).to_string();
        Local {
            stdin: child.stdin.take(),
            child: Some(child),
            router: None,
            url,
            client: reqwest::Client::new(),
            _dir: None,
        }
    }

    /// Stops the server the graceful way (stdin closed) and waits for it.
    pub fn stop(mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        self.process().wait().expect("wait for palette-local")
    }

    fn process(&mut self) -> &mut Child {
        self.child.as_mut().expect("a spawned palette-local (this one runs in process)")
    }

    /// Sends `signal` (e.g. `TERM`) to the server process and waits for it to exit.
    pub fn signal_and_wait(mut self, signal: &str) -> std::process::ExitStatus {
        let pid = self.process().id();
        let status = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
        self.process().wait().expect("wait for palette-local")
    }

    /// A request with the default API key.
    pub fn call(&self, method: Method, path: &str) -> Call {
        self.anonymous(method, path).header("ApiKey", API_KEY)
    }

    /// A request without credentials.
    pub fn anonymous(&self, method: Method, path: &str) -> Call {
        Call { builder: self.client.request(method, format!("{}{path}", self.url)), router: self.router.clone() }
    }

    pub fn get(&self, path: &str) -> Call {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str, body: Value) -> Call {
        self.call(Method::POST, path).json(body)
    }

    pub fn put(&self, path: &str, body: Value) -> Call {
        self.call(Method::PUT, path).json(body)
    }

    pub fn patch(&self, path: &str, body: Value) -> Call {
        self.call(Method::PATCH, path).json(body)
    }

    pub fn delete(&self, path: &str) -> Call {
        self.call(Method::DELETE, path)
    }

    /// The UID of the seeded `Default` project.
    pub async fn default_project(&self) -> String {
        self.project_uid("Default").await
    }

    pub async fn project_uid(&self, name: &str) -> String {
        let reply = self.get("/v1/dashboard/projects/metadata").send().await.ok(200);
        reply.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|item| item["metadata"]["name"] == name))
            .map(|item| item["metadata"]["uid"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("no project {name}"))
    }

    pub async fn create_project(&self, name: &str) -> String {
        self.post("/v1/projects", json!({"metadata": {"name": name}})).send().await.ok(201).uid()
    }

    pub async fn registry_uid(&self, name: &str) -> String {
        let reply = self.get("/v1/registries/metadata").send().await.ok(200);
        reply.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|item| item["name"] == name))
            .map(|item| item["uid"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("no registry {name}"))
    }

    /// The UID of catalog pack `name` at `version`.
    pub async fn pack_uid(&self, name: &str, version: &str) -> String {
        let reply = self.get(&format!("/v1/packs?filters=spec.name={name}ANDspec.version={version}")).send().await.ok(200);
        reply.body["items"][0]["metadata"]["uid"].as_str().unwrap_or_else(|| panic!("no pack {name} {version}")).to_string()
    }

    pub async fn stats(&self) -> Value {
        self.get("/__admin/stats").send().await.ok(200).body
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub struct Call {
    builder: RequestBuilder,
    router: Option<Router>,
}

impl Call {
    pub fn project(self, uid: &str) -> Call {
        Call { builder: self.builder.header("ProjectUid", uid), router: self.router }
    }

    pub fn header(self, name: &str, value: &str) -> Call {
        Call { builder: self.builder.header(name, value), router: self.router }
    }

    pub fn json(self, body: Value) -> Call {
        Call { builder: self.builder.json(&body), router: self.router }
    }

    pub fn raw(self, body: &str) -> Call {
        Call { builder: self.builder.header("Content-Type", "application/json").body(body.to_string()), router: self.router }
    }

    /// A body sent as it is, with whatever `Content-Type` the call sets (none by default).
    pub fn body(self, body: &str) -> Call {
        Call { builder: self.builder.body(body.to_string()), router: self.router }
    }

    pub async fn send(self) -> Reply {
        if let Some(router) = self.router {
            return Self::send_in_process(router, self.builder).await;
        }
        let response = self.builder.send().await.expect("request failed");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
        Reply { status, headers, body, text }
    }
}

impl Call {
    async fn send_in_process(router: Router, builder: RequestBuilder) -> Reply {
        let request = axum::http::Request::try_from(builder.build().expect("a well-formed request")).expect("an HTTP request");
        let response = router.oneshot(request.map(Body::new)).await.expect("the router answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("response body");
        let text = String::from_utf8(bytes.to_vec()).expect("a UTF-8 body");
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
        Reply { status, headers, body, text }
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the status (showing the body otherwise) and returns the reply.
    #[track_caller]
    pub fn ok(self, status: u16) -> Reply {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self
    }

    /// Asserts an error reply: status, `V1Error` shape, JSON content type and code.
    #[track_caller]
    pub fn error(self, status: u16, code: &str) -> Reply {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        assert_eq!(self.headers["content-type"], "application/json", "error content type");
        for key in ["code", "message", "details", "ref"] {
            assert!(self.body.get(key).is_some(), "error body lacks {key}: {}", self.text);
        }
        assert_eq!(self.body["code"], code, "error code; body: {}", self.text);
        self
    }

    pub fn uid(&self) -> String {
        self.body["uid"].as_str().unwrap_or_else(|| panic!("no uid in {}", self.text)).to_string()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Whether `text` is 24 lowercase hex characters.
pub fn is_uid(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

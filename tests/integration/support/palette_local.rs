//! The palette-local handle: a real server on a free loopback port with its
//! own SQLite file, restartable on the same port and file, with request and
//! admin helpers (stats, faults, clock).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value as Json};
use tempfile::TempDir;

use super::palette_local_binary;

/// The API key of palette-local's built-in seed.
pub const API_KEY: &str = "palette-local-dev-key";

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

/// A `palette-local` server owned by the test; killed when dropped.
pub struct PaletteLocal {
    child: Option<Child>,
    pub url: String,
    pub api_key: String,
    listen: String,
    args: Vec<String>,
    dir: TempDir,
    http: reqwest::Client,
}

impl PaletteLocal {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts with extra command-line flags (e.g. `["--provision-seconds", "2"]`).
    pub fn start_with(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let mut server = PaletteLocal {
            child: None,
            url: String::new(),
            api_key: API_KEY.to_string(),
            listen: "127.0.0.1:0".to_string(),
            args,
            dir,
            http: reqwest::Client::new(),
        };
        server.spawn();
        server
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("palette.db")
    }

    fn spawn(&mut self) {
        let mut child = Command::new(palette_local_binary())
            .arg("--listen")
            .arg(&self.listen)
            .arg("--db")
            .arg(self.db_path())
            .args(&self.args)
            // The server exits when this test process (holding the pipe) goes away.
            .arg("--exit-on-stdin-eof")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start palette-local");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read palette-local startup line");
        let url = palette_local::ready::url(&line).unwrap_or_else(|| panic!("unexpected palette-local startup line: {line:?}")).to_string();
        // Keep the log pipe drained so the server never blocks on a full pipe.
        let stderr = child.stderr.take().unwrap();
        let log_path = self.dir.path().join("palette-local.log");
        std::thread::spawn(move || {
            let mut log = std::fs::OpenOptions::new().create(true).append(true).open(log_path).unwrap();
            let _ = std::io::copy(&mut BufReader::new(stderr), &mut log);
        });
        self.listen = url.trim_start_matches("http://").to_string();
        self.url = url;
        self.child = Some(child);
    }

    /// Kills the server (like a crash: SIGKILL).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts again on the same port and database file.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Sends a request and returns the status and the JSON body (`Null` when empty).
    pub fn request(&self, method: &str, path: &str, project_uid: Option<&str>, body: Option<Json>) -> (u16, Json) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{}", self.url, path)).header("ApiKey", &self.api_key);
        if let Some(uid) = project_uid {
            request = request.header("ProjectUid", uid);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        runtime().block_on(async move {
            let response = request.send().await.expect("palette-local request");
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Json::Null))
        })
    }

    /// A GET whose body is not JSON (kubeconfig downloads): status and text.
    pub fn get_text(&self, path: &str, project_uid: Option<&str>) -> (u16, String) {
        let mut request = self.http.get(format!("{}{}", self.url, path)).header("ApiKey", &self.api_key);
        if let Some(uid) = project_uid {
            request = request.header("ProjectUid", uid);
        }
        runtime().block_on(async move {
            let response = request.send().await.expect("palette-local request");
            (response.status().as_u16(), response.text().await.unwrap_or_default())
        })
    }

    pub fn get(&self, path: &str) -> Json {
        let (status, body) = self.request("GET", path, None, None);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    pub fn get_in(&self, project_uid: &str, path: &str) -> (u16, Json) {
        self.request("GET", path, Some(project_uid), None)
    }

    /// The uid of a project by name (tenant-scope lookup).
    pub fn project_uid(&self, name: &str) -> Option<String> {
        let list = self.get("/v1/dashboard/projects/metadata");
        list["items"].as_array().unwrap().iter().find(|p| p["metadata"]["name"] == name).map(|p| p["metadata"]["uid"].as_str().unwrap().to_string())
    }

    /// Names of every project on the server.
    pub fn project_names(&self) -> Vec<String> {
        let list = self.get("/v1/dashboard/projects/metadata");
        let mut names: Vec<String> = list["items"].as_array().unwrap().iter().map(|p| p["metadata"]["name"].as_str().unwrap().to_string()).collect();
        names.sort();
        names
    }

    pub fn stats(&self) -> Json {
        self.get("/__admin/stats")
    }

    pub fn reset_stats(&self) {
        let (status, body) = self.request("POST", "/__admin/stats/reset", None, None);
        assert!(status == 200 || status == 204, "reset stats: {status} {body}");
    }

    /// Requests counted for one route template, e.g. `"GET /v1/projects/{uid}"`.
    pub fn calls(&self, route: &str) -> u64 {
        self.stats()["byRoute"][route].as_u64().unwrap_or(0)
    }

    /// Requests counted whose method is one of the writing methods.
    pub fn write_calls(&self) -> u64 {
        let stats = self.stats();
        stats["byRoute"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(route, _)| ["POST ", "PUT ", "PATCH ", "DELETE "].iter().any(|m| route.starts_with(m)) && !route.contains("/dashboard/") && !route.contains("/search"))
            .map(|(_, n)| n.as_u64().unwrap())
            .sum()
    }

    pub fn set_faults(&self, faults: Json) {
        let (status, body) = self.request("POST", "/__admin/faults", None, Some(faults));
        assert!(status == 200 || status == 204, "set faults: {status} {body}");
    }

    pub fn clear_faults(&self) {
        self.set_faults(json!({"rate": 0.0, "resetRate": 0.0, "latencyMs": 0}));
    }

    pub fn advance_time(&self, seconds: u64) {
        let (status, body) = self.request("POST", "/__admin/time/advance", None, Some(json!({ "seconds": seconds })));
        assert!(status == 200 || status == 204, "advance time: {status} {body}");
    }
}

impl Drop for PaletteLocal {
    fn drop(&mut self) {
        self.kill();
    }
}

//! Integration-test harness: a real `palette-local` on a free loopback port with
//! its own SQLite file, and the real `terraform` binary driving the real provider
//! binary through `dev_overrides` in a CLI config of its own.
//!
//! Every test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use tempfile::TempDir;

pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/spectrocloud/spectrocloud";

/// The API key of palette-local's built-in seed.
pub const API_KEY: &str = "palette-local-dev-key";

/// How long any single terraform command may run before the test fails.
const TERRAFORM_COMMAND_LIMIT: Duration = Duration::from_secs(300);

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

/// `target/<profile>/`, where cargo puts the binaries this test runs.
fn profile_dir() -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test's own path");
    test_exe.parent().and_then(Path::parent).expect("target/<profile>/deps").to_path_buf()
}

/// The workspace's `palette-local` binary, built beside this test (its crate is a
/// default member, so `cargo test` at the root builds it first).
pub fn palette_local_binary() -> PathBuf {
    let binary = profile_dir().join("palette-local");
    assert!(binary.exists(), "{} is missing: run the tests from the workspace root (`cargo test --release`), which builds it", binary.display());
    binary
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
        let url = line
            .trim()
            .strip_prefix("palette-local listening on ")
            .unwrap_or_else(|| panic!("unexpected palette-local startup line: {line:?}"))
            .to_string();
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

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("palette-local.log")).unwrap_or_default()
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

/// The terraform binary: `TF_BINARY`, else `terraform` on PATH.
pub fn terraform_binary() -> PathBuf {
    std::env::var_os("TF_BINARY").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("terraform"))
}

/// `(major, minor, patch)` of the terraform binary in use.
pub fn terraform_version() -> (u32, u32, u32) {
    static VERSION: OnceLock<(u32, u32, u32)> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let out = Command::new(terraform_binary()).arg("version").env("CHECKPOINT_DISABLE", "1").output().expect("run terraform version");
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text.split_whitespace().nth(1).expect("terraform version line").trim_start_matches('v');
        let mut parts = version.split('.').map(|p| p.split('-').next().unwrap().parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    })
}

/// Import blocks (and `plan -generate-config-out`) exist from Terraform 1.5.
pub fn supports_import_blocks() -> bool {
    terraform_version() >= (1, 5, 0)
}

/// The terraform version as text, e.g. `1.11.4`.
pub fn terraform_version_text() -> String {
    let (major, minor, patch) = terraform_version();
    format!("{major}.{minor}.{patch}")
}

/// The output of one terraform command.
#[derive(Debug)]
pub struct TfOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl TfOutput {
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A terraform working directory with its own CLI config pointing the
/// `spectrocloud/spectrocloud` provider at the binary under test.
pub struct Terraform {
    pub dir: TempDir,
    env: Vec<(String, String)>,
}

impl Terraform {
    /// A workspace whose CLI config points the provider address at the
    /// binary under test with `dev_overrides` (no `terraform init` needed).
    pub fn new(palette: &PaletteLocal) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let plugin_dir = dir.path().join("plugin");
        std::fs::create_dir(&plugin_dir).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_terraform-provider-spectrocloud"), plugin_dir.join("terraform-provider-spectrocloud")).unwrap();
        let installation = dev_overrides(&[(PROVIDER_ADDRESS, &plugin_dir)]);
        Self::with_installation(palette, dir, &installation)
    }

    /// A workspace that installs the provider with `terraform init` from a
    /// filesystem mirror (as `scripts/mirror.sh` lays it out), never from the network.
    pub fn with_mirror(palette: &PaletteLocal, mirror: &Path) -> Self {
        let namespace = PROVIDER_ADDRESS.rsplit_once('/').unwrap().0;
        let installation = format!(
            "  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{namespace}/*\"]\n  }}\n  direct {{\n    exclude = [\"{namespace}/*\"]\n  }}\n",
            mirror.display()
        );
        Self::with_installation(palette, tempfile::tempdir().unwrap(), &installation)
    }

    fn with_installation(palette: &PaletteLocal, dir: TempDir, installation: &str) -> Self {
        let cli_config = dir.path().join("cli.tfrc");
        write_cli_config(&cli_config, installation);
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        let env = vec![
            ("TF_CLI_CONFIG_FILE".to_string(), cli_config.display().to_string()),
            ("CHECKPOINT_DISABLE".to_string(), "1".to_string()),
            ("TF_IN_AUTOMATION".to_string(), "1".to_string()),
            ("TF_INPUT".to_string(), "0".to_string()),
            ("SPECTROCLOUD_HOST".to_string(), palette.url.clone()),
            ("SPECTROCLOUD_APIKEY".to_string(), palette.api_key.clone()),
        ];
        Terraform { dir, env }
    }

    pub fn work_dir(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Installs `binary` as provider `address` (e.g. `registry.terraform.io/test/probe`,
    /// binary name `terraform-provider-probe`) beside the provider under test.
    pub fn add_provider(&self, address: &str, binary: &Path) {
        let kind = address.rsplit('/').next().unwrap();
        let extra_dir = self.dir.path().join(format!("plugin-{kind}"));
        std::fs::create_dir_all(&extra_dir).unwrap();
        std::os::unix::fs::symlink(binary, extra_dir.join(format!("terraform-provider-{kind}"))).unwrap();
        write_cli_config(&self.dir.path().join("cli.tfrc"), &dev_overrides(&[(PROVIDER_ADDRESS, &self.dir.path().join("plugin")), (address, &extra_dir)]));
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    pub fn remove_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
    }

    /// Writes `main.tf`: the provider requirement, an empty provider block
    /// unless `body` has its own (settings come from the environment), and `body`.
    pub fn config(&self, body: &str) {
        let requirement = "terraform {\n  required_providers {\n    spectrocloud = {\n      source = \"spectrocloud/spectrocloud\"\n    }\n  }\n}\n\n";
        let provider = if body.contains("provider \"spectrocloud\"") { "" } else { "provider \"spectrocloud\" {}\n\n" };
        std::fs::write(self.work_dir().join("main.tf"), format!("{requirement}{provider}{body}\n")).unwrap();
    }

    /// Writes `main.tf` verbatim.
    pub fn config_raw(&self, contents: &str) {
        std::fs::write(self.work_dir().join("main.tf"), contents).unwrap();
    }

    pub fn write_file(&self, name: &str, contents: &str) {
        std::fs::write(self.work_dir().join(name), contents).unwrap();
    }

    /// A terraform command in a process group of its own, as a shell runs a
    /// job, so [`interrupt`] can signal it the way a terminal's Ctrl-C does.
    pub fn command(&self, args: &[&str]) -> Command {
        use std::os::unix::process::CommandExt as _;
        let mut command = Command::new(terraform_binary());
        command.args(args).current_dir(self.work_dir()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command.process_group(0);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        command
    }

    /// Runs a terraform command to completion (bounded in time).
    pub fn run(&self, args: &[&str]) -> TfOutput {
        let child = self.command(args).spawn().expect("start terraform");
        wait_with_limit(child, TERRAFORM_COMMAND_LIMIT, &format!("terraform {}", args.join(" ")))
    }

    fn run_ok(&self, args: &[&str]) -> TfOutput {
        let out = self.run(args);
        assert!(out.status.success(), "terraform {} failed:\n{}", args.join(" "), out.combined());
        out
    }

    pub fn apply(&self) -> TfOutput {
        self.run_ok(&["apply", "-auto-approve", "-no-color"])
    }

    pub fn apply_result(&self) -> TfOutput {
        self.run(&["apply", "-auto-approve", "-no-color"])
    }

    pub fn destroy(&self) -> TfOutput {
        self.run_ok(&["destroy", "-auto-approve", "-no-color"])
    }

    pub fn plan(&self) -> TfOutput {
        self.run(&["plan", "-detailed-exitcode", "-no-color"])
    }

    /// Asserts `plan -detailed-exitcode` exits 0 (no changes).
    #[track_caller]
    pub fn assert_clean_plan(&self) {
        let out = self.plan();
        assert_eq!(out.code(), 0, "expected an empty plan:\n{}", out.combined());
    }

    /// Asserts `plan -detailed-exitcode` exits 2 (changes) and returns the output.
    #[track_caller]
    pub fn assert_changes_planned(&self) -> TfOutput {
        let out = self.plan();
        assert_eq!(out.code(), 2, "expected planned changes:\n{}", out.combined());
        out
    }

    pub fn import(&self, address: &str, id: &str) -> TfOutput {
        self.run_ok(&["import", "-no-color", address, id])
    }

    /// `terraform show -json` of the current state.
    pub fn state(&self) -> Json {
        let out = self.run_ok(&["show", "-json", "-no-color"]);
        serde_json::from_str(&out.stdout).expect("state json")
    }

    /// The attribute values of one resource address in state.
    pub fn resource(&self, address: &str) -> Json {
        let state = self.state();
        let resources = state["values"]["root_module"]["resources"].as_array().cloned().unwrap_or_default();
        resources
            .into_iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or_else(|| panic!("{address} not in state"))
    }

    /// Addresses of every resource (not data source) in state.
    pub fn addresses(&self) -> Vec<String> {
        let state = self.state();
        let resources = state["values"]["root_module"]["resources"].as_array().cloned().unwrap_or_default();
        resources.into_iter().filter(|r| r["mode"] == "managed").map(|r| r["address"].as_str().unwrap().to_string()).collect()
    }

    /// Replaces `terraform.tfstate` (as a user switching binaries keeps theirs).
    pub fn write_state_file(&self, state: &Json) {
        std::fs::write(self.work_dir().join("terraform.tfstate"), serde_json::to_string_pretty(state).unwrap()).unwrap();
    }

    pub fn state_file(&self) -> Option<Json> {
        std::fs::read_to_string(self.work_dir().join("terraform.tfstate")).ok().map(|s| serde_json::from_str(&s).unwrap())
    }
}

/// Writes a CLI config with the given `provider_installation` body.
fn write_cli_config(path: &Path, installation: &str) {
    std::fs::write(path, format!("provider_installation {{\n{installation}}}\n")).unwrap();
}

/// An installation whose `dev_overrides` install each `(address, directory)`.
fn dev_overrides(overrides: &[(&str, &Path)]) -> String {
    let lines: String = overrides.iter().map(|(address, dir)| format!("    \"{address}\" = \"{}\"\n", dir.display())).collect();
    format!("  dev_overrides {{\n{lines}  }}\n  direct {{}}\n")
}

/// The protocol probe provider (examples/protocol_probe), which `cargo test`
/// builds beside the test binaries (`target/<profile>/examples/`).
pub fn probe_binary() -> PathBuf {
    let probe = profile_dir().join("examples").join("protocol_probe");
    assert!(probe.exists(), "{} is missing: run the tests with `cargo test`, which builds examples", probe.display());
    probe
}

/// Every file inside a saved plan (a zip archive), concatenated, unpacked with
/// Python's zipfile module (Python is part of the test machine's toolset).
pub fn saved_plan_contents(plan: &Path) -> String {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n    sys.stdout.write(n + '\\n')\n    sys.stdout.write(z.read(n).decode('utf-8', 'replace'))\n";
    let out = Command::new("python3").arg("-c").arg(script).arg(plan).output().expect("run python3");
    assert!(out.status.success(), "cannot unpack {}: {}", plan.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits for a child, collecting its output, killing it past `limit`.
pub fn wait_with_limit(mut child: Child, limit: Duration, what: &str) -> TfOutput {
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}:\n{}\n{}", stdout.join().unwrap(), stderr.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    TfOutput { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Waits for a terraform command while moving palette-local's clock on by
/// `step` seconds every 50 ms, so that waits on simulated lifecycles end.
pub fn finish_on_clock(palette: &PaletteLocal, mut child: Child, step: u64, what: &str) -> TfOutput {
    let finished = eventually(Duration::from_secs(120), || {
        palette.advance_time(step);
        child.try_wait().unwrap().is_some()
    });
    assert!(finished, "{what} did not finish on the clock");
    wait_with_limit(child, Duration::from_secs(10), what)
}

/// Polls `condition` every 50 ms until it holds or `limit` passes.
pub fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    condition()
}

/// Sends SIGINT to the process group of a command started by
/// [`Terraform::command`], which is what Ctrl-C in a terminal does: the whole
/// foreground job gets it. (Terraform before 1.1 runs as a child of a
/// panicwrap parent that ignores SIGINT, so signalling the parent's PID alone
/// reaches nothing; providers ignore SIGINT and wait for Terraform's stop.)
pub fn interrupt(pid: u32) {
    let status = Command::new("kill").arg("-INT").arg("--").arg(format!("-{pid}")).status().expect("run kill");
    assert!(status.success());
}

/// The path of a file under the crate's `examples/` directory.
pub fn example_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(relative)
}

//! The terraform workspace: a working directory with a CLI config of its own
//! that installs the provider under test (or the protocol probe) with
//! `dev_overrides`, or from a filesystem mirror, and runs the real `terraform`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value as Json;
use tempfile::TempDir;

use super::{probe_binary, wait_with_limit, PaletteLocal};

pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/spectrocloud/spectrocloud";

/// How long any single terraform command may run before the test fails.
const TERRAFORM_COMMAND_LIMIT: Duration = Duration::from_secs(300);

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
/// `spectrocloud/spectrocloud` provider at the binary under test (or the probe).
pub struct Terraform {
    pub dir: TempDir,
    env: Vec<(String, String)>,
}

impl Terraform {
    /// A workspace whose CLI config points the provider address at the
    /// binary under test with `dev_overrides` (no `terraform init` needed).
    pub fn new(palette: &PaletteLocal) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let installation = install_plugin(&dir, Path::new(env!("CARGO_BIN_EXE_terraform-provider-spectrocloud")));
        Self::with_installation(dir, &installation, palette_env(palette))
    }

    /// A workspace with the protocol probe (examples/protocol_probe) installed
    /// as the provider: it serves `spectrocloud_probe` and calls no API.
    pub fn probe() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let installation = install_plugin(&dir, &probe_binary());
        Self::with_installation(dir, &installation, Vec::new())
    }

    /// A workspace that installs the provider with `terraform init` from a
    /// filesystem mirror (as `scripts/mirror.sh` lays it out), never from the network.
    pub fn with_mirror(palette: &PaletteLocal, mirror: &Path) -> Self {
        let namespace = PROVIDER_ADDRESS.rsplit_once('/').unwrap().0;
        let installation = format!(
            "  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{namespace}/*\"]\n  }}\n  direct {{\n    exclude = [\"{namespace}/*\"]\n  }}\n",
            mirror.display()
        );
        Self::with_installation(tempfile::tempdir().unwrap(), &installation, palette_env(palette))
    }

    fn with_installation(dir: TempDir, installation: &str, provider_env: Vec<(String, String)>) -> Self {
        let cli_config = dir.path().join("cli.tfrc");
        write_cli_config(&cli_config, installation);
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        let mut env = vec![
            ("TF_CLI_CONFIG_FILE".to_string(), cli_config.display().to_string()),
            ("CHECKPOINT_DISABLE".to_string(), "1".to_string()),
            ("TF_IN_AUTOMATION".to_string(), "1".to_string()),
            ("TF_INPUT".to_string(), "0".to_string()),
        ];
        env.extend(provider_env);
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
        // A developer's own logging or reattach settings must not leak into a test.
        for inherited in ["TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_REATTACH_PROVIDERS"] {
            command.env_remove(inherited);
        }
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

    /// Runs `terraform <args> -no-color` and fails the test with its output
    /// unless it exits with `code`; returns stdout and stderr together.
    #[track_caller]
    pub fn expect(&self, code: i32, args: &[&str]) -> String {
        let args = [args, &["-no-color"]].concat();
        let out = self.run(&args);
        assert_eq!(out.code(), code, "terraform {}:\n{}", args.join(" "), out.combined());
        out.combined()
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

/// The provider settings that point it at `palette`.
fn palette_env(palette: &PaletteLocal) -> Vec<(String, String)> {
    vec![("SPECTROCLOUD_HOST".to_string(), palette.url.clone()), ("SPECTROCLOUD_APIKEY".to_string(), palette.api_key.clone())]
}

/// Links `binary` into the workspace's `plugin/` directory as the provider and
/// returns the `dev_overrides` installation that points the address there.
fn install_plugin(dir: &TempDir, binary: &Path) -> String {
    let plugin_dir = dir.path().join("plugin");
    std::fs::create_dir(&plugin_dir).unwrap();
    std::os::unix::fs::symlink(binary, plugin_dir.join("terraform-provider-spectrocloud")).unwrap();
    dev_overrides(&[(PROVIDER_ADDRESS, &plugin_dir)])
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

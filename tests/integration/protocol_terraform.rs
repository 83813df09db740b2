//! The protocol layer against the real `terraform` binary (`TF_BINARY`, else
//! `terraform` on PATH), through the probe provider in examples/protocol_probe
//! installed with `dev_overrides`: handshake and AutoMTLS, schema, plan/apply
//! consistency, diagnostics with attribute paths, large messages, state
//! upgrade, import, logging, and prompt shutdown.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use crate::support::{probe_binary, Terraform, PROVIDER_ADDRESS};

const COOKIE: (&str, &str) =
    ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2");

/// A probe workspace whose `main.tf` is `body` under the provider requirement.
fn probe_workspace(body: &str) -> Terraform {
    let tf = Terraform::probe();
    write_config(&tf, body);
    tf
}

fn write_config(tf: &Terraform, body: &str) {
    tf.config_raw(&format!("terraform {{\n  required_providers {{\n    spectrocloud = {{ source = \"{PROVIDER_ADDRESS}\" }}\n  }}\n}}\n{body}"));
}

fn resource<'a>(state: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in state"))
}

const LIFECYCLE: &str = r#"
provider "spectrocloud" { label = "test" }

resource "spectrocloud_probe" "a" {
  name = "alpha"
  note = "first"
  size = 0.1
  tags = ["team:platform:core", "k"]
  timeouts { create = "5m" }
}

resource "spectrocloud_probe" "many" {
  for_each = toset(["b", "c"])
  name     = each.key
}

data "spectrocloud_probe" "d" { name = spectrocloud_probe.a.name }

output "greeting" { value = data.spectrocloud_probe.d.greeting }
"#;

#[test]
fn lifecycle_apply_plan_update_replace_import_destroy() {
    let ws = probe_workspace(LIFECYCLE);
    ws.expect(0, &["apply", "-auto-approve"]);
    ws.expect(0, &["plan", "-detailed-exitcode"]);
    let state = ws.state();
    let a = &resource(&state, "spectrocloud_probe.a")["values"];
    assert_eq!(a["id"], "probe-alpha");
    assert_eq!(a["size"], 0.1);
    assert_eq!(a["tags"], serde_json::json!(["k", "team:platform:core"]));
    assert_eq!(a["timeouts"]["create"], "5m");
    assert_eq!(state["values"]["outputs"]["greeting"]["value"], "hello, alpha");

    // In-place update keeps the id; a new name replaces the object.
    write_config(&ws, &LIFECYCLE.replace("\"first\"", "\"second\""));
    let text = ws.expect(0, &["apply", "-auto-approve"]);
    assert!(text.contains("0 added, 1 changed, 0 destroyed"), "{text}");
    write_config(&ws, &LIFECYCLE.replace("\"first\"", "\"second\"").replace("\"alpha\"", "\"omega\""));
    let text = ws.expect(0, &["apply", "-auto-approve"]);
    assert!(text.contains("forces replacement") && text.contains("1 added, 0 changed, 1 destroyed"), "{text}");
    ws.expect(0, &["plan", "-detailed-exitcode"]);

    // Import rebuilds the object from its id; a bad id is one clear error.
    ws.expect(0, &["state", "rm", "spectrocloud_probe.many[\"b\"]"]);
    ws.expect(0, &["import", "spectrocloud_probe.many[\"b\"]", "probe-b"]);
    ws.expect(0, &["plan", "-detailed-exitcode"]);
    ws.expect(0, &["state", "rm", "spectrocloud_probe.many[\"b\"]"]);
    let text = ws.expect(1, &["import", "spectrocloud_probe.many[\"b\"]", "bogus"]);
    assert!(text.contains("Invalid probe ID"), "{text}");

    ws.expect(0, &["destroy", "-auto-approve"]);
    assert_eq!(ws.expect(0, &["state", "list"]).trim(), "");
}

#[test]
fn diagnostics_point_at_the_attribute() {
    let ws = probe_workspace("resource \"spectrocloud_probe\" \"bad\" {\n  size = 1\n  name = \"\"\n}\n");
    let text = ws.expect(1, &["validate"]);
    assert!(text.contains("Empty probe name"), "{text}");
    assert!(text.contains("line 8") && text.contains("name = \"\""), "diagnostic should point at the name line:\n{text}");
}

#[test]
fn five_megabyte_values_cross_both_ways() {
    let ws = probe_workspace("resource \"spectrocloud_probe\" \"big\" {\n  name = \"big\"\n  note = format(\"%05000000d\", 7)\n}\n");
    ws.expect(0, &["apply", "-auto-approve"]);
    ws.expect(0, &["plan", "-detailed-exitcode"]);
}

#[test]
fn state_written_by_schema_version_0_is_upgraded() {
    let ws = probe_workspace("resource \"spectrocloud_probe\" \"old\" { name = \"old\" }\n");
    ws.expect(0, &["apply", "-auto-approve"]);
    // Rewrite the stored object as version 0 would have stored it (no `note`).
    let path = ws.work_dir().join("terraform.tfstate");
    let mut state: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    state["serial"] = serde_json::json!(state["serial"].as_i64().unwrap() + 1);
    let instance = &mut state["resources"][0]["instances"][0];
    instance["schema_version"] = serde_json::json!(0);
    instance["attributes"].as_object_mut().unwrap().remove("note");
    std::fs::write(&path, serde_json::to_vec_pretty(&state).unwrap()).unwrap();

    ws.expect(0, &["plan", "-detailed-exitcode"]);
    ws.expect(0, &["apply", "-refresh-only", "-auto-approve"]);
    let upgraded = ws.state();
    assert_eq!(resource(&upgraded, "spectrocloud_probe.old")["schema_version"], 1);
}

#[test]
fn provider_logs_are_structured_lines_and_shutdown_is_graceful() {
    let mut ws = probe_workspace("resource \"spectrocloud_probe\" \"log\" { name = \"log\" }\n");
    ws.set_env("TF_LOG", "DEBUG");
    let output = ws.run(&["apply", "-auto-approve"]);
    assert!(output.status.success());
    let log = &output.stderr;
    assert!(
        log.contains("[INFO]  provider.terraform-provider-spectrocloud: probe configured:"),
        "provider INFO lines should be parsed from hclog JSON:\n{log}"
    );
    assert!(log.contains("@module=terraform_plugin.protocol.grpc rpc=") || log.contains("rpc=ApplyResourceChange"));
    assert!(!log.contains("\"@level\""), "a provider line was not parsed as JSON");
    assert!(!log.contains("failed to exit gracefully"), "the plugin did not exit after Shutdown");
    assert!(!log.contains("unexpected data"), "nothing may be written to the stdio stream");
}

#[test]
fn handshake_announces_a_unix_socket_and_an_unpadded_certificate_and_sigint_is_ignored() {
    let client_certificate = {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().self_signed(&key).unwrap().pem()
    };
    let probe = probe_binary();
    let started = Instant::now();
    let mut child = Command::new(probe)
        .env(COOKIE.0, COOKIE.1)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", client_certificate)
        .env_remove("TF_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let elapsed = started.elapsed();
    eprintln!("process start to handshake line: {elapsed:?}");

    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields[..3], ["1", "6", "unix"]);
    assert_eq!(fields[4], "grpc");
    assert!(Path::new(fields[3]).exists(), "socket {} should exist", fields[3]);
    assert!(!fields[5].ends_with('='), "certificate must be unpadded base64");
    let der = base64::engine::general_purpose::STANDARD_NO_PAD.decode(fields[5]).unwrap();
    assert_eq!(der[0], 0x30, "a DER certificate starts with a SEQUENCE");
    assert!(elapsed < Duration::from_secs(2), "handshake took {elapsed:?}");

    // SIGINT (a Ctrl-C reaching Terraform's process group) is ignored...
    let pid = child.id().to_string();
    let signal = |name: &str| Command::new("kill").arg(format!("-{name}")).arg(&pid).status().unwrap();
    signal("INT");
    std::thread::sleep(Duration::from_millis(200));
    assert!(child.try_wait().unwrap().is_none(), "SIGINT must not stop the plugin");
    // ...SIGTERM stops it and removes the socket.
    signal("TERM");
    assert!(child.wait().unwrap().success());
    assert!(!Path::new(fields[3]).exists(), "socket should be removed on exit");
}

#[test]
fn run_by_hand_it_explains_itself_and_exits_1() {
    let output = Command::new(probe_binary()).env_remove(COOKIE.0).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing may reach stdout");
    assert!(String::from_utf8_lossy(&output.stderr).contains("Terraform provider plugin"));
}

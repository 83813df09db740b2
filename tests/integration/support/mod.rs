//! Integration-test support, shared by every test module:
//! [`PaletteLocal`] (a real `palette-local` on a free loopback port with its own
//! SQLite file) and [`Terraform`] (the real `terraform` binary driving the real
//! provider binary, or the protocol probe, through a CLI config of its own).

mod palette_local;
mod terraform;

pub use palette_local::*;
pub use terraform::*;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

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

"""Shared pieces of the benchmark scripts: release binaries, a palette-local
server and a Terraform CLI config pointing at the provider, measured runs,
palette-local's /__admin/stats and its injected latency."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release")
PROVIDER = os.path.join(RELEASE, "terraform-provider-spectrocloud")
PALETTE_LOCAL = os.path.join(RELEASE, "palette-local")
# A provider on the same protocol and framework that calls no API (built by `cargo test`).
PROBE = os.path.join(RELEASE, "examples", "protocol_probe")
API_KEY = "palette-local-dev-key"
TERRAFORM = os.environ.get("TF_BINARY") or shutil.which("terraform")
PROVIDER_NAME = "terraform-provider-spectrocloud"
PROVIDER_HEADER = ('terraform {\n  required_providers {\n    spectrocloud = { source = "spectrocloud/spectrocloud" }\n  }\n}\n'
                   'provider "spectrocloud" {}\n')


# palette-local's ready line (palette-local/src/ready.rs): its first line on stdout, before its URL.
READY_PREFIX = "palette-local listening on "


def read_ready_url(stdout):
    """The URL from palette-local's ready line on `stdout` (a binary pipe), or
    None when the server exited before printing it."""
    line = stdout.readline().decode().strip()
    return line.removeprefix(READY_PREFIX) if line.startswith(READY_PREFIX) else None


def process_tree(root_pid):
    """The pids of root_pid and all its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    pids, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    return pids


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def command_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def run_measured(args, cwd, env):
    """Runs a command; returns (seconds, peak tree RSS KiB, peak provider RSS KiB)."""
    started = time.monotonic()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = {"tree": 0, "provider": 0}

    def sample():
        while proc.poll() is None:
            pids = process_tree(proc.pid)
            sizes = [(rss_kib(p), command_name(p)) for p in pids]
            peak["tree"] = max(peak["tree"], sum(s for s, _ in sizes))
            provider = [s for s, name in sizes if name.startswith(PROVIDER_NAME[:15])]
            if provider:
                peak["provider"] = max(peak["provider"], max(provider))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = proc.communicate()
    sampler.join()
    elapsed = time.monotonic() - started
    if proc.returncode not in (0, 2):
        sys.exit(f"{' '.join(args)} failed:\n{stderr.decode()}")
    return elapsed, peak["tree"], peak["provider"]


def api(url, method="GET", path="/__admin/stats", body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"ApiKey": API_KEY, "Content-Type": "application/json"}
    request = urllib.request.Request(url + path, method=method, headers=headers, data=data)
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return json.loads(body) if body else None


def reset_stats(url):
    api(url, "POST", "/__admin/stats/reset")


def set_latency(url, ms):
    """Makes palette-local add `ms` milliseconds to every /v1 request."""
    api(url, "POST", "/__admin/faults", {"latencyMs": ms})


def plan_command(parallelism=None):
    command = [TERRAFORM, "plan", "-detailed-exitcode", "-input=false"]
    return command + ([f"-parallelism={parallelism}"] if parallelism else [])


# The provider keeps under Palette's rate limit by default; against a
# palette-local that enforces none, the benchmarks of the provider's own speed
# turn that off, as a user of such a server would.
UNLIMITED_CLIENT = {"SPECTROCLOUD_RATE_LIMIT": "0"}


def install_plugin(work, name, binary):
    """Installs `binary` as the provider in the directory `work/name` and returns
    the path of a Terraform CLI configuration that points Terraform at it."""
    plugin = os.path.join(work, name)
    os.mkdir(plugin)
    os.symlink(binary, os.path.join(plugin, PROVIDER_NAME))
    config = os.path.join(work, name + ".tfrc")
    with open(config, "w") as f:
        f.write('provider_installation {\n  dev_overrides {\n    "registry.terraform.io/spectrocloud/spectrocloud" = "%s"\n  }\n  direct {}\n}\n' % plugin)
    return config


@contextmanager
def bench_environment(server_args=(), env=None):
    """Yields (work directory, palette-local URL, environment for terraform);
    stops the server and removes the directory afterwards. `server_args` go to
    palette-local; `env` is added to terraform's environment (default: no
    client-side rate limit)."""
    if not TERRAFORM:
        sys.exit("terraform not found (set TF_BINARY)")
    work = tempfile.mkdtemp()
    server = subprocess.Popen([PALETTE_LOCAL, "--listen", "127.0.0.1:0", "--db", os.path.join(work, "palette.db"), *server_args],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        url = read_ready_url(server.stdout)
        if url is None:
            sys.exit("palette-local did not start")
        terraform_env = dict(os.environ, TF_CLI_CONFIG_FILE=install_plugin(work, "plugin", PROVIDER), CHECKPOINT_DISABLE="1",
                             TF_IN_AUTOMATION="1", SPECTROCLOUD_HOST=url, SPECTROCLOUD_APIKEY=API_KEY)
        terraform_env.update(UNLIMITED_CLIENT if env is None else env)
        yield work, url, terraform_env
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


def workspace(work, name, config, env):
    """A directory holding `config` as main.tf (initialised when it needs a
    provider other than ours)."""
    directory = os.path.join(work, name)
    os.mkdir(directory)
    with open(os.path.join(directory, "main.tf"), "w") as f:
        f.write(config)
    if "spectrocloud" not in config:
        subprocess.run([TERRAFORM, "init", "-input=false"], cwd=directory, env=env, check=True, stdout=subprocess.DEVNULL)
    return directory


def apply(directory, env):
    return run_measured([TERRAFORM, "apply", "-auto-approve", "-input=false"], directory, env)


def median_plan(url, directory, env, plans=5, parallelism=None, pause=0):
    """Times `plans` plans and returns the median run with palette-local's
    stats of the last plan; `pause` seconds pass before each plan after the first."""
    runs = []
    for index in range(plans):
        if index and pause:
            time.sleep(pause)
        reset_stats(url)
        runs.append(run_measured(plan_command(parallelism), directory, env))
    return sorted(runs)[len(runs) // 2], api(url)


def apply_then_plan(work, url, env, configs, plans=5):
    """For each (kind, config): applies it in a directory of its own, then
    times `plans` plans (the median counts: one plan of small configurations
    is too short to time alone), with palette-local's stats covering the last
    one only. Returns kind → {"apply", "plan", "stats"}."""
    results = {}
    for kind, config in configs.items():
        directory = workspace(work, kind, config, env)
        applied = apply(directory, env)
        plan, stats = median_plan(url, directory, env, plans)
        results[kind] = {"apply": applied, "plan": plan, "stats": stats}
    return results


def terraform_data_config(n):
    return 'resource "terraform_data" "r" {\n  count = %d\n  input = "item-${count.index}"\n}\n' % n


def terraform_version(env):
    return subprocess.run([TERRAFORM, "version"], env=env, capture_output=True, text=True).stdout.splitlines()[0]


def print_ratios(base, ours):
    """The wall-time and peak-memory table of two apply_then_plan results."""
    print(f"{'':26}{'terraform_data':>16}{'spectrocloud':>16}{'ratio':>8}")
    for phase in ("apply", "plan"):
        b, o = base[phase], ours[phase]
        print(f"{phase + ' wall time (s)':26}{b[0]:16.2f}{o[0]:16.2f}{o[0] / b[0]:8.2f}")
        print(f"{phase + ' peak memory (MiB)':26}{b[1] / 1024:16.1f}{o[1] / 1024:16.1f}{o[1] / b[1]:8.2f}")
    print(f"provider peak RSS: {max(ours['apply'][2], ours['plan'][2]) / 1024:.1f} MiB")


def plugin_floor(work, n, env):
    """The plan of N resources of the protocol probe, a plugin provider that calls
    no API: the cost of serving a resource through the plugin protocol at all,
    which terraform_data (built into Terraform) never pays. Returns the median
    plan run, or None when the probe is not built."""
    if not os.path.exists(PROBE):
        return None
    probe_env = dict(env, TF_CLI_CONFIG_FILE=install_plugin(work, "probe-plugin", PROBE))
    config = (PROVIDER_HEADER.replace('provider "spectrocloud" {}', 'provider "spectrocloud" { label = "bench" }')
              + 'resource "spectrocloud_probe" "r" {\n  count = %d\n  name  = "item-${count.index}"\n}\n' % n)
    directory = workspace(work, "probe", config, probe_env)
    apply(directory, probe_env)
    runs = sorted(run_measured(plan_command(), directory, probe_env) for _ in range(5))
    return runs[2]


def print_floor(base, ours, floor):
    """One line comparing the plan with terraform_data and with the plugin floor."""
    if floor is None:
        print("plugin floor: examples/protocol_probe not built (cargo test --release --no-run builds it)")
        return
    print(f"plugin floor (protocol probe, no API): plan {floor[0]:.2f} s = {floor[0] / base['plan'][0]:.2f}x terraform_data; "
          f"this plan = {ours['plan'][0] / floor[0]:.2f}x the floor")

#!/usr/bin/env python3
"""Benchmark: apply and plan N spectrocloud_project resources against palette-local,
and the same N of Terraform's built-in terraform_data resources, in one run.

Prints wall-time and peak-memory ratios (provider run / terraform_data run), the
provider processes' own peak RSS, the time from provider start to its handshake
line, and the API calls per project per plan (from palette-local's /__admin/stats).

Usage: scripts/bench_projects.py [N]   (expects release binaries in target/release)
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
PROVIDER = os.path.join(RELEASE, "terraform-provider-spectrocloud")
PALETTE_LOCAL = os.path.join(RELEASE, "palette-local")
API_KEY = "palette-local-dev-key"
TERRAFORM = os.environ.get("TF_BINARY") or shutil.which("terraform")
PROVIDER_NAME = "terraform-provider-spectrocloud"


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


def api(url, method="GET", path="/__admin/stats"):
    request = urllib.request.Request(url + path, method=method, headers={"ApiKey": API_KEY})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return json.loads(body) if body else None


def handshake_times(runs=30):
    env = dict(os.environ, TF_PLUGIN_MAGIC_COOKIE="d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
               PLUGIN_PROTOCOL_VERSIONS="6")
    env.pop("PLUGIN_CLIENT_CERT", None)
    times = []
    for _ in range(runs):
        started = time.monotonic()
        proc = subprocess.Popen([PROVIDER], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        proc.stdout.readline()
        times.append((time.monotonic() - started) * 1000)
        proc.terminate()
        proc.wait()
    return statistics.median(times), max(times)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    if not TERRAFORM:
        sys.exit("terraform not found (set TF_BINARY)")
    work = tempfile.mkdtemp()
    server = subprocess.Popen([PALETTE_LOCAL, "--listen", "127.0.0.1:0", "--db", os.path.join(work, "palette.db")],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        url = server.stdout.readline().decode().strip().removeprefix("palette-local listening on ")
        plugin = os.path.join(work, "plugin")
        os.mkdir(plugin)
        os.symlink(PROVIDER, os.path.join(plugin, PROVIDER_NAME))
        with open(os.path.join(work, "cli.tfrc"), "w") as f:
            f.write('provider_installation {\n  dev_overrides {\n    "registry.terraform.io/spectrocloud/spectrocloud" = "%s"\n  }\n  direct {}\n}\n' % plugin)
        env = dict(os.environ, TF_CLI_CONFIG_FILE=os.path.join(work, "cli.tfrc"), CHECKPOINT_DISABLE="1",
                   TF_IN_AUTOMATION="1", SPECTROCLOUD_HOST=url, SPECTROCLOUD_APIKEY=API_KEY)
        configs = {
            "terraform_data": 'resource "terraform_data" "r" {\n  count = %d\n  input = "item-${count.index}"\n}\n' % n,
            "spectrocloud_project": ('terraform {\n  required_providers {\n    spectrocloud = { source = "spectrocloud/spectrocloud" }\n  }\n}\n'
                                     'provider "spectrocloud" {}\n'
                                     'resource "spectrocloud_project" "r" {\n  count = %d\n  name = "bench-${count.index}"\n'
                                     '  tags = ["bench:${count.index}"]\n}\n' % n),
        }
        results = {}
        for kind, config in configs.items():
            directory = os.path.join(work, kind)
            os.mkdir(directory)
            with open(os.path.join(directory, "main.tf"), "w") as f:
                f.write(config)
            if kind == "terraform_data":
                subprocess.run([TERRAFORM, "init", "-input=false"], cwd=directory, env=env, check=True, stdout=subprocess.DEVNULL)
            apply = run_measured([TERRAFORM, "apply", "-auto-approve", "-input=false"], directory, env)
            api(url, "POST", "/__admin/stats/reset")
            plan = run_measured([TERRAFORM, "plan", "-detailed-exitcode", "-input=false"], directory, env)
            stats = api(url)
            results[kind] = {"apply": apply, "plan": plan, "stats": stats}

        base, ours = results["terraform_data"], results["spectrocloud_project"]
        median_ms, max_ms = handshake_times()
        gets = ours["stats"]["byRoute"].get("GET /v1/projects/{uid}", 0)
        version = subprocess.run([TERRAFORM, "version"], env=env, capture_output=True, text=True).stdout.splitlines()[0]
        print(f"N = {n} resources, {version}")
        print(f"{'':26}{'terraform_data':>16}{'spectrocloud':>16}{'ratio':>8}")
        for phase in ("apply", "plan"):
            b, o = base[phase], ours[phase]
            print(f"{phase + ' wall time (s)':26}{b[0]:16.2f}{o[0]:16.2f}{o[0] / b[0]:8.2f}")
            print(f"{phase + ' peak memory (MiB)':26}{b[1] / 1024:16.1f}{o[1] / 1024:16.1f}{o[1] / b[1]:8.2f}")
        print(f"provider peak RSS: {max(ours['apply'][2], ours['plan'][2]) / 1024:.1f} MiB")
        print(f"start to handshake line: median {median_ms:.1f} ms, max {max_ms:.1f} ms (30 runs)")
        print(f"API calls in the plan: {ours['stats']['total']} total, {gets / n:.2f} GET /v1/projects/{{uid}} per project")
        print(f"  by route: {json.dumps(ours['stats']['byRoute'], sort_keys=True)}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

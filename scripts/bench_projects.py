#!/usr/bin/env python3
"""Benchmark: apply and plan N spectrocloud_project resources against palette-local,
and the same N of Terraform's built-in terraform_data resources, in one run.

Prints wall-time and peak-memory ratios (provider run / terraform_data run), the
provider processes' own peak RSS, the time from provider start to its handshake
line, and the API calls per project per plan (from palette-local's /__admin/stats).
The provider's client-side rate limit is off (palette-local enforces none here).

Usage: scripts/bench_projects.py [N]   (expects release binaries in
$CARGO_TARGET_DIR/release, else target/release)
"""

import json
import os
import statistics
import subprocess
import sys
import time

from bench_common import (PROVIDER, PROVIDER_HEADER, apply_then_plan, bench_environment, plugin_floor, print_floor, print_ratios,
                          terraform_data_config, terraform_version)


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
    with bench_environment() as (work, url, env):
        configs = {
            "terraform_data": terraform_data_config(n),
            "spectrocloud_project": (PROVIDER_HEADER + 'resource "spectrocloud_project" "r" {\n  count = %d\n  name = "bench-${count.index}"\n'
                                     '  tags = ["bench:${count.index}"]\n}\n' % n),
        }
        results = apply_then_plan(work, url, env, configs)
        base, ours = results["terraform_data"], results["spectrocloud_project"]
        floor = plugin_floor(work, n, env)
        median_ms, max_ms = handshake_times()
        print(f"N = {n} resources, {terraform_version(env)} (no rate limit on either side)")
        print_ratios(base, ours)
        print_floor(base, ours, floor)
        print(f"start to handshake line: median {median_ms:.1f} ms, max {max_ms:.1f} ms (30 runs)")
        print(f"API calls in the plan: {ours['stats']['total']} total, {ours['stats']['total'] / n:.3f} per project")
        print(f"  by route: {json.dumps(ours['stats']['byRoute'], sort_keys=True)}")


if __name__ == "__main__":
    main()

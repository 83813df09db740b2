#!/usr/bin/env python3
"""Benchmark: sequential round trips and requests of one plan, per resource
kind and for the demo (examples/demo), against palette-local.

For every configuration it applies once, then times plans with palette-local
adding 0 ms and then 100 ms to every request. The extra wall time divided by
100 ms is the number of requests the plan waited for one after the other: its
sequential round trips, measured at -parallelism=1 and at Terraform's default
(10). One more plan at 100 ms with the provider's debug log gives the round
trips inside the provider: ConfigureProvider's, and the slowest ReadResource
of the kind (its refresh). Requests per plan come from palette-local's
/__admin/stats; "per object" leaves out the one request of configure.

Each kind's configuration holds one object and names what it depends on by
UID (created beforehand in a setup workspace), so its plan is the provider's
configure plus that object's refresh.

Usage: scripts/bench_latency.py [--plans N] [--latency-ms MS]
(release binaries in $CARGO_TARGET_DIR/release, else target/release)
"""

import argparse
import json
import os
import re
import subprocess

from bench_common import (PROVIDER_HEADER, ROOT, TERRAFORM, apply, bench_environment, median_plan, plan_command,
                          set_latency, terraform_version, workspace)

SETUP = PROVIDER_HEADER + '''
data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "setup" {
  name = "bench-setup"
  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
    storage_in_gb = 200
  }
  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_cluster_profile" "setup" {
  name = "bench-setup"
  type = "add-on"
  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
  }
}

output "host" { value = data.spectrocloud_cluster.host.id }
output "group" { value = spectrocloud_cluster_group.setup.id }
output "profile" { value = spectrocloud_cluster_profile.setup.id }
'''

MANIFEST = 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: settings\\ndata:\\n  mode: production\\n'


def kind_configs(ids):
    """kind → (configuration, number of objects)."""
    return {
        "spectrocloud_project": ('''
resource "spectrocloud_project" "r" {
  name        = "bench-latency"
  description = "latency benchmark"
  tags        = ["team:bench"]
}
''', 1),
        "spectrocloud_cluster_profile": ('''
resource "spectrocloud_cluster_profile" "r" {
  name = "bench-latency"
  type = "add-on"
  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "controller:\\n  replicaCount: 2\\n"
  }
  pack {
    name = "settings"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "%s"
    }
  }
}
''' % MANIFEST, 1),
        "spectrocloud_application_profile": ('''
resource "spectrocloud_application_profile" "r" {
  name = "bench-latency"
  pack {
    name = "config"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "%s"
    }
  }
}
''' % MANIFEST, 1),
        "spectrocloud_cluster_group": ('''
resource "spectrocloud_cluster_group" "r" {
  name = "bench-latency"
  config {
    cpu_millicore = 8000
    memory_in_mb  = 16384
    storage_in_gb = 100
  }
  clusters {
    cluster_uid = "%s"
  }
}
''' % ids["host"], 1),
        "spectrocloud_virtual_cluster": ('''
resource "spectrocloud_virtual_cluster" "r" {
  name              = "bench-latency"
  cluster_group_uid = "%s"
  resources {
    max_cpu           = 2
    max_mem_in_mb     = 4096
    max_storage_in_gb = 10
  }
  cluster_profile {
    id = "%s"
  }
}
''' % (ids["group"], ids["profile"]), 1),
    }


def demo_config():
    with open(os.path.join(ROOT, "examples", "demo", "main.tf")) as f:
        return f.read(), 8


def outputs(directory, env):
    out = subprocess.run([TERRAFORM, "output", "-json"], cwd=directory, env=env, check=True, capture_output=True, text=True).stdout
    return {name: value["value"] for name, value in json.loads(out).items()}


def measure(url, directory, env, plans, latency_ms, parallelism):
    """(round trips, stats) of one plan at `parallelism`."""
    set_latency(url, 0)
    base, stats = median_plan(url, directory, env, plans, parallelism)
    set_latency(url, latency_ms)
    slow, _ = median_plan(url, directory, env, plans, parallelism)
    set_latency(url, 0)
    return (slow[0] - base[0]) / (latency_ms / 1000), stats


def provider_round_trips(url, directory, env, latency_ms):
    """Round trips inside the provider, from its debug log of one plan at
    `latency_ms`: rpc name (ConfigureProvider, ReadResource <type>, ...) → the
    longest such call, in round trips."""
    log = os.path.join(directory, "provider.log")
    set_latency(url, latency_ms)
    subprocess.run(plan_command(), cwd=directory, env=dict(env, TF_LOG_PROVIDER="DEBUG", TF_LOG_PATH=log),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    set_latency(url, 0)
    longest = {}
    with open(log) as f:
        for line in f:
            if "request served" not in line:
                continue
            fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
            rpc, type_name = fields.get("rpc", ""), fields.get("type_name", "").strip('"')
            key = f"{rpc} {type_name}".strip()
            elapsed = int(fields.get("elapsed_us", 0)) / 1000 / latency_ms
            longest[key] = max(longest.get(key, 0), elapsed)
    return longest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=5, help="plans timed per measurement (median)")
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    # The client keeps its default rate limit: these plans are far below it.
    with bench_environment(["--provision-seconds", "1", "--delete-seconds", "1", "--pause-seconds", "1"], env={}) as (work, url, env):
        setup = workspace(work, "setup", SETUP, env)
        apply(setup, env)
        ids = outputs(setup, env)
        configs = kind_configs(ids)
        configs["demo (examples/demo)"] = demo_config()
        print(f"{terraform_version(env)}; {args.latency_ms} ms added to every request; median of {args.plans} plans")
        print(f"{'':30}{'round trips of one plan':>24}{'in the provider':>20}{'requests':>18}")
        print(f"{'':30}{'-parallelism=1':>14}{'default':>10}{'configure':>11}{'refresh':>9}{'per plan':>9}{'per object':>11}")
        for index, (kind, (config, objects)) in enumerate(configs.items()):
            directory = workspace(work, f"k{index}", config if "terraform {" in config else PROVIDER_HEADER + config, env)
            apply(directory, env)
            serial, stats = measure(url, directory, env, args.plans, args.latency_ms, 1)
            parallel, _ = measure(url, directory, env, args.plans, args.latency_ms, None)
            inside = provider_round_trips(url, directory, env, args.latency_ms)
            refresh = inside.get(f"ReadResource {kind}")
            refresh = f"{refresh:.1f}" if refresh is not None else "-"
            total = stats["total"]
            print(f"{kind:30}{serial:14.1f}{parallel:10.1f}{inside.get('ConfigureProvider', 0):11.1f}{refresh:>9}{total:9d}{(total - 1) / objects:11.2f}")
            if os.environ.get("BENCH_VERBOSE"):
                print(f"    {json.dumps(stats['byRoute'], sort_keys=True)}")
                print(f"    {json.dumps({k: round(v, 1) for k, v in inside.items() if v >= 0.5}, sort_keys=True)}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: plans of 300 projects and of 20 virtual clusters against
palette-local enforcing Palette's published rate limit (--rate-limit 10
--rate-burst 5: 10 requests per second per prefix, 50 at once, 50/s for the
cluster and cloud-config prefixes), printing wall time, requests sent and 429s
received, with the provider's default client-side limit and then with it off.

The applies that create the objects run under the same limit and are timed
too (creates cannot be batched: 300 projects are 300 POSTs, 30 s at 10/s).
Between measurements the script waits for the server's buckets to refill, so
every plan starts from a rested limit as a first plan of the day would.

Usage: scripts/bench_ratelimit.py [--projects N] [--clusters N] [--plans N]
(release binaries in $CARGO_TARGET_DIR/release, else target/release)
"""

import argparse
import time

from bench_common import (PROVIDER_HEADER, UNLIMITED_CLIENT, api, apply, bench_environment, median_plan, reset_stats,
                          terraform_version, workspace)

# Time for an emptied bucket of 10/s × 5 to fill again.
REFILL_SECONDS = 5


def projects_config(n):
    return PROVIDER_HEADER + '''
resource "spectrocloud_project" "r" {
  count       = %d
  name        = "bench-${count.index}"
  description = "project ${count.index}"
  tags        = ["bench:${count.index}"]
}
''' % n


def clusters_config(n):
    return PROVIDER_HEADER + '''
data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "bench" {
  name = "bench"
  # Room for every cluster's quota (20 x 2 CPU, 2 GiB, 10 GB by default).
  config {
    cpu_millicore = 40000
    memory_in_mb  = 40960
    storage_in_gb = 200
  }
  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_virtual_cluster" "r" {
  count             = %d
  name              = "bench-${count.index}"
  cluster_group_uid = spectrocloud_cluster_group.bench.id
  resources {
    max_cpu           = 2
    max_mem_in_mb     = 2048
    max_storage_in_gb = 10
  }
}
''' % n


def row(label, seconds, stats):
    print(f"  {label:40}{seconds:9.2f}{stats['total']:10d}{stats['byStatus'].get('429', 0):7d}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--clusters", type=int, default=20)
    parser.add_argument("--plans", type=int, default=3, help="plans timed per measurement (median)")
    args = parser.parse_args()
    server = ["--rate-limit", "10", "--rate-burst", "5", "--provision-seconds", "1", "--delete-seconds", "1"]
    with bench_environment(server, env={}) as (work, url, env):
        print(f"palette-local {' '.join(server[:4])} (Palette's published limit); {terraform_version(env)}")
        print(f"  {'':40}{'wall (s)':>9}{'requests':>10}{'429s':>7}")
        for name, config in ((f"{args.projects} projects", projects_config(args.projects)),
                             (f"{args.clusters} virtual clusters", clusters_config(args.clusters))):
            directory = workspace(work, name.replace(" ", "-"), config, env)
            reset_stats(url)
            applied = apply(directory, env)
            row(f"{name}: apply", applied[0], api(url))
            time.sleep(REFILL_SECONDS)
            # Each plan is a provider process of its own whose limiter starts afresh,
            # as a CI job's does: the server's budget refills between them.
            plan, stats = median_plan(url, directory, env, args.plans, pause=REFILL_SECONDS)
            row(f"{name}: plan", plan[0], stats)
            time.sleep(REFILL_SECONDS)
            plan, stats = median_plan(url, directory, dict(env, **UNLIMITED_CLIENT), 1)
            row(f"{name}: plan, client limit off", plan[0], stats)
            time.sleep(REFILL_SECONDS)


if __name__ == "__main__":
    main()

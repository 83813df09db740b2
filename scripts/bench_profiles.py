#!/usr/bin/env python3
"""Benchmark: apply and plan N spectrocloud_cluster_profile resources of 6 packs
each (OS, Kubernetes, CNI, CSI, an add-on and a manifest layer) against
palette-local, and the same N of Terraform's built-in terraform_data resources.

Prints the wall-time and peak-memory ratios (profile run / terraform_data run)
and the API calls per profile per plan, by route (from /__admin/stats).

A second baseline is terraform_data holding, in `triggers_replace`, an object
of the profile state's shape (the same attributes, six pack objects, one
manifest): Terraform's own cost of planning objects that size without any
plugin, which the flat terraform_data baseline leaves out.

Usage: scripts/bench_profiles.py [N]   (default 50; expects release binaries in
$CARGO_TARGET_DIR/release, else target/release)
"""

import json
import sys

from bench_common import PROVIDER_HEADER, apply_then_plan, bench_environment, plugin_floor, print_floor, print_ratios, terraform_data_config, terraform_version

# (name, tag) of the registry packs; the sixth layer is a manifest.
PACKS = [("ubuntu-k8s", "22.04"), ("kubernetes", "1.30.4"), ("cni-calico", "3.28.0"), ("csi-longhorn", "1.7.1"), ("nginx", "1.11.2")]


def profiles_config(n):
    packs = "".join(
        '  pack {\n    name          = "%s"\n    tag           = "%s"\n    registry_name = "Public Repo"\n'
        '    values        = "bench: ${count.index}"\n  }\n' % pack for pack in PACKS)
    manifest = ('  pack {\n    name = "extras"\n    type = "manifest"\n    manifest {\n      name    = "namespace"\n'
                '      content = "apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: extras-${count.index}\\n"\n    }\n  }\n')
    return (PROVIDER_HEADER + 'resource "spectrocloud_cluster_profile" "r" {\n  count = %d\n  name  = "bench-${count.index}"\n'
            '  type  = "cluster"\n%s%s}\n' % (n, packs, manifest))


def shaped_terraform_data_config(n):
    """terraform_data resources each storing one object shaped like a profile's state."""
    pack = ('      { name = "%s", tag = "%s", registry_name = "Public Repo", registry_uid = "f453494ea9f71cbc367f3a5c", '
            'type = "spectro", uid = "84b0290b5cdce4840dc66008", values = "bench: ${count.index}", manifest = [] },\n')
    packs = "".join(pack % p for p in PACKS)
    packs += ('      { name = "extras", tag = "", registry_name = null, registry_uid = null, type = "manifest", '
              'uid = "spectro-manifest-pack", values = "", manifest = [{ name = "namespace", uid = "cb96eee1c6d21b46c610dba9", '
              'content = "apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: extras-${count.index}\\n" }] },\n')
    return ('resource "terraform_data" "r" {\n  count = %d\n  triggers_replace = {\n    id = "a985ca66d0b06ddd1fcb1bc5"\n'
            '    name = "bench-${count.index}"\n    cloud = "all"\n    context = "project"\n    description = ""\n'
            '    type = "cluster"\n    version = "1.0.0"\n    skip_destroy = false\n    tags = []\n    profile_variables = []\n'
            '    timeouts = null\n    pack = [\n%s    ]\n  }\n}\n' % (n, packs))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with bench_environment() as (work, url, env):
        results = apply_then_plan(work, url, env, {"terraform_data": terraform_data_config(n), "shaped": shaped_terraform_data_config(n),
                                                   "spectrocloud_cluster_profile": profiles_config(n)})
        base, shaped, ours = results["terraform_data"], results["shaped"], results["spectrocloud_cluster_profile"]
        floor = plugin_floor(work, n, env)
        by_route = ours["stats"]["byRoute"]
        print(f"N = {n} cluster profiles of {len(PACKS) + 1} packs, {terraform_version(env)} (no rate limit on either side)")
        print_ratios(base, ours)
        print_floor(base, ours, floor)
        print(f"terraform_data holding a profile-shaped object: plan {shaped['plan'][0]:.2f} s = {shaped['plan'][0] / base['plan'][0]:.2f}x "
              f"terraform_data; this plan = {ours['plan'][0] / shaped['plan'][0]:.2f}x the shaped baseline")
        print(f"API calls in the plan: {ours['stats']['total']} total, {ours['stats']['total'] / n:.2f} per profile")
        for route, count in sorted(by_route.items()):
            print(f"  {route}: {count} ({count / n:.2f} per profile)")
        print(f"  by route: {json.dumps(by_route, sort_keys=True)}")


if __name__ == "__main__":
    main()

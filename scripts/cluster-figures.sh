#!/usr/bin/env bash
# Figures for virtual clusters against palette-local with --provision-seconds 5:
# the apply time of one and of ten virtual clusters created in parallel, minus the
# 5 s of provisioning (the waiting overshoot), and the API calls per cluster made
# by a plan and by a create including its wait (from palette-local's /__admin/stats).
# Uses release binaries from BIN_DIR (default target/release, or CARGO_TARGET_DIR's).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN_DIR="${BIN_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/release}"
. scripts/palette-local-env.sh
start_palette_local "$BIN_DIR" --provision-seconds 5 --delete-seconds 1
KEY="$SPECTROCLOUD_APIKEY"

HOST1="$(curl -s -H "ApiKey: $KEY" "$URL/v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters" \
  | python3 -c 'import json,sys; print(next(i["uid"] for i in json.load(sys.stdin)["items"] if i["name"]=="host-1"))')"

total_calls() {
  curl -s -H "ApiKey: $KEY" "$URL/__admin/stats" | python3 -c '
import json, sys
routes = json.load(sys.stdin)["byRoute"]
print(sum(n for route, n in routes.items() if " /v1/" in route))'
}
reset_stats() { curl -s -X POST -H "ApiKey: $KEY" "$URL/__admin/stats/reset" >/dev/null; }

# One run: N virtual clusters in a fresh directory (the group is made first, apart).
run() {
  local n=$1 dir="$WORK/run$1"
  mkdir -p "$dir"
  cat >"$dir/main.tf" <<TF
terraform {
  required_providers {
    spectrocloud = { source = "spectrocloud/spectrocloud" }
  }
}
resource "spectrocloud_cluster_group" "cg" {
  name = "cg-figures-$n"
  config {
    cpu_millicore = 64000
    memory_in_mb  = 262144
  }
  clusters {
    cluster_uid = "$HOST1"
  }
}
TF
  (cd "$dir" && terraform apply -auto-approve -no-color >/dev/null)
  cat >>"$dir/main.tf" <<TF
resource "spectrocloud_virtual_cluster" "vc" {
  count             = $n
  name              = "vc-$n-\${count.index}"
  cluster_group_uid = spectrocloud_cluster_group.cg.id
  resources {
    max_cpu       = 1
    max_mem_in_mb = 1024
  }
}
TF
  reset_stats
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && terraform apply -auto-approve -no-color -parallelism=10 >/dev/null)
  end=$(date +%s.%N)
  local create_calls; create_calls=$(total_calls)
  reset_stats
  (cd "$dir" && terraform plan -no-color -detailed-exitcode >"$dir/plan.out") || { echo "plan after apply not clean:"; grep -E "^\s+[-+~]" "$dir/plan.out"; exit 1; }
  local plan_calls; plan_calls=$(total_calls)
  python3 - "$n" "$start" "$end" "$create_calls" "$plan_calls" <<'PY'
import sys
n, start, end, create, plan = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
wall = end - start
print(f"{n:>2} cluster(s): apply {wall:.2f} s, overshoot {wall - 5:.2f} s over the 5 s of provisioning; "
      f"API calls per cluster: create+wait {create / n:.1f} (group refresh included), plan {plan / n:.1f}")
PY
  (cd "$dir" && terraform destroy -auto-approve -no-color >/dev/null)
}

run 1
run 10

#!/usr/bin/env bash
# Figures for spectrocloud_application against palette-local: the apply time of
# one application deployed into a cluster group (a new virtual cluster made for it)
# minus the simulated time (provisioning plus the tiers' rollout: the waiting
# overshoot), and the API calls of that create (including its waits) and of a plan,
# from palette-local's /__admin/stats.
# PROVISION_SECONDS (default 5) and DEPLOY_SECONDS (default 0) set the lifecycle.
# Uses release binaries from BIN_DIR (default target/release, or CARGO_TARGET_DIR's).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN_DIR="${BIN_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/release}"
PROVISION="${PROVISION_SECONDS:-5}"
DEPLOY="${DEPLOY_SECONDS:-0}"
. scripts/palette-local-env.sh
start_palette_local "$BIN_DIR" --provision-seconds "$PROVISION" --deploy-seconds "$DEPLOY" --delete-seconds 1
KEY="$SPECTROCLOUD_APIKEY"

stats() { curl -s -H "ApiKey: $KEY" "$URL/__admin/stats"; }
reset_stats() { curl -s -X POST -H "ApiKey: $KEY" "$URL/__admin/stats/reset" >/dev/null; }

# The group and the profile first, apart from the measured apply.
mkdir -p "$WORK/run" && cd "$WORK/run"
cat >main.tf <<'TF'
terraform {
  required_providers {
    spectrocloud = { source = "spectrocloud/spectrocloud" }
  }
}
data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}
resource "spectrocloud_cluster_group" "cg" {
  name = "cg-figures"
  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
  }
  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}
resource "spectrocloud_application_profile" "app" {
  name = "figures"
  pack {
    name = "config"
    type = "manifest"
    manifest {
      name    = "config"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n"
    }
  }
  pack {
    name          = "web"
    type          = "manifest"
    install_order = 10
    manifest {
      name    = "web"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
    }
  }
}
TF
terraform apply -auto-approve -no-color >/dev/null
cat >>main.tf <<'TF'
resource "spectrocloud_application" "app" {
  name                    = "figures"
  application_profile_uid = spectrocloud_application_profile.app.id
  config {
    cluster_name      = "figures-vc"
    cluster_group_uid = spectrocloud_cluster_group.cg.id
    limits {
      cpu    = 1
      memory = 1024
    }
  }
}
TF
reset_stats
start=$(date +%s.%N)
terraform apply -auto-approve -no-color >/dev/null
end=$(date +%s.%N)
stats >"$WORK/create.json"
reset_stats
terraform plan -no-color -detailed-exitcode >"$WORK/plan.out" || { echo "plan after apply not clean:"; grep -E "^\s+[-+~]" "$WORK/plan.out"; exit 1; }
stats >"$WORK/plan.json"
python3 - "$PROVISION" "$DEPLOY" "$start" "$end" "$WORK/create.json" "$WORK/plan.json" <<'PY'
import json, sys
provision, deploy, start, end = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
def routes(path):
    return {r: n for r, n in json.load(open(path))["byRoute"].items() if " /v1/" in r}
def application_calls(calls):
    mine = ("/v1/appDeployments", "/v1/dashboard/appDeployments", "/v1/spectroclusters/{uid}", "/v1/cloudconfigs/virtual/{uid}")
    return sum(n for r, n in calls.items() if any(r.split(" ", 1)[1].startswith(m) for m in mine))
create, plan = routes(sys.argv[5]), routes(sys.argv[6])
simulated = provision + deploy
wall = end - start
print(f"apply of one application into a group: {wall:.2f} s, overshoot {wall - simulated:.2f} s over the {simulated:g} s simulated "
      f"({provision:g} s provisioning + {deploy:g} s rollout)")
print(f"API calls: create (with its waits) {sum(create.values())} in all, {application_calls(create)} for the application; "
      f"plan {sum(plan.values())} in all, {application_calls(plan)} for the application")
for title, calls in (("create", create), ("plan", plan)):
    print(f"  {title}: " + ", ".join(f"{r} x{n}" for r, n in sorted(calls.items())))
PY
terraform destroy -auto-approve -no-color >/dev/null

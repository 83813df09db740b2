#!/usr/bin/env bash
# The main job, from a fresh clone: build the provider and palette-local, start
# palette-local on a free loopback port with a fresh SQLite file, then tell both
# halves of Palette with terraform:
#   1. Cluster Mode: a platform engineer's projects, cluster profile, cluster group
#      and a virtual cluster (examples/demo/main.tf);
#   2. App Mode: a developer's application profile deployed with
#      spectrocloud_application into the group, with limits (examples/demo/app.tf);
#   3. pause and resume of the application's virtual cluster;
# showing the state and the API's view after each step, then destroy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
. scripts/ensure-terraform.sh

cargo build --release --locked --bin terraform-provider-spectrocloud --bin palette-local

. scripts/palette-local-env.sh
start_palette_local "$ROOT/target/release" --provision-seconds 3 --deploy-seconds 2 --delete-seconds 2 --pause-seconds 1
echo "== palette-local is serving at $URL"
mkdir -p "$WORK/config"
cp "$ROOT"/examples/demo/main.tf "$WORK/config/"
cd "$WORK/config"

# The API's view of the demo's objects (python3 is part of the toolset).
api_view() {
  python3 - "$URL" "$@" <<'PY'
import json, sys, urllib.request
url, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
def call(path, method="GET", body=None, project=None):
    headers = {"ApiKey": "palette-local-dev-key", "Content-Type": "application/json"}
    if project:
        headers["ProjectUid"] = project
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url + path, data=data, method=method, headers=headers)) as response:
        text = response.read()
        return json.loads(text) if text else None
projects = call("/v1/dashboard/projects/metadata")["items"]
default = next(p["metadata"]["uid"] for p in projects if p["metadata"]["name"] == "Default")
def cluster(uid):
    vc = call(f"/v1/spectroclusters/{uid}", project=default)
    return f'{vc["metadata"]["name"]}: state={vc["status"]["state"]} lifecycle={vc["status"]["virtual"]["lifecycleStatus"]["status"]}'
if what == "projects":
    for item in projects:
        print(f'  project {item["metadata"]["uid"]}  {item["metadata"]["name"]}')
elif what == "cluster":
    print("  virtual cluster " + cluster(args[0]))
elif what == "deployment":
    app = call(f"/v1/appDeployments/{args[0]}", project=default)
    tiers = ", ".join(f'{t["name"]}={t["condition"]["type"]}/{t["condition"]["status"]}' for t in app["status"]["appTiers"])
    target = app["spec"]["config"]["target"]
    print(f'  app deployment {app["metadata"]["name"]}: state={app["status"]["state"]} lifecycle={app["status"]["lifecycleStatus"]["status"]} '
          f'tiers [{tiers}] in {target["clusterRef"]["name"]} (made in {target["envRef"]["type"]} {target["envRef"]["name"]})')
elif what in ("pause", "resume"):
    call(f"/v1/spectroclusters/{args[0]}/clusterConfig/lifecycleConfig", "PATCH", {"lifecycleConfig": {"pause": what == "pause"}}, default)
    print(f"  PATCH lifecycleConfig pause={str(what == 'pause').lower()}")
PY
}

# Waits (at most 30 s) until the cluster's lifecycle status is $2.
wait_lifecycle() {
  for _ in $(seq 1 60); do api_view cluster "$1" | grep -q "lifecycle=$2" && break; sleep 0.5; done
  api_view cluster "$1"
}

echo "== 1. Cluster Mode (platform engineer): terraform apply of main.tf"
"$TF_BINARY" apply -auto-approve -no-color | grep -E '^(spectrocloud|Apply)'
"$TF_BINARY" state list
echo "-- the virtual cluster in state (kubeconfigs are sensitive and not shown)"
"$TF_BINARY" state show -no-color spectrocloud_virtual_cluster.payments | grep -vE '^\s*$' | head -n 25
echo "-- the API's view"
api_view projects
api_view cluster "$("$TF_BINARY" output -raw payments_cluster)"

echo "== 2. App Mode (developer): add app.tf, terraform apply"
cp "$ROOT"/examples/demo/app.tf "$WORK/config/"
"$TF_BINARY" apply -auto-approve -no-color | grep -E '^(spectrocloud|Apply)'
echo "-- the application in state"
"$TF_BINARY" state show -no-color spectrocloud_application.storefront | grep -vE '^\s*$'
APP="$("$TF_BINARY" output -raw storefront_deployment)"
APP_CLUSTER="$("$TF_BINARY" output -raw storefront_cluster)"
echo "-- the API's view"
api_view deployment "$APP"
api_view cluster "$APP_CLUSTER"

echo "== 3. Pause and resume the application's virtual cluster"
api_view pause "$APP_CLUSTER"
wait_lifecycle "$APP_CLUSTER" Paused
api_view deployment "$APP"
api_view resume "$APP_CLUSTER"
wait_lifecycle "$APP_CLUSTER" Running
api_view deployment "$APP"

echo "== terraform plan -detailed-exitcode (0 = no drift)"
"$TF_BINARY" plan -detailed-exitcode -no-color >/dev/null && echo "clean plan"
echo "== terraform destroy (the application's cluster goes with it)"
"$TF_BINARY" destroy -auto-approve -no-color | grep -E '^(spectrocloud|Destroy)'

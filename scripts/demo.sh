#!/usr/bin/env bash
# The main job, from a fresh clone: build the provider and palette-local, start
# palette-local on a free loopback port with a fresh SQLite file, `terraform apply`
# the demo configuration against it, show the state and the API's view, destroy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
. scripts/ensure-terraform.sh

cargo build --release --locked --bin terraform-provider-spectrocloud --bin palette-local

WORK="$(mktemp -d)"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/plugin" "$WORK/config"
ln -s "$ROOT/target/release/terraform-provider-spectrocloud" "$WORK/plugin/terraform-provider-spectrocloud"
"$ROOT/target/release/palette-local" --listen 127.0.0.1:0 --db "$WORK/palette.db" \
  --provision-seconds 3 --delete-seconds 2 --pause-seconds 1 >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
URL="$(sed -n 's/^palette-local listening on //p' "$WORK/server.out")"
[ -n "$URL" ] || { echo "palette-local did not start:"; cat "$WORK/server.log"; exit 1; }
echo "== palette-local is serving at $URL"

cat >"$WORK/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/spectrocloud/spectrocloud" = "$WORK/plugin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" TF_IN_AUTOMATION=1
export SPECTROCLOUD_HOST="$URL" SPECTROCLOUD_APIKEY="palette-local-dev-key"
cp "$ROOT"/examples/demo/*.tf "$WORK/config/"
cd "$WORK/config"

echo "== terraform apply"
"$TF_BINARY" apply -auto-approve -no-color
echo "== terraform state list"
"$TF_BINARY" state list
echo "== the virtual cluster in state (kubeconfigs are sensitive and not shown)"
"$TF_BINARY" state show -no-color spectrocloud_virtual_cluster.payments | grep -vE '^\s*$' | head -n 25
echo "== terraform plan -detailed-exitcode (0 = no drift)"
"$TF_BINARY" plan -detailed-exitcode -no-color >/dev/null && echo "clean plan"
echo "== the API's view: GET /v1/dashboard/projects/metadata"
python3 - "$URL" "$("$TF_BINARY" output -raw payments_cluster)" <<'PY'
import json, sys, urllib.request
url, cluster = sys.argv[1], sys.argv[2]
def get(path, project=None):
    headers = {"ApiKey": "palette-local-dev-key"}
    if project:
        headers["ProjectUid"] = project
    return json.load(urllib.request.urlopen(urllib.request.Request(url + path, headers=headers)))
projects = get("/v1/dashboard/projects/metadata")["items"]
for item in projects:
    print(f'  project {item["metadata"]["uid"]}  {item["metadata"]["name"]}')
default = next(p["metadata"]["uid"] for p in projects if p["metadata"]["name"] == "Default")
vc = get(f"/v1/spectroclusters/{cluster}", default)
print(f'== GET /v1/spectroclusters/{cluster}: {vc["metadata"]["name"]} state={vc["status"]["state"]} '
      f'lifecycle={vc["status"]["virtual"]["lifecycleStatus"]["status"]}')
PY
echo "== terraform destroy"
"$TF_BINARY" destroy -auto-approve -no-color

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
echo "== terraform plan -detailed-exitcode (0 = no drift)"
"$TF_BINARY" plan -detailed-exitcode -no-color >/dev/null && echo "clean plan"
echo "== the API's view: GET /v1/dashboard/projects/metadata"
python3 - "$URL" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/v1/dashboard/projects/metadata", headers={"ApiKey": "palette-local-dev-key"})
for item in json.load(urllib.request.urlopen(req))["items"]:
    print(f'  {item["metadata"]["uid"]}  {item["metadata"]["name"]}')
PY
echo "== terraform destroy"
"$TF_BINARY" destroy -auto-approve -no-color

# Sourced by the scripts that drive terraform against a fresh palette-local.
#
#   start_palette_local BIN_DIR [palette-local flags...]
#
# makes a temporary WORK directory (removed on exit, with the server stopped),
# starts BIN_DIR/palette-local there on a free loopback port with a fresh SQLite
# file, waits for its ready line, and points terraform at BIN_DIR's provider
# (dev_overrides in WORK/cli.tfrc) and at the server (SPECTROCLOUD_* variables).
# Sets WORK, URL and SERVER_PID.
stop_palette_local() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}

start_palette_local() {
  local bin="$1"
  shift
  WORK="$(mktemp -d)"
  trap stop_palette_local EXIT
  mkdir -p "$WORK/plugin"
  ln -s "$bin/terraform-provider-spectrocloud" "$WORK/plugin/terraform-provider-spectrocloud"
  "$bin/palette-local" --listen 127.0.0.1:0 --db "$WORK/palette.db" "$@" >"$WORK/server.out" 2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
  URL="$(sed -n 's/^palette-local listening on //p' "$WORK/server.out")"
  [ -n "$URL" ] || { echo "palette-local did not start:"; cat "$WORK/server.log"; return 1; }
  cat >"$WORK/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/spectrocloud/spectrocloud" = "$WORK/plugin"
  }
  direct {}
}
CFG
  export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
  export SPECTROCLOUD_HOST="$URL" SPECTROCLOUD_APIKEY="palette-local-dev-key"
}

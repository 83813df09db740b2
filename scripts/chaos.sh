#!/usr/bin/env bash
# Chaos runs: applies a mixed configuration (projects, profiles, a cluster group,
# five virtual clusters, an application) against palette-local under injected faults, through kills
# and restarts of palette-local, and through SIGINT mid-wait, then checks each run
# (exactly-once creation, state equal to the server, a clean plan with faults off)
# and prints a table. Options: see `scripts/chaos.sh --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-terraform.sh
if [ -z "${CHAOS_NO_BUILD:-}" ]; then
  cargo build --release --locked --bin terraform-provider-spectrocloud --bin palette-local >&2
fi
exec python3 scripts/chaos.py "$@"

#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests, which drive the real
# terraform binary against the release-built provider and palette-local.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-terraform.sh
cargo test --release --locked "$@"

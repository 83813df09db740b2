#!/usr/bin/env bash
# Packages the provider as the Terraform Registry serves it and installs it
# into a local filesystem mirror, so `terraform init` works offline.
#
#   scripts/mirror.sh [--mirror DIR] [--dist DIR] [--binary PATH] [--version V] [--platform OS_ARCH]
#
# Defaults: builds target/release/terraform-provider-spectrocloud, writes the
# release files (zip, SHA256SUMS, manifest) to target/dist and the mirror to
# target/mirror. Then point Terraform at the mirror with a CLI config:
#
#   provider_installation {
#     filesystem_mirror {
#       path    = "/abs/path/to/target/mirror"
#       include = ["registry.terraform.io/spectrocloud/*"]
#     }
#     direct { exclude = ["registry.terraform.io/spectrocloud/*"] }
#   }
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
dist="target/dist"
mirror="target/mirror"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --dist) dist="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --version|--platform) extra+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mirror.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$binary" ]; then
  cargo build --release --locked --bin terraform-provider-spectrocloud
  binary="target/release/terraform-provider-spectrocloud"
fi

exec python3 scripts/package_provider.py --binary "$binary" --dist "$dist" --mirror "$mirror" ${extra[@]+"${extra[@]}"}

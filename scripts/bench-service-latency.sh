#!/usr/bin/env bash
# Network programming latency on the local Docker engine: a `shim server` with its embedded agent (scheduler,
# controllers, agent, service proxy), then for each of N pods behind a ClusterIP service the time from the pod
# turning Ready in the API to (a) its EndpointSlice entry and (b) the first HTTP answer from it through the cluster
# IP, sent from this host (see src/Shim.ProxyBench/ProgrammingLatency.cs).
# The reference in the same run: the time from Ready until the pod answers on its own IP.
# Everything it starts is removed on exit, including the agent's iptables rules and routes (`shim agent --cleanup`).
# Usage (as root): scripts/bench-service-latency.sh [N]   (default 20). Needs what scripts/install-deps.sh installs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-20}
WORK=$(mktemp -d /tmp/shim-bench-latency.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NODE=bench-$$
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
SERVER_PID=""
# shellcheck source=lib/bench-cluster.sh
. "$ROOT/scripts/lib/bench-cluster.sh"

cleanup() {
  stop_bench_cluster
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/scripts/build-images.sh"
dotnet build "$ROOT/src/Shim" -c Release -nologo -v q -o "$WORK/bin" >/dev/null
dotnet build "$ROOT/src/Shim.ProxyBench" -c Release -nologo -v q --artifacts-path "$WORK/artifacts" >/dev/null

start_bench_cluster

echo "$(nproc) cores; $N pods, one at a time, image shim/web:1"
dotnet "$WORK/artifacts/bin/Shim.ProxyBench/release/shim-proxybench.dll" latency --kubeconfig "$KUBECONFIG" --samples "$N"

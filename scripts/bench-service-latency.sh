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

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  docker ps -aq --filter "label=io.shim.node=$NODE" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network rm "bench-$$" >/dev/null 2>&1 || true
  [ -x "$WORK/bin/shim" ] && "$WORK/bin/shim" agent --cleanup >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/scripts/build-images.sh"
dotnet build "$ROOT/src/Shim" -c Release -nologo -v q -o "$WORK/bin" >/dev/null
dotnet build "$ROOT/src/Shim.ProxyBench" -c Release -nologo -v q --artifacts-path "$WORK/artifacts" >/dev/null

"$WORK/bin/shim" server --data-dir "$WORK/data" --port "$PORT" --node-name "$NODE" --node-ip 127.0.0.1 \
  --agent-port "$((PORT + 1))" --pod-network "bench-$$" --cluster-cidr 10.215.0.0/16 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
export KUBECONFIG="$WORK/data/kubeconfig.yaml"
ready=""
for _ in $(seq 1 120); do
  ready=$("$KUBECTL" get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
  [ "$ready" = True ] && break
  sleep 0.5
done
if [ "$ready" != True ]; then
  echo "node $NODE did not become Ready; server log:" >&2
  tail -20 "$WORK/server.log" >&2
  exit 1
fi

echo "$(nproc) cores; $N pods, one at a time, image shim/web:1"
dotnet "$WORK/artifacts/bin/Shim.ProxyBench/release/shim-proxybench.dll" latency --kubeconfig "$KUBECONFIG" --samples "$N"

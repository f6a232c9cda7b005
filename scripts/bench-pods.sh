#!/usr/bin/env bash
# Pod start latency on the local Docker engine, side by side in one run:
#   shim:        N pods (pause sandbox + busybox `sleep`) applied at once with kubectl, until all are Ready,
#                through a `shim server` with its embedded agent (scheduler, agent, status writes included);
#   docker seq:  the same N sandbox+app pairs with `docker run` one after another (`--network container:`);
#   docker par:  the same pairs with 8 `docker run` pairs at a time.
# Every container and process it starts is removed on exit; the server listens on 127.0.0.1 only.
# Usage: scripts/bench-pods.sh [N]   (default 20). Needs what scripts/install-deps.sh installs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-20}
WORK=$(mktemp -d /tmp/shim-bench-pods.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NODE=bench-$$
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
SERVER_PID=""
# shellcheck source=lib/bench-cluster.sh
. "$ROOT/scripts/lib/bench-cluster.sh"

cleanup() {
  # The agent leaves its containers when it stops (as a kubelet does).
  stop_bench_cluster
  docker ps -aq --filter "label=shim.bench=$$" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

"$ROOT/scripts/build-images.sh"
dotnet build "$ROOT/src/Shim" -c Release -nologo -v q -o "$WORK/bin" >/dev/null

# Reference first, on an idle engine: raw docker run pairs.
start=$(now)
for i in $(seq 1 "$N"); do
  docker run -d -l "shim.bench=$$" --name "bench-$$-sb-$i" shim/pause:3.10 >/dev/null
  docker run -d -l "shim.bench=$$" --name "bench-$$-app-$i" --network "container:bench-$$-sb-$i" shim/busybox:1.35 sleep 3600 >/dev/null
done
docker_seq=$(elapsed "$start" "$(now)")
docker ps -aq --filter "label=shim.bench=$$" | xargs -r docker rm -f >/dev/null

start=$(now)
seq 1 "$N" | xargs -P 8 -I{} sh -c "docker run -d -l shim.bench=$$ --name bench-$$-psb-{} shim/pause:3.10 >/dev/null && docker run -d -l shim.bench=$$ --network container:bench-$$-psb-{} shim/busybox:1.35 sleep 3600 >/dev/null"
docker_par=$(elapsed "$start" "$(now)")
docker ps -aq --filter "label=shim.bench=$$" | xargs -r docker rm -f >/dev/null

start_bench_cluster
manifest="$WORK/pods.yaml"
for i in $(seq 1 "$N"); do
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p%s, namespace: default}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: app, image: shim/busybox:1.35, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}\n---\n' "$i" >>"$manifest"
done
start=$(now)
"$KUBECTL" apply -f "$manifest" >/dev/null
"$KUBECTL" wait --for=condition=Ready pod --all --timeout=300s >/dev/null
shim_time=$(elapsed "$start" "$(now)")

printf '\n%-46s %8s %10s\n' "$N pods (sandbox + 1 container), local engine" "seconds" "per pod"
printf '%-46s %8s %10s\n' "docker run pairs, sequential" "$docker_seq" "$(python3 -c "print(f'{$docker_seq/$N:.3f}')")"
printf '%-46s %8s %10s\n' "docker run pairs, 8 at a time" "$docker_par" "$(python3 -c "print(f'{$docker_par/$N:.3f}')")"
printf '%-46s %8s %10s\n' "shim: kubectl apply -> all Ready" "$shim_time" "$(python3 -c "print(f'{$shim_time/$N:.3f}')")"
printf '%-46s %8s\n' "shim / docker 8 at a time" "$(python3 -c "print(f'{$shim_time/$docker_par:.2f}x')")"

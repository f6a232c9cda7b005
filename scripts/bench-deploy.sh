#!/usr/bin/env bash
# A 50-replica Deployment on the local Docker engine against a 50-replica Docker Swarm service of the same image on
# the same engine, in one run:
#   swarm:  `docker service create --replicas N` until N tasks run; then `docker service update --env-add` (rolling,
#           start-first, parallelism N/4, like a Deployment's default 25 % surge) until all N run the new spec;
#   shim:   `kubectl apply` of a Deployment until `kubectl rollout status` says all N are available; then
#           `kubectl set env` until the rolling update (default 25 % surge / 25 % unavailable) is complete.
# Also the server's CPU time (API server + controllers + scheduler + agent, one process) per 1,000 pod updates seen by a
# watch during the rolling update: an upper bound for the controllers' share.
# Everything it starts is removed on exit (the swarm is left only if this script created it); the server listens on
# 127.0.0.1 only. Usage: scripts/bench-deploy.sh [N] (default 50). Needs what scripts/install-deps.sh installs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-50}
WORK=$(mktemp -d /tmp/shim-bench-deploy.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NODE=bench-$$
SERVICE=shimbench-$$
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
SERVER_PID=""
WATCH_PID=""
SWARM_CREATED=""

cleanup() {
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  docker service rm "$SERVICE" >/dev/null 2>&1 || true
  [ -n "$SWARM_CREATED" ] && docker swarm leave --force >/dev/null 2>&1 || true
  docker ps -aq --filter "label=io.shim.node=$NODE" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network rm "bench-$$" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
cpu_seconds() { python3 -c "import os; f=open('/proc/$1/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))"; }
wait_until() { # seconds, command...: polls every 0.2 s
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out: $*" >&2; return 1; }
    sleep 0.2
  done
}

"$ROOT/scripts/build-images.sh"
dotnet build "$ROOT/src/Shim" -c Release -nologo -v q -o "$WORK/bin" >/dev/null

# Swarm first, on an idle engine.
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  SWARM_CREATED=1
fi
swarm_running() { [ "$(docker service ps "$SERVICE" --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')" -ge "$N" ]; }
swarm_updated() { [ "$(docker service inspect "$SERVICE" --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}')" = completed ] && swarm_running; }
start=$(now)
docker service create --detach --name "$SERVICE" --replicas "$N" --stop-grace-period 1s shim/busybox:1.35 sleep 3600 >/dev/null
wait_until 600 swarm_running
swarm_create=$(elapsed "$start" "$(now)")
start=$(now)
docker service update --detach --env-add VERSION=2 --update-parallelism "$(( (N + 3) / 4 ))" --update-order start-first "$SERVICE" >/dev/null
wait_until 900 swarm_updated
swarm_update=$(elapsed "$start" "$(now)")
docker service rm "$SERVICE" >/dev/null
# Let the engine finish removing the swarm's containers before shim starts.
wait_until 120 sh -c "[ -z \"\$(docker ps -q --filter label=com.docker.swarm.service.name=$SERVICE)\" ]"

"$WORK/bin/shim" server --data-dir "$WORK/data" --port "$PORT" --node-name "$NODE" --node-ip 127.0.0.1 \
  --agent-port "$((PORT + 1))" --pod-network "bench-$$" --cluster-cidr 10.216.0.0/16 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
export KUBECONFIG="$WORK/data/kubeconfig.yaml"
node_ready() { [ "$("$KUBECTL" get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }
wait_until 120 node_ready || { tail -20 "$WORK/server.log" >&2; exit 1; }
cat >"$WORK/deploy.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: bench, namespace: default}
spec:
  replicas: $N
  selector: {matchLabels: {app: bench}}
  template:
    metadata: {labels: {app: bench}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: app, image: shim/busybox:1.35, command: [sleep, "3600"]}
YAML
start=$(now)
"$KUBECTL" apply -f "$WORK/deploy.yaml" >/dev/null
"$KUBECTL" rollout status deployment/bench --timeout=600s >/dev/null
shim_create=$(elapsed "$start" "$(now)")

"$KUBECTL" get pods --watch-only -o name >"$WORK/pod-updates" 2>/dev/null &
WATCH_PID=$!
sleep 1
cpu_before=$(cpu_seconds "$SERVER_PID")
start=$(now)
"$KUBECTL" set env deployment/bench VERSION=2 >/dev/null
"$KUBECTL" rollout status deployment/bench --timeout=900s >/dev/null
shim_update=$(elapsed "$start" "$(now)")
cpu_used=$(python3 -c "print($(cpu_seconds "$SERVER_PID") - $cpu_before)")
sleep 1
kill "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
updates=$(wc -l <"$WORK/pod-updates")

printf '\n%-52s %9s\n' "$N replicas of busybox sleep, local engine" "seconds"
printf '%-52s %9s\n' "swarm: service create -> $N tasks running" "$swarm_create"
printf '%-52s %9s\n' "shim: kubectl apply -> rollout status complete" "$shim_create"
printf '%-52s %9s\n' "shim / swarm (create)" "$(python3 -c "print(f'{$shim_create/$swarm_create:.2f}x')")"
printf '%-52s %9s\n' "swarm: service update (start-first, parallel N/4)" "$swarm_update"
printf '%-52s %9s\n' "shim: set env -> rollout status complete" "$shim_update"
printf '%-52s %9s\n' "shim / swarm (rolling update)" "$(python3 -c "print(f'{$shim_update/$swarm_update:.2f}x')")"
printf '%-52s %9s\n' "pod updates seen during the shim rolling update" "$updates"
printf '%-52s %9s\n' "server CPU seconds during it (whole process)" "$(python3 -c "print(f'{$cpu_used:.2f}')")"
printf '%-52s %9s\n' "server CPU seconds per 1,000 pod updates" "$(python3 -c "print(f'{$cpu_used*1000/max($updates,1):.2f}')")"

#!/usr/bin/env bash
# Starts a single-machine shim cluster: installs what is missing, builds, runs `shim server` on the embedded store
# in the background (data in ~/.shim), waits until it is ready and prints the next kubectl command.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR="${SHIM_DATA_DIR:-$HOME/.shim}"
PORT="${SHIM_PORT:-6443}"
./scripts/install-deps.sh

echo "building shim (Release)"
dotnet build src/Shim -c Release -nologo -v q -o "$DATA_DIR/bin" | tail -2

mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/shim.pid" ] && kill -0 "$(cat "$DATA_DIR/shim.pid")" 2>/dev/null; then
  echo "stopping the previous shim server (pid $(cat "$DATA_DIR/shim.pid"))"
  kill "$(cat "$DATA_DIR/shim.pid")" || true
  sleep 1
fi

nohup "$DATA_DIR/bin/shim" server --data-dir "$DATA_DIR" --port "$PORT" >"$DATA_DIR/shim.log" 2>&1 &
echo $! >"$DATA_DIR/shim.pid"
for _ in $(seq 1 100); do
  if curl -skf "https://127.0.0.1:$PORT/readyz" >/dev/null; then
    echo "shim server is ready (pid $(cat "$DATA_DIR/shim.pid"), log $DATA_DIR/shim.log)"
    echo
    echo "  export KUBECONFIG=$DATA_DIR/kubeconfig.yaml"
    echo "  kubectl get nodes"
    echo "  kubectl run hello --image=shim/busybox:1.35 -- sh -c 'echo hello; sleep 3600'"
    exit 0
  fi
  sleep 0.2
done
echo "shim server did not become ready; see $DATA_DIR/shim.log" >&2
tail -20 "$DATA_DIR/shim.log" >&2
exit 1

# Shared by the benchmarks that need a running cluster on the local Docker engine (source it).
# Expects WORK (with the shim build in $WORK/bin), PORT, NODE and KUBECTL; sets SERVER_PID and KUBECONFIG.

# A `shim server` with its embedded agent on the local engine (its own node name, network and pod range), until
# its node is Ready.
start_bench_cluster() {
  "$WORK/bin/shim" server --data-dir "$WORK/data" --port "$PORT" --node-name "$NODE" --node-ip 127.0.0.1 \
    --agent-port "$((PORT + 1))" --pod-network "bench-$$" --cluster-cidr 10.215.0.0/16 >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  export KUBECONFIG="$WORK/data/kubeconfig.yaml"
  local ready=""
  for _ in $(seq 1 120); do
    ready=$("$KUBECTL" get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    [ "$ready" = True ] && return 0
    sleep 0.5
  done
  echo "node $NODE did not become Ready; server log:" >&2
  tail -20 "$WORK/server.log" >&2
  exit 1
}

# Stops the server and removes what its agent left: containers, the pod network, iptables rules and routes.
stop_bench_cluster() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  docker ps -aq --filter "label=io.shim.node=$NODE" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network rm "bench-$$" >/dev/null 2>&1 || true
  [ -x "$WORK/bin/shim" ] && "$WORK/bin/shim" agent --cleanup >/dev/null 2>&1 || true
}

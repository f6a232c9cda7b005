#!/usr/bin/env bash
# One command for the figures in BENCHMARKS.md:
#   1. builds shim and shim-bench (Release),
#   2. starts a private redis-server on a free loopback port and runs redis-benchmark against it (the reference),
#   3. starts `shim server --store redis://...` on that Redis and runs shim-bench against it,
#   4. does the same against a server on the embedded store (--store memory),
#   5. prints everything side by side with the targets.
# Every process it starts is stopped on exit. Everything listens on 127.0.0.1 only.
#
# Usage: scripts/bench.sh [shim-bench run options...]   e.g. scripts/bench.sh --creates 5000 --watchers 200
# Environment: BENCH_ARTIFACTS (build output, default /tmp/shim-bench-artifacts),
#              BENCH_OUT (where results are kept, default a fresh /tmp/shim-bench.* directory),
#              BENCH_STORES ("redis memory" by default; either may be left out).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ART=${BENCH_ARTIFACTS:-/tmp/shim-bench-artifacts}
WORK=$(mktemp -d /tmp/shim-bench.XXXXXX)
OUT=${BENCH_OUT:-$WORK}
STORES=${BENCH_STORES:-redis memory}
mkdir -p "$OUT"

REDIS_PID=""
SERVER_PID=""

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

cleanup() {
  stop_server
  if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$REDIS_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback TCP port nobody listens on.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

log "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2 " MiB RAM"}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
if awk '{ exit !($1 > 1.0) }' /proc/loadavg; then
  log "warning: the 1-minute load average is above 1: other work is running and the figures will be lower"
fi

log "building Release into $ART"
dotnet build "$ROOT/src/Shim/Shim.csproj" -c Release --artifacts-path "$ART" -nologo -v quiet >"$WORK/build-shim.log" 2>&1 \
  || { cat "$WORK/build-shim.log" >&2; exit 1; }
dotnet build "$ROOT/src/Shim.Bench/Shim.Bench.csproj" -c Release --artifacts-path "$ART" -nologo -v quiet >"$WORK/build-bench.log" 2>&1 \
  || { cat "$WORK/build-bench.log" >&2; exit 1; }
SHIM="$ART/bin/Shim/release/shim"
BENCH="$ART/bin/Shim.Bench/release/shim-bench"

REDIS_PORT=$(free_port)
log "starting redis-server on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
for _ in $(seq 100); do [[ -s "$WORK/redis.pid" ]] && break; sleep 0.05; done
REDIS_PID=$(cat "$WORK/redis.pid")
for _ in $(seq 100); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done

log "reference: redis-benchmark -c 50 -n 200000 -d 1024 -t set,get"
redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c 50 -n 200000 -d 1024 -t set,get -q 2>&1 | tr '\r' '\n' \
  | grep -E 'requests per second' | tee "$OUT/redis-benchmark.txt" >&2
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null

results=()
for store in $STORES; do
  PORT=$(free_port)
  DATA="$WORK/data-$store"
  case "$store" in
    redis) spec="redis://127.0.0.1:$REDIS_PORT"; store_args=(--store-pid "$REDIS_PID") ;;
    memory) spec="memory"; store_args=() ;;
    *) echo "unknown store '$store' in BENCH_STORES" >&2; exit 2 ;;
  esac
  log "starting shim server --store $spec on 127.0.0.1:$PORT"
  "$SHIM" server --data-dir "$DATA" --port "$PORT" --bind-address 127.0.0.1 --store "$spec" --disable-agent \
    >"$OUT/server-$store.log" 2>&1 &
  SERVER_PID=$!
  ready=""
  for _ in $(seq 300); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    if [[ "$(curl -sk --max-time 2 "https://127.0.0.1:$PORT/readyz" 2>/dev/null)" == "ok" ]]; then ready=1; break; fi
    sleep 0.2
  done
  if [[ -z "$ready" ]]; then
    log "shim server did not become ready; its log:"
    cat "$OUT/server-$store.log" >&2
    exit 1
  fi
  # Quiet period so startup work (JIT, bootstrap) does not land in the first phase.
  sleep 2
  log "shim-bench against the $store store (server pid $SERVER_PID)"
  "$BENCH" run --kubeconfig "$DATA/kubeconfig.yaml" --server-pid "$SERVER_PID" "${store_args[@]}" \
    --label "$store" --json "$OUT/result-$store.json" "$@" >"$OUT/run-$store.md"
  results+=(--result "$OUT/result-$store.json")
  stop_server
  if [[ "$store" == redis ]]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null
  fi
done

log "done; results in $OUT"
echo
echo "## shim-bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo 'redis-benchmark (reference):'
sed 's/^/    /' "$OUT/redis-benchmark.txt"
echo
"$BENCH" report --redis-benchmark "$OUT/redis-benchmark.txt" "${results[@]}" | tee "$OUT/report.md"

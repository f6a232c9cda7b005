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
#              BENCH_WAIT_IDLE (seconds, default 0): first wait up to this long for the machine to be idle
#                (under half a core busy over 5 s), since other work on the same cores lowers every figure;
#              BENCH_STORES (default "redis memory redis+token memory+token"). A "+token" run is a diagnostic:
#                CREATE and GET only, authenticating with the server's bearer token instead of the client
#                certificate, which takes the server's per-request certificate-chain check out of the picture.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ART=${BENCH_ARTIFACTS:-/tmp/shim-bench-artifacts}
WORK=$(mktemp -d /tmp/shim-bench.XXXXXX)
OUT=${BENCH_OUT:-$WORK}
STORES=${BENCH_STORES:-redis memory redis+token memory+token}
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
  # The data directories hold the throw-away cluster's keys; results and logs stay in $OUT.
  rm -rf "$WORK"/data-*
  if [[ "$OUT" != "$WORK" ]]; then rm -rf "$WORK"; fi
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

# "busy total" jiffies of the whole machine; CPU jiffies of a process (itself + its waited-for children).
machine_jiffies() { local c; read -ra c < /proc/stat; echo "$(( c[1]+c[2]+c[3]+c[6]+c[7]+c[8] )) $(( c[1]+c[2]+c[3]+c[4]+c[5]+c[6]+c[7]+c[8] ))"; }
process_jiffies() { local f; read -ra f < "/proc/$1/stat"; echo $(( f[13]+f[14]+f[15]+f[16] )); }

# Cores busy over the next 5 seconds, machine-wide (from /proc/stat).
busy_cores() {
  local a b
  read -ra a < /proc/stat; sleep 5; read -ra b < /proc/stat
  awk -v n="$(nproc)" -v u1="${a[1]}" -v n1="${a[2]}" -v s1="${a[3]}" -v i1="${a[4]}" -v w1="${a[5]}" -v q1="${a[6]}" -v sq1="${a[7]}" -v st1="${a[8]}" \
      -v u2="${b[1]}" -v n2="${b[2]}" -v s2="${b[3]}" -v i2="${b[4]}" -v w2="${b[5]}" -v q2="${b[6]}" -v sq2="${b[7]}" -v st2="${b[8]}" 'BEGIN {
    busy = (u2+n2+s2+q2+sq2+st2) - (u1+n1+s1+q1+sq1+st1); total = busy + (i2+w2) - (i1+w1);
    printf "%.2f", (total > 0 ? busy / total * n : 0) }'
}

if (( ${BENCH_WAIT_IDLE:-0} > 0 )); then
  deadline=$(( SECONDS + BENCH_WAIT_IDLE ))
  while :; do
    busy=$(busy_cores)
    if awk -v b="$busy" 'BEGIN { exit !(b < 0.5) }'; then log "machine idle ($busy cores busy)"; break; fi
    if (( SECONDS >= deadline )); then log "machine still busy ($busy cores) after ${BENCH_WAIT_IDLE}s; going ahead"; break; fi
    log "waiting for the machine to be idle ($busy cores busy)"
  done
fi

log "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2 " MiB RAM"}'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
busy=$(busy_cores)
if awk -v b="$busy" 'BEGIN { exit !(b >= 0.5) }'; then
  log "warning: $busy cores were busy before the start: other work is running and the figures will be lower"
fi

log "building Release into $ART"
dotnet build "$ROOT/src/Shim/Shim.csproj" -c Release --artifacts-path "$ART" --disable-build-servers -nologo -v quiet >"$WORK/build-shim.log" 2>&1 \
  || { cat "$WORK/build-shim.log" >&2; exit 1; }
dotnet build "$ROOT/src/Shim.Bench/Shim.Bench.csproj" -c Release --artifacts-path "$ART" --disable-build-servers -nologo -v quiet >"$WORK/build-bench.log" 2>&1 \
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

log "reference: redis-benchmark -c 50 -n 200000 -d 1024 -t set,get (load: $(cut -d' ' -f1-3 /proc/loadavg))"
read -r m_busy0 m_total0 < <(machine_jiffies); r0=$(process_jiffies "$REDIS_PID"); s0=$(process_jiffies $$); t0=$SECONDS
redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c 50 -n 200000 -d 1024 -t set,get -q 2>&1 | tr '\r' '\n' \
  | grep -E 'requests per second' | tee "$OUT/redis-benchmark.txt" >&2
read -r m_busy1 m_total1 < <(machine_jiffies); r1=$(process_jiffies "$REDIS_PID"); s1=$(process_jiffies $$)
# CPU while it ran, in cores: redis-server, redis-benchmark (this shell's children), everything else.
awk -v n="$(nproc)" -v mb=$(( m_busy1 - m_busy0 )) -v mt=$(( m_total1 - m_total0 )) -v r=$(( r1 - r0 )) -v c=$(( s1 - s0 )) 'BEGIN {
  busy = mt > 0 ? mb / mt * n : 0; secs = mt / n / 100; if (secs <= 0) secs = 1;
  rs = r / 100 / secs; rb = c / 100 / secs; o = busy - rs - rb; if (o < 0) o = 0;
  printf "CPU: redis-server %.2f / redis-benchmark %.2f / other %.2f cores\n", rs, rb, o }' | tee -a "$OUT/redis-benchmark.txt" >&2
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null

results=()
for run in $STORES; do
  PORT=$(free_port)
  DATA="$WORK/data-$run"
  store=${run%+token}
  case "$store" in
    redis) spec="redis://127.0.0.1:$REDIS_PORT"; store_args=(--store-pid "$REDIS_PID") ;;
    memory) spec="memory"; store_args=() ;;
    *) echo "unknown store '$store' in BENCH_STORES" >&2; exit 2 ;;
  esac
  if [[ "$run" == *+token ]]; then
    store_args+=(--token-file "$DATA/tokens.csv" --phases create,get)
  fi
  log "starting shim server --store $spec on 127.0.0.1:$PORT"
  "$SHIM" server --data-dir "$DATA" --port "$PORT" --bind-address 127.0.0.1 --store "$spec" --disable-agent \
    >"$OUT/server-$run.log" 2>&1 &
  SERVER_PID=$!
  ready=""
  for _ in $(seq 300); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    if [[ "$(curl -sk --max-time 2 "https://127.0.0.1:$PORT/readyz" 2>/dev/null)" == "ok" ]]; then ready=1; break; fi
    sleep 0.2
  done
  if [[ -z "$ready" ]]; then
    log "shim server did not become ready; its log:"
    cat "$OUT/server-$run.log" >&2
    exit 1
  fi
  # Quiet period so startup work (JIT, bootstrap) does not land in the first phase.
  sleep 2
  log "shim-bench $run (server pid $SERVER_PID; load: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$BENCH" run --kubeconfig "$DATA/kubeconfig.yaml" --server-pid "$SERVER_PID" "${store_args[@]}" \
    --label "$run" --json "$OUT/result-$run.json" "$@" >"$OUT/run-$run.md"
  results+=(--result "$OUT/result-$run.json")
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

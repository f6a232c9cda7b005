#!/usr/bin/env bash
# Runs every test suite (unit, store contract, conformance with the real kubectl) and ends with one line:
# "N passed, M failed". Suites run in parallel; each writes a TRX file that is counted.
set -uo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

echo "building (Release)"
if ! dotnet build Shim.sln -c Release -nologo -v q 2>&1 | tail -3; then
  echo "0 passed, 1 failed"
  exit 1
fi

suites=(tests/*.Tests/ conformance/*/)
pids=()
for suite in "${suites[@]}"; do
  name="$(basename "$suite")"
  ( dotnet test "$suite" -c Release --no-build -nologo --logger "trx;LogFileName=$results/$name.trx" >"$results/$name.log" 2>&1
    echo $? >"$results/$name.rc" ) &
  pids+=($!)
done
wait "${pids[@]}"

passed=0
failed=0
for suite in "${suites[@]}"; do
  name="$(basename "$suite")"
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
    f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
    # A run that produced no counts (crashed host) counts as a failure.
    p=${p:-0}; f=${f:-1}
  else
    p=0; f=1
  fi
  echo "== $name: $p passed, $f failed"
  if [ "$f" != "0" ]; then
    grep -E "^\s+Failed |Error Message" -A4 "$results/$name.log" | head -60
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

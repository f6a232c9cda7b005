#!/usr/bin/env bash
# The service proxy's iptables syncs against plain iptables-restore, in network namespaces of its own (nothing touches
# the host's rules): for 1,000 / 5,000 / 10,000 ClusterIP services with 2 endpoints each, our full sync (render,
# iptables-save, one iptables-restore --noflush with chains and jump rules) into a fresh namespace against a bare
# `iptables-restore --noflush` of the same input text into another fresh one (median of RUNS each, and their ratio);
# then, at 5,000 services, the partial sync after one endpoint of one service is replaced (median of 10).
# Usage (as root): scripts/bench-proxy.sh [RUNS] (default 3). Extra arguments go to the benchmark (see its Program.cs).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-3}
shift || true
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, iptables)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/shim-bench-proxy.XXXXXX)
PREFIX=shimt-bench-$$

cleanup() {
  # Namespaces a crashed run left behind; a normal run deletes its own.
  ip netns list | awk '{print $1}' | grep "^$PREFIX-" | xargs -r -n1 ip netns del || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Its own artifacts path: no clash with other builds of the tree running at the same time.
dotnet build "$ROOT/src/Shim.ProxyBench" -c Release -nologo -v q --artifacts-path "$WORK/artifacts" >/dev/null
dotnet "$WORK/artifacts/bin/Shim.ProxyBench/release/shim-proxybench.dll" --runs "$RUNS" --netns-prefix "$PREFIX" "$@"

#!/usr/bin/env bash
# Checks that generated files are current (or, with --fix, regenerates them):
#   1. openapi/schema/io.k8s.*.json + source.json from upstream Go sources (openapi/schema/generate.py).
#      Only where the upstream mirrors exist (a developer machine with the search tool's fetched copies of
#      kubernetes/api, apimachinery and apiextensions-apiserver); CI has none and skips this step.
#   2. openapi/schema/kinds.json from src/Shim.Api/Resources/BuiltInResources.cs (python3; no mirrors needed).
#   3. src/Shim.Model/Generated from openapi/schema (tools/Shim.SchemaGen; runs anywhere).
# Exit status 1 when something is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=false
[ "${1:-}" = "--fix" ] && fix=true
mirror="${SHIM_UPSTREAM_MIRROR:-/work/.mirror}"
ref="v0.36.3"
status=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

api="$mirror/kubernetes+api/repo"
machinery="$mirror/kubernetes+apimachinery/repo"
ext="$mirror/kubernetes+apiextensions-apiserver/repo"
have_mirrors=true
for d in "$api" "$machinery" "$ext"; do
  git --git-dir="$d" rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1 || have_mirrors=false
done

if $have_mirrors; then
  if $fix; then
    python3 openapi/schema/generate.py --ref "$ref" --api "$api" --apimachinery "$machinery" --apiextensions "$ext"
  else
    python3 openapi/schema/generate.py --ref "$ref" --api "$api" --apimachinery "$machinery" --apiextensions "$ext" --out "$tmp" 2>/dev/null
    for f in "$tmp"/*.json; do
      if ! cmp -s "$f" "openapi/schema/$(basename "$f")"; then
        echo "out of date: openapi/schema/$(basename "$f")"; status=1
      fi
    done
  fi
else
  echo "upstream mirrors not found under $mirror: schema data not regenerated (expected in CI)"
fi

if $fix; then
  python3 openapi/schema/generate.py --kinds-only
else
  mkdir -p "$tmp/kinds" && cp openapi/schema/io.k8s.*.json "$tmp/kinds/"
  python3 openapi/schema/generate.py --kinds-only --out "$tmp/kinds" 2>/dev/null
  if ! cmp -s "$tmp/kinds/kinds.json" openapi/schema/kinds.json; then
    echo "out of date: openapi/schema/kinds.json"; status=1
  fi
fi

gen=(dotnet run --project tools/Shim.SchemaGen -c Release --)
if $fix; then
  "${gen[@]}"
elif ! "${gen[@]}" --check; then
  status=1
fi

if [ "$status" -ne 0 ]; then
  echo "generated files are out of date: run scripts/check-generated.sh --fix"
fi
exit "$status"

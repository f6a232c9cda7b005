#!/usr/bin/env bash
# Builds the images a node needs, on the Docker engine at DOCKER_HOST (default: the local one), since no registry
# outside this machine is reachable: shim/pause:3.10 (the pod sandbox, a static C program) and shim/busybox:1.35
# (Debian's busybox-static; the test workload image). Skips images that are present. Prints nothing else on success.
set -euo pipefail
cd "$(dirname "$0")/../images"
PAUSE_IMAGE="${SHIM_PAUSE_IMAGE:-shim/pause:3.10}"
BUSYBOX_IMAGE="${SHIM_BUSYBOX_IMAGE:-shim/busybox:1.35}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
  cp pause/Dockerfile "$work/Dockerfile"
  gcc -static -Os -o "$work/pause" pause/pause.c
  strip "$work/pause"
  docker build -q -t "$PAUSE_IMAGE" "$work" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
  rm -f "$work"/*
fi
if ! docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1; then
  cp busybox/Dockerfile "$work/Dockerfile"
  cp /usr/bin/busybox "$work/busybox"
  docker build -q -t "$BUSYBOX_IMAGE" "$work" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
fi

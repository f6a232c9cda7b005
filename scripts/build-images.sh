#!/usr/bin/env bash
# Builds the images a node needs, on the Docker engine at DOCKER_HOST (default: the local one), since no registry
# outside this machine is reachable: shim/pause:3.10 (the pod sandbox, a static C program) and shim/busybox:1.35
# (Debian's busybox-static; the test workload image) and shim/web:1 (busybox httpd on port 80 answering with the
# pod's name; the app image of chart tests). An image is rebuilt only when its recipe (the files in
# images/NAME) changed: each image carries the recipe's hash as the label io.shim.recipe.
set -euo pipefail
cd "$(dirname "$0")/../images"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() { # image recipe-dir, with the build context already in $work
  local image=$1 recipe=$2 hash
  hash=$(cat "$recipe"/* | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "io.shim.recipe"}}' "$image" 2>/dev/null)" = "$hash" ]; then
    return 0
  fi
  "prepare_$recipe"
  cp "$recipe/Dockerfile" "$work/Dockerfile"
  docker build -q --label "io.shim.recipe=$hash" -t "$image" "$work" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
  find "$work" -mindepth 1 -delete
}

prepare_pause() { gcc -static -Os -o "$work/pause" pause/pause.c && strip "$work/pause"; }
prepare_busybox() { cp /usr/bin/busybox "$work/busybox"; }
prepare_web() { cp /usr/bin/busybox "$work/busybox"; }

build "${SHIM_PAUSE_IMAGE:-shim/pause:3.10}" pause
build "${SHIM_BUSYBOX_IMAGE:-shim/busybox:1.35}" busybox
build "${SHIM_WEB_IMAGE:-shim/web:1}" web

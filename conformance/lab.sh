#!/usr/bin/env bash
# A fleet of Docker hosts on one machine: each host is a network namespace on the bridge shimlab0 (10.77.0.0/24)
# with its own dockerd, loaded with the node images. The machine itself is 10.77.0.1 (where a test's API server
# listens); host N is 10.77.0.(10+N). A private registry on 10.77.0.1:5000 (user shim, password lab-secret) holds
# 10.77.0.1:5000/private/busybox:1.35, for tests of image pulls and imagePullSecrets. A second registry on
# 10.77.0.1:5001 is every host's Docker Hub mirror (registry-mirrors): it holds library/busybox:latest, so charts that
# use plain `busybox` (as `helm create`'s test does) pull it without leaving the machine.
#
#   lab.sh up N                          create hosts h1..hN (tearing down an old lab first)
#   lab.sh down                          remove everything the lab created
#   lab.sh start-agent N KUBECONFIG SHIM_DLL [AGENT ARGS...]   run `shim agent` on host N (log: /run/shim-lab/hN/agent.log)
#   lab.sh stop-agent N                  kill host N's agent (SIGKILL: as a crash)
#   lab.sh stop-docker N | start-docker N
#   lab.sh exec N CMD...                 run a command in host N's network namespace, with DOCKER_HOST set
#
# Needs root, dockerd, iproute2, iptables, docker-registry, htpasswd (apache2-utils); images come from the local engine (scripts/build-images.sh builds them).
set -euo pipefail
LAB_ROOT=/run/shim-lab
DATA_ROOT=/var/lib/shim-lab
BRIDGE=shimlab0
REGISTRY=10.77.0.1:5000
MIRROR=10.77.0.1:5001
REGISTRY_USER=shim
REGISTRY_PASSWORD=lab-secret
IMAGES=("${SHIM_PAUSE_IMAGE:-shim/pause:3.10}" "${SHIM_BUSYBOX_IMAGE:-shim/busybox:1.35}" "${SHIM_WEB_IMAGE:-shim/web:1}")

host_ip() { echo "10.77.0.$((10 + $1))"; }
sock() { echo "unix://$LAB_ROOT/h$1/docker.sock"; }

start_docker() {
  local n=$1 dir="$LAB_ROOT/h$1"
  mkdir -p "$dir" "$DATA_ROOT/h$n"
  setsid nsenter --net=/run/netns/shim-h"$n" dockerd --data-root "$DATA_ROOT/h$n" --exec-root "$dir/exec" \
    -H "$(sock "$n")" --pidfile "$dir/docker.pid" --cgroup-parent "/shim-lab-h$n" --bip "172.31.$n.1/24" \
    --insecure-registry "$REGISTRY" --insecure-registry "$MIRROR" --registry-mirror "http://$MIRROR" \
    >"$dir/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 180); do
    if docker -H "$(sock "$n")" info >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "dockerd of host $n did not start; see $dir/dockerd.log" >&2
  tail -20 "$dir/dockerd.log" >&2
  return 1
}

stop_pidfile() {
  local file=$1 signal=${2:-TERM}
  if [ -f "$file" ]; then
    local pid; pid=$(cat "$file")
    kill -"$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$file"
  fi
}

# Starts registry NAME on ADDR (with basic auth when AUTH is "auth").
start_registry() {
  local name=$1 addr=$2 auth=${3:-} dir="$LAB_ROOT/$1"
  mkdir -p "$dir" "$DATA_ROOT/$name"
  cat >"$dir/config.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $DATA_ROOT/$name
http:
  addr: $addr
YAML
  if [ "$auth" = auth ]; then
    htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$dir/htpasswd"
    printf 'auth:\n  htpasswd:\n    realm: shim-lab\n    path: %s\n' "$dir/htpasswd" >>"$dir/config.yml"
  fi
  setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 < /dev/null &
  echo $! >"$dir/registry.pid"
  for _ in $(seq 1 40); do
    curl -s -o /dev/null "http://$addr/v2/" && return 0
    sleep 0.25
  done
  echo "registry $name did not start; see $dir/registry.log" >&2
  return 1
}

# Pushes an image only the registry has, through host 1's engine.
push_private_image() {
  local config="$LAB_ROOT/registry/docker-config"
  mkdir -p "$config"
  docker -H "$(sock 1)" tag "${IMAGES[1]}" "$REGISTRY/private/busybox:1.35"
  echo "$REGISTRY_PASSWORD" | DOCKER_CONFIG="$config" docker -H "$(sock 1)" login -u "$REGISTRY_USER" --password-stdin "$REGISTRY" >/dev/null
  DOCKER_CONFIG="$config" docker -H "$(sock 1)" push -q "$REGISTRY/private/busybox:1.35" >/dev/null
  docker -H "$(sock 1)" rmi "$REGISTRY/private/busybox:1.35" >/dev/null
}

# Puts busybox into the Docker Hub mirror as library/busybox:latest.
push_mirror_image() {
  docker -H "$(sock 1)" tag "${IMAGES[1]}" "$MIRROR/library/busybox:latest"
  docker -H "$(sock 1)" push -q "$MIRROR/library/busybox:latest" >/dev/null
  docker -H "$(sock 1)" rmi "$MIRROR/library/busybox:latest" >/dev/null
}

# Stops host N's dockerd and what it started (its containerd and container shims), so a new dockerd starts clean.
stop_docker() {
  local n=$1
  stop_pidfile "$LAB_ROOT/h$n/docker.pid" TERM
  pkill -KILL -f "$LAB_ROOT/h$n/exec" 2>/dev/null || true
  for _ in $(seq 1 40); do
    pgrep -f "$LAB_ROOT/h$n/exec" >/dev/null || break
    sleep 0.25
  done
  # A killed containerd can linger as a zombie where PID 1 does not reap: the next dockerd would take its stale
  # pidfile for a live containerd and wait for it forever.
  rm -f "$LAB_ROOT/h$n/exec/containerd/containerd.pid"
}

down() {
  stop_pidfile "$LAB_ROOT/registry/registry.pid" TERM
  stop_pidfile "$LAB_ROOT/mirror/registry.pid" TERM
  for dir in "$LAB_ROOT"/h[0-9]*; do
    [ -d "$dir" ] || continue
    n=${dir##*/h}
    stop_pidfile "$dir/agent.pid" KILL
    # Containers first, so no mounts or veths outlive their dockerd.
    if docker -H "$(sock "$n")" info >/dev/null 2>&1; then
      ids=$(docker -H "$(sock "$n")" ps -aq) || true
      [ -n "$ids" ] && docker -H "$(sock "$n")" rm -f $ids >/dev/null 2>&1 || true
    fi
    stop_docker "$n"
    ip netns del "shim-h$n" 2>/dev/null || true
    ip link del "veth-shim-h$n" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  while iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do :; done
  grep -o "$DATA_ROOT/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  grep -o "$LAB_ROOT/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$LAB_ROOT" "$DATA_ROOT"
}

up() {
  local count=$1
  down
  mkdir -p "$LAB_ROOT"
  ip link add "$BRIDGE" type bridge
  ip addr add 10.77.0.1/24 dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # The root dockerd sets the FORWARD policy to DROP and br_netfilter sees bridged frames: let the lab talk.
  iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  local images="$LAB_ROOT/images.tar"
  docker save "${IMAGES[@]}" -o "$images"
  for n in $(seq 1 "$count"); do
    ip netns add "shim-h$n"
    ip link add "veth-shim-h$n" type veth peer name eth0 netns "shim-h$n"
    ip link set "veth-shim-h$n" master "$BRIDGE" up
    nsenter --net=/run/netns/shim-h"$n" sh -c "ip addr add $(host_ip "$n")/24 dev eth0 && ip link set eth0 up && ip link set lo up && ip route add default via 10.77.0.1 && sysctl -qw net.ipv4.ip_forward=1"
    start_docker "$n"
    docker -H "$(sock "$n")" load -q -i "$images" >/dev/null
  done
  rm -f "$images"
  start_registry registry "$REGISTRY" auth
  start_registry mirror "$MIRROR"
  push_private_image
  push_mirror_image
}

start_agent() {
  local n=$1 kubeconfig=$2 dll=$3; shift 3
  local dir="$LAB_ROOT/h$n"
  stop_pidfile "$dir/agent.pid" KILL
  # No upstream nameserver: the agents' cluster DNS must not forward the lab's queries off the machine.
  echo "# lab hosts have no upstream DNS" >"$dir/resolv.conf"
  setsid nsenter --net=/run/netns/shim-h"$n" dotnet "$dll" agent --kubeconfig "$kubeconfig" --node-name "h$n" \
    --node-ip "$(host_ip "$n")" --docker "$(sock "$n")" --data-dir "$DATA_ROOT/agent-h$n" --resolv-conf "$dir/resolv.conf" "$@" \
    >>"$dir/agent.log" 2>&1 < /dev/null &
  echo $! >"$dir/agent.pid"
}

case "${1:-}" in
  up) up "${2:?number of hosts}" ;;
  down) down ;;
  start-agent) shift; start_agent "$@" ;;
  stop-agent) stop_pidfile "$LAB_ROOT/h${2:?host}/agent.pid" KILL ;;
  stop-docker) stop_docker "${2:?host}" ;;
  start-docker) start_docker "${2:?host}" ;;
  exec) n=${2:?host}; shift 2; DOCKER_HOST="$(sock "$n")" nsenter --net=/run/netns/shim-h"$n" "$@" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac

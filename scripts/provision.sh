#!/usr/bin/env bash
# Provision a machine for tldr's test suite and for `tldr dev` on the example
# backend. Idempotent; a few seconds when everything is already there.
#
#   1. Debian packages (docker.io, docker-registry, debootstrap, postgresql,
#      redis-server, python3-django, python3-celery, python3-psycopg2,
#      python3-redis, python3-venv, python3-tblib, hyperfine)
#   2. a Docker daemon: dockerd started detached (setsid, output to
#      /var/log/tldr-dockerd.log) when no daemon answers
#   3. the offline test images tldr-test/postgres:15 and tldr-test/redis:7
#      (scripts/build-test-images.sh)
#   4. example/backend/.venv (scripts/setup-venv.sh) and .venv-mcp, the Python MCP SDK
#      for the interop test (scripts/setup-mcp-python.sh)
#   5. a docker-registry binary for the image-pull tests
#      (tests run it with scripts/start-test-registry.sh PORT DATADIR)
#
# Env: TLDR_DOCKERD_FLAGS   extra dockerd flags, tried first (e.g. "--storage-driver=vfs")
#      TLDR_SKIP_VENV=1     skip step 4
set -euo pipefail

log() { printf '[provision] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IS_ROOT=0; [[ $(id -u) == 0 ]] && IS_ROOT=1
DOCKERD_LOG=/var/log/tldr-dockerd.log
T_ALL=$SECONDS
step_t0=0
step() { step_t0=$SECONDS; log "$*"; }
step_done() { log "  … $* ($((SECONDS - step_t0))s)"; }

# --- 1. Debian packages ------------------------------------------------------------------
PACKAGES=(docker.io docker-registry debootstrap postgresql redis-server python3-django
  python3-celery python3-psycopg2 python3-redis python3-venv python3-tblib hyperfine)

step "packages"
missing=()
installed=" $(dpkg-query -W -f='${db:Status-Abbrev}${Package} ' "${PACKAGES[@]}" 2>/dev/null | sed 's/ii /ii:/g' || true) "
for p in "${PACKAGES[@]}"; do
  [[ $installed == *" ii:$p "* ]] || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $IS_ROOT == 0 ]]; then
    log "missing Debian packages: ${missing[*]}"
    log "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "  installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  APT_LOG=/var/log/tldr-provision-apt.log
  apt_opts=(-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  {
    apt-get "${apt_opts[@]}" update -q &&
      apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${missing[@]}"
  } >"$APT_LOG" 2>&1 || { tail -n 30 "$APT_LOG" >&2; die "apt-get failed; see $APT_LOG"; }
  step_done "installed ${#missing[@]} package(s)"
else
  step_done "all ${#PACKAGES[@]} present"
fi

# The native-provider tests run PostgreSQL as the postgres user with its data under /tmp when the
# checkout is not reachable (as under /root): /tmp must have its usual mode 1777 (sticky, world
# writable). A machine came back from a restart with /tmp at 0700; put the standard mode back.
TMP_DIR=${TMPDIR:-/tmp}
if [[ $IS_ROOT == 1 && $TMP_DIR == /tmp && $(stat -c %a /tmp) != 1777 ]]; then
  log "  /tmp had mode $(stat -c %a /tmp); restoring the standard 1777"
  chmod 1777 /tmp
fi

# --- 2. Docker daemon --------------------------------------------------------------------------
command -v docker >/dev/null || die "no docker CLI on PATH (apt-get install docker.io)"

docker_ok() { timeout 10 docker info >/dev/null 2>&1; }

# start_dockerd FLAGS… : start dockerd detached; 0 when it answers within 60 s,
# 1 when it exited (so other flags may be tried), dies when it hangs
start_dockerd() {
  local pid i
  printf '\n=== %s: dockerd %s\n' "$(date -Is)" "$*" >>"$DOCKERD_LOG"
  # setsid + every stream redirected: the daemon never holds the caller's
  # stdout/stderr open (or CI's run would never end) and outlives this script
  setsid dockerd "$@" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  pid=$!
  for ((i = 0; i < 120; i++)); do
    if docker_ok; then
      log "  dockerd ${*:-(default flags)} answers (pid $pid, log $DOCKERD_LOG)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "  dockerd ${*:-(default flags)} exited; last log lines:"; tail -n 5 "$DOCKERD_LOG" >&2; return 1; }
    sleep 0.5
  done
  tail -n 20 "$DOCKERD_LOG" >&2
  die "dockerd (pid $pid) did not answer within 60 s; see $DOCKERD_LOG"
}

STARTED_DOCKERD=0
step "docker daemon"
if docker_ok; then
  step_done "answering"
else
  [[ -n ${DOCKER_HOST:-} ]] && log "  note: DOCKER_HOST=$DOCKER_HOST does not answer; starting a local dockerd does not change that"
  [[ $IS_ROOT == 1 ]] || die "no Docker daemon answers; start one (e.g. sudo scripts/provision.sh, or sudo systemctl start docker)"
  command -v dockerd >/dev/null || die "dockerd not found (apt-get install docker.io)"
  # a dockerd that is still starting up: wait for it instead of starting a
  # second one (zombies of a killed daemon do not count)
  live_dockerd() { ps -C dockerd -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }' | tr '\n' ' '; }
  if [[ -n $(live_dockerd) ]]; then
    log "  dockerd (pid $(live_dockerd)) is running but not answering yet; waiting up to 60 s"
    for ((i = 0; i < 120; i++)); do
      docker_ok || [[ -z $(live_dockerd) ]] && break
      sleep 0.5
    done
    if ! docker_ok && [[ -n $(live_dockerd) ]]; then
      die "dockerd (pid $(live_dockerd)) does not answer; see $DOCKERD_LOG"
    fi
  fi
  if ! docker_ok; then
    # Default flags work on these VMs (overlay2, iptables-nft). The fallbacks
    # are for containers/kernels without overlayfs or iptables; with
    # --iptables=false ports published on 127.0.0.1 still work through
    # docker-proxy (the userland proxy).
    attempts=()
    [[ -n ${TLDR_DOCKERD_FLAGS:-} ]] && attempts+=("$TLDR_DOCKERD_FLAGS")
    attempts+=("" "--storage-driver=vfs" "--storage-driver=vfs --iptables=false --ip6tables=false")
    started=0
    for flags in "${attempts[@]}"; do
      # shellcheck disable=SC2086 # flags are words
      if start_dockerd $flags; then started=1; break; fi
    done
    [[ $started == 1 ]] || die "dockerd would not start with any of the tried flags; see $DOCKERD_LOG"
    STARTED_DOCKERD=1
  fi
  step_done "$(docker info -f 'server {{.ServerVersion}}, storage {{.Driver}}' 2>/dev/null)"
fi

# --- 3. offline test images ----------------------------------------------------------------------
step "test images"
bash "$ROOT/scripts/build-test-images.sh"
step_done "tldr-test/postgres:15, tldr-test/redis:7"

# After a fresh daemon start, prove that a port published on 127.0.0.1 reaches
# a container (what every integration test relies on).
if [[ $STARTED_DOCKERD == 1 ]]; then
  step "published-port check"
  cid=$(docker run -d -p 127.0.0.1::6379 tldr-test/redis:7)
  trap 'docker rm -fv "$cid" >/dev/null 2>&1 || true' EXIT
  port=$(docker port "$cid" 6379/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
  ok=0
  for ((i = 0; i < 50; i++)); do
    if reply=$(timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$port"'; printf "PING\r\n" >&3; head -c 5 <&3' 2>/dev/null) \
      && [[ $reply == +PONG ]]; then ok=1; break; fi
    sleep 0.1
  done
  docker rm -fv "$cid" >/dev/null 2>&1 || true
  trap - EXIT
  [[ $ok == 1 ]] || die "a container's port published on 127.0.0.1:$port does not answer; see $DOCKERD_LOG"
  step_done "127.0.0.1:$port → container answered PONG"
fi

# --- 4. example backend venv ------------------------------------------------------------------------
if [[ ${TLDR_SKIP_VENV:-0} != 1 ]]; then
  step "example backend venv"
  bash "$ROOT/scripts/setup-venv.sh"
  step_done "example/backend/.venv"
  step "python MCP SDK venv (interop test)"
  bash "$ROOT/scripts/setup-mcp-python.sh"
  step_done ".venv-mcp"
fi

# --- 5. registry binary ----------------------------------------------------------------------------------
step "registry binary"
REGISTRY_BIN=$(command -v docker-registry || true)
[[ -n $REGISTRY_BIN ]] || die "docker-registry not found (apt-get install docker-registry)"
step_done "$REGISTRY_BIN (tests run it via scripts/start-test-registry.sh PORT DATADIR)"

log "ready in $((SECONDS - T_ALL))s"

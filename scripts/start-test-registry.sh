#!/usr/bin/env bash
# Run a throwaway Docker registry (Debian's docker-registry, distribution 2.8)
# in the foreground on 127.0.0.1:PORT with its storage in DATADIR, for the
# image-pull tests. It `exec`s the registry, so the pid a test spawned is the
# registry's own: SIGTERM it to stop. dockerd treats 127.0.0.0/8 as an insecure
# registry, so `docker push/pull 127.0.0.1:PORT/NAME:TAG` works without TLS.
#
# Usage: scripts/start-test-registry.sh PORT DATADIR
# Ready when http://127.0.0.1:PORT/v2/ answers 200 (the log also says
# "listening on 127.0.0.1:PORT").
set -euo pipefail

log() { printf '[test-registry] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

[[ $# == 2 ]] || die "usage: $0 PORT DATADIR"
PORT=$1
DATADIR=$2
if ! [[ $PORT =~ ^[0-9]{1,5}$ ]] || ((10#$PORT < 1 || 10#$PORT > 65535)); then
  die "PORT must be a number from 1 to 65535, got '$PORT'"
fi
PORT=$((10#$PORT))

REGISTRY_BIN=${TLDR_REGISTRY_BIN:-}
if [[ -z $REGISTRY_BIN ]]; then
  for c in /usr/bin/docker-registry "$(command -v docker-registry 2>/dev/null || true)" "$(command -v registry 2>/dev/null || true)"; do
    if [[ -n $c && -x $c ]]; then REGISTRY_BIN=$c; break; fi
  done
fi
[[ -n $REGISTRY_BIN ]] || die "docker-registry not found (apt-get install docker-registry)"

mkdir -p "$DATADIR"
DATADIR=$(cd "$DATADIR" && pwd)
CONFIG="$DATADIR/registry-config.yml"
cat >"$CONFIG" <<EOF
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DATADIR
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$PORT
  headers:
    X-Content-Type-Options: [nosniff]
EOF

# settings from the caller's environment (REGISTRY_HTTP_ADDR, …) would override the file
for name in $(compgen -e); do
  if [[ $name == REGISTRY_* ]]; then unset "$name"; fi
done

log "$REGISTRY_BIN on 127.0.0.1:$PORT, storage $DATADIR (pid $$)"
exec "$REGISTRY_BIN" serve "$CONFIG"

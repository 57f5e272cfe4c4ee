#!/usr/bin/env bash
# Build the offline test images tldr-test/postgres:15 and tldr-test/redis:7.
#
# No container registry is reachable on the test machines, so the images are
# made from a debootstrapped Debian bookworm (minbase) with postgresql-15 /
# redis-server installed in a chroot, then `docker import`ed. Entrypoints mimic
# the official postgres / redis images (POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, PGDATA, /docker-entrypoint-initdb.d, redis args after the image).
#
# Usage: scripts/build-test-images.sh [--force]
#   --force   rebuild even when the images exist (cached rootfs tarballs are
#             still reused when this script has not changed; delete
#             $TLDR_IMAGE_CACHE to start from scratch)
# Env: TLDR_IMAGE_CACHE (default /var/cache/tldr-test-images): debootstrap
#      base, downloaded .debs and the finished rootfs tarballs.
set -euo pipefail

log() { printf '[build-test-images] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

PG_IMAGE=tldr-test/postgres:15
REDIS_IMAGE=tldr-test/redis:7
SUITE=bookworm
CACHE_DIR=${TLDR_IMAGE_CACHE:-/var/cache/tldr-test-images}
FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  *) die "unknown argument: $1 (usage: $0 [--force])" ;;
esac

command -v docker >/dev/null || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "no Docker daemon answers (run scripts/provision.sh)"

want=()
for img in "$PG_IMAGE" "$REDIS_IMAGE"; do
  if [[ $FORCE == 1 ]] || ! docker image inspect "$img" >/dev/null 2>&1; then want+=("$img"); fi
done
if [[ ${#want[@]} == 0 ]]; then
  log "images present: $PG_IMAGE $REDIS_IMAGE"
  exit 0
fi

[[ $(id -u) == 0 ]] || die "building the images needs root (debootstrap, chroot); missing: ${want[*]}"

# one build at a time (two provision runs at once would otherwise race)
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.lock"
if ! flock -n 9; then
  log "another build holds $CACHE_DIR/.lock; waiting"
  flock 9
  if [[ $FORCE == 0 ]]; then
    want=()
    for img in "$PG_IMAGE" "$REDIS_IMAGE"; do
      docker image inspect "$img" >/dev/null 2>&1 || want+=("$img")
    done
    [[ ${#want[@]} == 0 ]] && { log "images built by the other run"; exit 0; }
  fi
fi

ARCH=$(dpkg --print-architecture)
SELF_HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
mkdir -p "$CACHE_DIR/debs/partial"

# --- mirror: the host's Debian mirror, else deb.debian.org -----------------
host_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [[ -r $f ]]; then
    # first deb822 stanza whose Suites contains "$SUITE" (not -security)
    awk -v suite="$SUITE" '
      function flush() { if (!done && uris != "" && found) { print uris; done=1; exit } uris=""; found=0 }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/   { uris=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found=1 }
      END { flush() }' "$f"
    return
  fi
  if [[ -r /etc/apt/sources.list ]]; then
    awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list
  fi
}
MIRROR=$(host_mirror || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

# --- helpers ------------------------------------------------------------------
WORK=$(mktemp -d "$CACHE_DIR/work.XXXXXX")
cleanup() {
  # every mount lives in a private mount namespace (unshare -m) that is gone by
  # now, so removing the work tree can never reach through a bind mount
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# in_chroot ROOT CMD... : run CMD in ROOT with /proc and the shared .deb cache
# mounted, inside a private mount namespace (mounts vanish with the process)
in_chroot() {
  local root=$1; shift
  # shellcheck disable=SC2016 # the inner script expands its own arguments
  unshare --mount --propagation private --fork -- /bin/bash -euc '
    root=$1; debs=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --bind "$debs" "$root/var/cache/apt/archives"
    exec chroot "$root" /usr/bin/env -i \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
  ' _ "$root" "$CACHE_DIR/debs" "$@"
}

# --- base rootfs (debootstrap, cached as a tarball) -------------------------
BASE_TAR="$CACHE_DIR/base-$SUITE-$ARCH-minbase.tar"
make_base() {
  local root="$WORK/base"
  if [[ -s $BASE_TAR ]]; then
    log "base: reusing $BASE_TAR"
    mkdir -p "$root"
    tar -C "$root" --numeric-owner -xpf "$BASE_TAR"
  else
    command -v debootstrap >/dev/null || die "debootstrap not installed (apt-get install debootstrap)"
    log "base: debootstrap --variant=minbase $SUITE from $MIRROR (about a minute)"
    local t0=$SECONDS
    if ! debootstrap --variant=minbase --arch="$ARCH" --cache-dir="$CACHE_DIR/debs" \
        "$SUITE" "$root" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
      tail -n 30 "$WORK/debootstrap.log" >&2
      [[ -f $root/debootstrap/debootstrap.log ]] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
      die "debootstrap failed"
    fi
    log "base: debootstrap done in $((SECONDS - t0))s"
    configure_base "$root"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" --numeric-owner -cpf "$BASE_TAR.tmp" .
    mv "$BASE_TAR.tmp" "$BASE_TAR"
  fi
}

configure_base() {
  local root=$1
  # apt sources: same as the host (known to work here), else the mirror alone
  rm -f "$root/etc/apt/sources.list"
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/debian.sources"
    local kr
    # shellcheck disable=SC2013 # keyring paths have no spaces
    for kr in $(awk '/^Signed-By:/ { print $2 }' /etc/apt/sources.list.d/debian.sources); do
      if [[ -f $kr && ! -f $root$kr ]]; then mkdir -p "$root$(dirname "$kr")"; cp "$kr" "$root$kr"; fi
    done
  else
    printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$root/etc/apt/sources.list"
  fi
  cat >"$root/etc/apt/apt.conf.d/90tldr-test-image" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Check-Valid-Until "false";
Acquire::Retries "3";
Acquire::Languages "none";
EOF
  # no docs, man pages or translations in later installs
  cat >"$root/etc/dpkg/dpkg.cfg.d/90tldr-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/lintian/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
EOF
}

# start services never while packages install
prepare_chroot() {
  local root=$1
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}

finish_rootfs() {
  local root=$1
  # (not `apt-get clean` in the chroot: its archives dir is the shared cache)
  rm -f "$root"/var/cache/apt/archives/*.deb "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
    "$root"/var/log/apt/* "$root"/var/log/*.log "$root"/tmp/* "$root"/var/tmp/* "$root"/root/.cache
  # drop what the base install left: docs, man pages, translations
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  mkdir -p "$root/var/cache/apt/archives/partial"
}

# --- postgres --------------------------------------------------------------------
write_pg_entrypoint() {
  cat >"$1" <<'ENTRYPOINT'
#!/bin/bash
# tldr-test/postgres entrypoint: a small re-implementation of the official
# postgres image's docker-entrypoint.sh (Debian postgresql-15 inside).
set -Eeuo pipefail

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

if [ "$1" != postgres ]; then
  exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
  # fresh named volumes belong to root: hand them to postgres, then drop root
  mkdir -p "$PGDATA" /var/run/postgresql
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
  chmod 700 "$PGDATA"
  chown postgres:postgres /var/run/postgresql
  chmod 3777 /var/run/postgresql
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${BASH_SOURCE[0]}" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  POSTGRES_USER="${POSTGRES_USER:-postgres}"
  POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
  POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'EOF'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
       (or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password)
EOF
    exit 1
  fi

  initdb_args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD")
  # (the <(…) must be on the initdb command line itself: bash closes it after the statement)
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is word-split like upstream
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    initdb "${initdb_args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-}
  else
    initdb "${initdb_args[@]}" ${POSTGRES_INITDB_ARGS:-}
  fi

  {
    echo
    echo "listen_addresses = '*'"
  } >>"$PGDATA/postgresql.conf"
  {
    echo
    echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"

  # temporary server on the unix socket only, for setup
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start

  export PGPASSWORD="${POSTGRES_PASSWORD:-}"
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
  fi
  psql+=(--dbname "$POSTGRES_DB")

  echo
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then echo "$0: running $f"; "$f"
        else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; "${psql[@]}" -f "$f"; echo ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql[@]}"; echo ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
  unset PGPASSWORD

  pg_ctl -D "$PGDATA" -m fast -w stop
  echo
  echo 'PostgreSQL init process complete; ready for start up.'
  echo
else
  echo
  echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
  echo
fi

exec "$@"
ENTRYPOINT
  chmod 755 "$1"
}

build_pg_rootfs() {
  local root=$1
  log "postgres: installing postgresql-15 in the chroot"
  in_chroot "$root" apt-get install -y -q postgresql-common >"$WORK/pg-apt.log" 2>&1 \
    || { tail -n 30 "$WORK/pg-apt.log" >&2; die "apt-get install postgresql-common failed"; }
  # no Debian cluster (/etc/postgresql/15/main): the entrypoint runs initdb
  sed -ri 's/^#? *create_main_cluster .*$/create_main_cluster = false/' \
    "$root/etc/postgresql-common/createcluster.conf"
  in_chroot "$root" apt-get install -y -q postgresql-15 >>"$WORK/pg-apt.log" 2>&1 \
    || { tail -n 30 "$WORK/pg-apt.log" >&2; die "apt-get install postgresql-15 failed"; }
  # JIT support (llvmjit + libllvm14, ~120 MB) is not needed for tests: without
  # llvmjit.so the server simply runs without JIT.
  rm -f "$root"/usr/lib/postgresql/15/lib/llvmjit*
  rm -rf "$root"/usr/lib/postgresql/15/lib/bitcode
  in_chroot "$root" dpkg --purge --force-depends libllvm14 >>"$WORK/pg-apt.log" 2>&1 || true
  in_chroot "$root" dpkg --purge libz3-4 >>"$WORK/pg-apt.log" 2>&1 || true
  # nothing the entrypoint needs is in the Debian wrapper scripts' config
  rm -rf "$root"/var/lib/postgresql/15 "$root"/etc/postgresql/15
  mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql" "$root/docker-entrypoint-initdb.d"
  in_chroot "$root" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
  chmod 700 "$root/var/lib/postgresql/data"
  chmod 3777 "$root/var/run/postgresql"
  write_pg_entrypoint "$root/usr/local/bin/docker-entrypoint.sh"
  finish_rootfs "$root"
}

# --- redis --------------------------------------------------------------------------
write_redis_entrypoint() {
  cat >"$1" <<'ENTRYPOINT'
#!/bin/sh
# tldr-test/redis entrypoint, like the official redis image's: arguments after
# the image name replace CMD; a first argument starting with "-" (or a .conf
# file) means "redis-server with these arguments".
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = redis-server ] && [ "${2:-}" = "${2#-}" ] && [ -n "${2:-}" ]; then
  : # "redis-server FILE.conf …": the config file decides everything itself
elif [ "$1" = redis-server ]; then
  # The official image is built with protected mode off; Debian's binary is
  # not, and with it on nothing outside the container (docker-proxy included)
  # may connect. Append it unless the arguments set it; appended so that argv[1]
  # options like --version / --test-memory keep working.
  case " $* " in
    *" --protected-mode "*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
fi

if [ "$1" = redis-server ]; then
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups -- "$@"
  fi
fi

exec "$@"
ENTRYPOINT
  chmod 755 "$1"
}

build_redis_rootfs() {
  local root=$1
  log "redis: installing redis-server in the chroot"
  in_chroot "$root" apt-get install -y -q redis-server >"$WORK/redis-apt.log" 2>&1 \
    || { tail -n 30 "$WORK/redis-apt.log" >&2; die "apt-get install redis-server failed"; }
  rm -rf "$root"/var/lib/redis/* "$root"/var/log/redis/*
  mkdir -p "$root/data"
  in_chroot "$root" chown redis:redis /data
  write_redis_entrypoint "$root/usr/local/bin/docker-entrypoint.sh"
  finish_rootfs "$root"
}

# --- import -----------------------------------------------------------------------------
# import_image TARBALL TAG STOPSIGNAL CHANGE...
# `docker import --change` does not take STOPSIGNAL (dockerd 20.10), so the
# rootfs is imported untagged and a one-line legacy build adds STOPSIGNAL on top
# (a metadata-only layer; `docker rmi TAG` removes both).
import_image() {
  local tar=$1 tag=$2 sig=$3; shift 3
  local changes=() c id old new
  for c in "$@"; do changes+=(--change "$c"); done
  old=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  id=$(docker import --message "tldr offline test image $tag" "${changes[@]}" \
    --change "LABEL dev.tldr.test-image=$tag" "$tar")
  printf 'FROM %s\nSTOPSIGNAL %s\n' "$id" "$sig" \
    | DOCKER_BUILDKIT=0 docker build -q -t "$tag" - >/dev/null 2>"$WORK/build.log" \
    || { cat "$WORK/build.log" >&2; die "docker build of $tag failed"; }
  new=$(docker image inspect -f '{{.Id}}' "$tag")
  # a rebuild (--force) leaves the previous image untagged: drop it unless in use
  if [[ -n $old && $old != "$new" ]]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
}

import_pg() {
  import_image "$1" "$PG_IMAGE" SIGINT \
    'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV LANG=C.UTF-8' \
    'ENV PG_MAJOR=15' \
    'ENV PGDATA=/var/lib/postgresql/data' \
    'VOLUME /var/lib/postgresql/data' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' \
    'CMD ["postgres"]' \
    'EXPOSE 5432'
}

import_redis() {
  import_image "$1" "$REDIS_IMAGE" SIGTERM \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV LANG=C.UTF-8' \
    'VOLUME /data' \
    'WORKDIR /data' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' \
    'CMD ["redis-server"]' \
    'EXPOSE 6379'
}

# --- main -----------------------------------------------------------------------------------
t_start=$SECONDS
PG_TAR="$CACHE_DIR/postgres-15-$SELF_HASH.tar"
REDIS_TAR="$CACHE_DIR/redis-7-$SELF_HASH.tar"

need_build=()
for img in "${want[@]}"; do
  case "$img" in
    "$PG_IMAGE") [[ -s $PG_TAR ]] || need_build+=(pg) ;;
    "$REDIS_IMAGE") [[ -s $REDIS_TAR ]] || need_build+=(redis) ;;
  esac
done

if [[ ${#need_build[@]} -gt 0 ]]; then
  make_base
  prepare_chroot "$WORK/base"
  log "base: apt-get update"
  in_chroot "$WORK/base" apt-get update -q >"$WORK/update.log" 2>&1 \
    || { tail -n 30 "$WORK/update.log" >&2; die "apt-get update in the chroot failed"; }
  for what in "${need_build[@]}"; do
    root="$WORK/$what"
    cp -a "$WORK/base" "$root"
    t0=$SECONDS
    if [[ $what == pg ]]; then build_pg_rootfs "$root"; out=$PG_TAR; else build_redis_rootfs "$root"; out=$REDIS_TAR; fi
    tar -C "$root" --numeric-owner -cpf "$out.tmp" .
    mv "$out.tmp" "$out"
    rm -rf --one-file-system "$root"
    log "$what: rootfs ready in $((SECONDS - t0))s ($(du -h "$out" | cut -f1))"
  done
  # rootfs tarballs of older versions of this script are of no further use
  find "$CACHE_DIR" -maxdepth 1 \( -name 'postgres-15-*.tar' -o -name 'redis-7-*.tar' \) \
    -not -name "*-$SELF_HASH.tar" -delete
fi

for img in "${want[@]}"; do
  case "$img" in
    "$PG_IMAGE") import_pg "$PG_TAR" ;;
    "$REDIS_IMAGE") import_redis "$REDIS_TAR" ;;
  esac
  log "imported $img ($(docker image inspect -f '{{.Size}}' "$img" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
done
log "done in $((SECONDS - t_start))s"

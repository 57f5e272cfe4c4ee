#!/usr/bin/env bash
# Create example/backend/.venv for the example Django + Celery backend.
#
# The venv is made from Debian's /usr/bin/python3 with --system-site-packages,
# so Debian's python3-django (3.2), python3-celery, python3-psycopg2,
# python3-redis and python3-tblib are importable in it. When pip can find a
# Django 5.2 wheel (this machine has local wheels; pip is run with --retries 0
# so an unreachable index fails fast), Django 5.2 is installed into the venv on
# top; otherwise the venv keeps Debian's Django 3.2 — tldr supports both.
#
# Usage: scripts/setup-venv.sh [--force]      (--force: recreate the venv)
# Env:   TLDR_VENV_PYTHON (default /usr/bin/python3)
set -euo pipefail

log() { printf '[setup-venv] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BACKEND="$ROOT/example/backend"
VENV="$BACKEND/.venv"
PY=${TLDR_VENV_PYTHON:-/usr/bin/python3}
FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  *) die "unknown argument: $1 (usage: $0 [--force])" ;;
esac

IMPORTS='import django, celery, psycopg2, redis'
django_version() { "$VENV/bin/python" -c 'import django; print(django.get_version())'; }

if [[ $FORCE == 0 && -x $VENV/bin/python ]] && "$VENV/bin/python" -c "$IMPORTS" 2>/dev/null; then
  log "venv ready: $VENV (Django $(django_version))"
  exit 0
fi

[[ -x $PY ]] || die "$PY not found (apt-get install python3 python3-venv)"
"$PY" -c "$IMPORTS" 2>/dev/null \
  || die "$PY cannot import django, celery, psycopg2, redis (apt-get install python3-django python3-celery python3-psycopg2 python3-redis python3-tblib)"

mkdir -p "$BACKEND"
log "creating $VENV from $PY (--system-site-packages)"
if ! "$PY" -m venv --clear --system-site-packages "$VENV" 2>/dev/null; then
  # no ensurepip (python3-venv missing): the system pip is visible anyway
  log "python3 -m venv with pip failed; creating it --without-pip (install python3-venv for a private pip)"
  "$PY" -m venv --clear --system-site-packages --without-pip "$VENV"
fi

log "installing Django 5.2 from local wheels, if pip can find them"
if "$VENV/bin/python" -m pip install --quiet --retries 0 --timeout 10 --disable-pip-version-check \
    'Django>=5.2,<5.3' >"$VENV/pip-install.log" 2>&1; then
  log "Django $(django_version) installed in the venv"
else
  log "no Django 5.2 wheel reachable (see $VENV/pip-install.log): keeping Debian's Django $(django_version)"
fi

"$VENV/bin/python" -c "$IMPORTS" || die "the venv cannot import django, celery, psycopg2, redis"
log "venv ready: $VENV (Django $(django_version))"

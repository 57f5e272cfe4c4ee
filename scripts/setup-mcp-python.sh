#!/usr/bin/env bash
# Create .venv-mcp/ with the official Python MCP SDK (`mcp` 2.x): the interop test
# (test/integration/mcp-interop.test.ts) drives `tldr mcp` with it, as a Python agent would.
#
# Idempotent and fast when present (one import). pip runs with --retries 0, so an unreachable
# index fails fast; this machine's pip finds the wheels in its local index.
#
# Usage: scripts/setup-mcp-python.sh [--force]      (--force: recreate the venv)
# Env:   TLDR_VENV_PYTHON (default /usr/bin/python3)
set -euo pipefail

log() { printf '[setup-mcp-python] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv-mcp"
PY=${TLDR_VENV_PYTHON:-/usr/bin/python3}
case "${1:-}" in
  --force) rm -rf "$VENV" ;;
  "") ;;
  *) die "unknown argument: $1 (usage: $0 [--force])" ;;
esac

CHECK='import importlib.metadata as m; v = m.version("mcp"); assert v.split(".")[0] == "2", v; print(v)'
if [[ -x $VENV/bin/python ]] && version=$("$VENV/bin/python" -c "$CHECK" 2>/dev/null); then
  log "ready: $VENV (mcp $version)"
  exit 0
fi

[[ -x $PY ]] || die "$PY not found (apt-get install python3 python3-venv)"
log "creating $VENV from $PY"
"$PY" -m venv --clear "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
"$VENV/bin/python" -m pip install --quiet --retries 0 --timeout 20 --disable-pip-version-check 'mcp>=2,<3' >"$VENV/pip-install.log" 2>&1 ||
  { tail -n 20 "$VENV/pip-install.log" >&2; die "pip could not install mcp 2.x (see $VENV/pip-install.log)"; }
version=$("$VENV/bin/python" -c "$CHECK") || die "the venv cannot import mcp 2.x"
log "ready: $VENV (mcp $version)"

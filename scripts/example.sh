#!/usr/bin/env bash
# The README's "run it" command: provisions what the example backend needs (Docker, offline
# images, the venv), builds tldr, and runs `tldr dev` on example/backend. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/provision.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build >/dev/null
exec node bin/tldr.js dev "$@"

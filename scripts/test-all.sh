#!/usr/bin/env bash
# The README's test command: provisions everything the suite needs on a fresh machine
# (Debian packages, dockerd, offline test images, the example venv), installs npm packages,
# then runs `npm test` (build, type-check, layer boundaries, unit + integration tests).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/provision.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci" >&2
  # No install scripts: the tree's only ones compile ssh2's optional native addons (cpu-features,
  # its crypto binding: node-gyp, ~15 s of a 28 s install) that tldr never loads (dockerode
  # speaks to the Engine's unix socket), and esbuild's check of the platform binary its
  # optional package already holds. --prefer-offline: the lock file pins every tarball.
  npm ci --no-audit --no-fund --prefer-offline --ignore-scripts
fi
report="$(mktemp -d)/vitest.json"
status=0
npm test -- --reporter=default --reporter=json --outputFile.json="$report" || status=$?
# One plain closing line any CI log reader understands.
if [ -f "$report" ]; then
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' "$report"
fi
exit "$status"

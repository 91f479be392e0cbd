#!/usr/bin/env bash
# The complete test suite on a fresh Debian 12 machine, as root: installs and starts what the
# tests need (scripts/test-env.sh), installs the npm dependencies, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-env.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
npm test

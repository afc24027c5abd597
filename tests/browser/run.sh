#!/usr/bin/env bash
# Builds the release playground and tests it in Chromium.
#
#   tests/browser/run.sh            # trunk build --release, then node --test
#   KPLANE_SKIP_BUILD=1 tests/browser/run.sh   # test the dist/ that is already there
#
# Needs: trunk 0.21.14 and wasm-bindgen-cli (= the wasm-bindgen in Cargo.lock) on PATH,
# /usr/bin/chromium (or CHROMIUM=...), Node.js >= 20. Downloads nothing but npm packages
# (playwright-core, only when node_modules is missing). Saves docs/playground.png.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

if [[ "${KPLANE_SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$repo" && trunk build --release)
fi
if [[ ! -f "${KPLANE_DIST:-$repo/dist}/index.html" ]]; then
  echo "run.sh: no built playground in ${KPLANE_DIST:-$repo/dist}; run without KPLANE_SKIP_BUILD" >&2
  exit 1
fi

cd "$here"
if [[ ! -d node_modules/playwright-core ]]; then
  npm ci --no-audit --no-fund
fi
exec node --test --test-reporter=spec playground.test.mjs features.test.mjs workspaces.test.mjs

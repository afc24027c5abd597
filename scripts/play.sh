#!/usr/bin/env bash
# Sets up (if needed), builds the release playground and serves it, gzip-compressed, on
# http://127.0.0.1:8080 (tests/browser/serve.mjs).
#   scripts/play.sh         release build (wasm-opt), served compressed
#   scripts/play.sh --dev   trunk serve: rebuilds and reloads on changes (uncompressed)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --play
if [ "${1:-}" = "--dev" ]; then
  # Address and port come from Trunk.toml.
  exec trunk serve
fi
trunk build --release
exec node tests/browser/serve.mjs dist 8080

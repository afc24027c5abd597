#!/usr/bin/env bash
# Sets up (if needed) and runs every test tier: the core (native), the bindings under Node
# (wasm-bindgen-test), the built npm package under node --test (ESM and CommonJS), real kubectl
# and helm against its HTTP API, and the
# playground in Debian's chromium driven by playwright-core.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

scripts/setup.sh

tier() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
start=$(date +%s)

tier "format and lints"
cargo fmt --all -- --check
cargo clippy -p kplane --all-targets -- -D warnings
cargo clippy -p kplane-wasm -p kplane-web --target wasm32-unknown-unknown -- -D warnings

tier "core: cargo test"
cargo test -p kplane

tier "playground: unit tests"
cargo test -p kplane-web

tier "bindings: wasm-bindgen-test under Node"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p kplane-wasm --target wasm32-unknown-unknown

tier "npm package: build bindings/pkg, then node --test (ESM and CommonJS)"
scripts/build-npm.sh
tests/node/run.sh

tier "HTTP API: real kubectl 1.32/1.35 and helm 4 against serveHttp and kplane serve"
tests/http/run.sh

tier "playground: release build in chromium with playwright-core"
tests/browser/run.sh

tier "all tiers passed in $(( $(date +%s) - start ))s"

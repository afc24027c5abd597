#!/usr/bin/env bash
# The end-to-end benchmarks natively and in wasm (the npm package under Node), side by side in
# one run. Builds the release example and the npm package first (scripts/build-npm.sh).
#
#   scripts/bench.sh                          # schedule 5000 nodes / 10000 pods; deployments 500 / 5000 and 1000 / 20000
#   scripts/bench.sh deployments 500 5000     # one shape
#
# Prints one row per shape: wall and CPU seconds, pods/s (by CPU time), peak memory, and the
# wasm/native CPU ratio. The JSON lines of both runs go to stderr for the record.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ $# -ge 3 ]; then
  cases=("$1 $2 $3")
else
  cases=("schedule 5000 10000" "deployments 500 5000" "deployments 1000 20000")
fi

cargo build --release -q -p kplane --example e2e
[ -f bindings/pkg/kplane_bg.wasm ] || scripts/build-npm.sh >/dev/null

printf '%-12s %6s %6s | %-34s | %-34s | %s\n' shape nodes pods "native: wall / cpu s, pods/s, MiB" "wasm: wall / cpu s, pods/s, MiB" "wasm/native"
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086
  native=$(target/release/examples/e2e $c)
  # shellcheck disable=SC2086
  wasm=$(node --max-old-space-size=8192 tests/node/e2e.mjs $c)
  echo "native $native" >&2
  echo "wasm   $wasm" >&2
  node -e '
    const [n, w] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
    const cell = (r) => `${r.seconds.toFixed(2)} / ${r.cpuSeconds.toFixed(2)} s, ${Math.round(r.pods / r.cpuSeconds)}/s, ${Math.round(r.memoryBytes / 2 ** 20)}`;
    console.log(`${n.shape.padEnd(12)} ${String(n.nodes).padStart(6)} ${String(n.pods).padStart(6)} | ${cell(n).padEnd(34)} | ${cell(w).padEnd(34)} | ${(w.cpuSeconds / n.cpuSeconds).toFixed(2)}x`);
  ' "$native" "$wasm"
done

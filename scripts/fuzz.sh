#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) with libFuzzer for SECONDS each
# (default 300), seeding each corpus from examples/ the first time. Needs a nightly toolchain
# (`rustup toolchain install nightly`); without one it says so and exits 0. Installs cargo-fuzz
# (pinned) when it is missing. Findings land in fuzz/artifacts/<target>/; make each one a
# regression test (core/tests/hostile.rs) and fix it at the cause.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# One target by hand: cargo +nightly fuzz run <target> -- -max_total_time=300
# The same bodies run briefly on stable in `cargo test -p kplane --test fuzz_smoke`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_FUZZ_VERSION=0.13.1
seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(manifests quantity selectors cron patches kubectl restore)
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain (rustup toolchain install nightly); skipping the libFuzzer run." >&2
  echo "fuzz: the stable smoke run is: cargo test -p kplane --test fuzz_smoke" >&2
  exit 0
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# Seed corpora: every manifest under examples/ (the kubectl target reads the first line as
# the command line and the rest as stdin), plus a few hand-written inputs per target.
seed() {
  local target="$1" dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
  case "$target" in
    manifests)
      find examples -name '*.yaml' | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    kubectl)
      find examples -name '*.yaml' | while read -r f; do
        { echo 'apply -f -'; cat "$f"; } >"$dir/$(echo "$f" | tr / _)"
      done
      printf 'get pods -A' >"$dir/get"
      printf 'scale deploy/web -n fuzz --replicas=3' >"$dir/scale" ;;
    quantity) for q in 100m 1.5Gi 1e3 129M 123Mi 8Ei .5 -1; do printf '%s' "$q" >"$dir/$q"; done ;;
    selectors) printf 'app in (web,db),!tier\0metadata.name=cm' >"$dir/s1" ;;
    cron)
      printf '*/5 * * * *' >"$dir/c1"; printf 'TZ=UTC 0 0 * * *' >"$dir/c2"; printf '@hourly' >"$dir/c3" ;;
    patches)
      printf '{"a":[1,2]}\0[{"op":"add","path":"/a/-","value":3}]' >"$dir/p1"
      printf '\0{"spec":{"replicas":3}}' >"$dir/p2" ;;
    restore) printf '{"kind":"KplaneSnapshot","version":2}' >"$dir/r1" ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  seed "$t"
  echo "==> fuzz $t for ${seconds}s"
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096; then
    status=1
  fi
done
exit $status

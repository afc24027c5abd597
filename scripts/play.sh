#!/usr/bin/env bash
# Sets up (if needed) and serves the playground on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --play
# Address and port come from Trunk.toml.
exec trunk serve --release

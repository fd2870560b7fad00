#!/usr/bin/env bash
# From a fresh Debian 12 machine to `fastpath demo`: installs what is missing, builds, runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh release >/dev/null
exec build/release/fastpath demo "$@"

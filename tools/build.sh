#!/usr/bin/env bash
# Configures and builds one flavour of fastpath.
#   tools/build.sh release   -> build/release  (optimised, warnings as errors)
#   tools/build.sh asan      -> build/asan     (Debug with AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DFASTPATH_SANITIZE=ON) ;;
  *) echo "usage: tools/build.sh release|asan" >&2; exit 2 ;;
esac
cmake -S . -B "build/$flavour" -G Ninja "${args[@]}" >/dev/null
ninja -C "build/$flavour" -j "$(nproc)"

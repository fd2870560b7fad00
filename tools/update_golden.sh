#!/usr/bin/env bash
# Rewrites testdata/golden/ from the current build after an intended output change.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh release >/dev/null
FASTPATH_UPDATE_GOLDEN=1 build/release/tests/fastpath_pipeline_tests --gtest_filter='Golden.*' >/dev/null || true
git status --short testdata/golden

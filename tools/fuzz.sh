#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 30) from its seed
# corpus. New inputs that raise coverage are kept in build/libfuzzer/corpus/<target>/; a crash is
# written to fuzz/crashes/<target>/, where it replays as a test in every build from then on.
#   tools/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
bash tools/setup.sh --fuzz
cxx=$(command -v clang++ || command -v clang++-14)
cmake -S . -B build/libfuzzer -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DFASTPATH_FUZZ=ON -DFASTPATH_WERROR=OFF >/dev/null
ninja -C build/libfuzzer fuzz_targets
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=(envelope_decoder document_splitter inflate rfc3339 s3_notification eventbridge_pattern rule_loader aws_responses receiver_bodies daemon_config kinesis_records vpcflow text_logs service_records lake_objects audit_responses dashboard_inputs); fi
for t in "${targets[@]}"; do
  mkdir -p "build/libfuzzer/corpus/$t" "fuzz/crashes/$t"
  echo "=== fuzz_$t for ${seconds}s"
  "build/libfuzzer/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="fuzz/crashes/$t/" "build/libfuzzer/corpus/$t" "fuzz/corpus/$t"
done

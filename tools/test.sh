#!/usr/bin/env bash
# From a fresh Debian 12 machine to the whole test suite passing: installs what is missing, checks
# formatting, builds Release and ASan+UBSan, runs every test in both (unit, golden, CLI, fuzz
# seeds), and checks that the benchmarks still produce the right answer on a tiny input.
set -euo pipefail
cd "$(dirname "$0")/.."
start_all=$(date +%s)
phase() {  # phase NAME COMMAND...
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  echo "=== $name"
  "$@"
  echo "=== $name: $(($(date +%s) - t0)) s"
}

bench_check() {
  build/release/bench/fastpath_bench_scan --check
  build/release/bench/fastpath_bench_lake --check
  { build/release/bench/fastpath_bench --benchmark_min_time=0.01 && build/release/bench/fastpath_bench_rules --benchmark_min_time=0.01; } 2>&1 | tee /tmp/fastpath-stage-bench.txt
  ! grep -q "ERROR OCCURRED" /tmp/fastpath-stage-bench.txt
  # Fast-path latency through kinesalite: 200 records, every event and alert exactly once.
  bash bench/kinesis_latency.sh --records 200 --rate 200 --poll-ms 250
  # The kill -9 soak, short: 3 kills on each path, nothing missing or emitted twice.
  python3 bench/kill9_soak.py --kills 3
}

phase "set-up" bash tools/setup.sh
phase "format check" bash tools/format.sh --check
phase "build release" bash tools/build.sh release
phase "test release" ctest --test-dir build/release -j "$(nproc)" --output-on-failure --timeout 600
phase "benchmarks check their answer (release)" bench_check
phase "build asan+ubsan" bash tools/build.sh asan
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
phase "test asan+ubsan" ctest --test-dir build/asan -j "$(nproc)" --output-on-failure --timeout 1200
echo "=== all phases: $(($(date +%s) - start_all)) s"

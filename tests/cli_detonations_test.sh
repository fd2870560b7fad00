#!/usr/bin/env bash
# Every Stratus Red Team detonation in the corpus raises at least one alert from the bundled pack,
# and at most three (dedup and thresholds keep a burst of calls to one or two alerts).
# Usage: cli_detonations_test.sh FASTPATH RULES DETONATIONS_DIR
set -euo pipefail
fastpath="$1"
rules="$2"
dir="$3"
failed=0
count=0
for f in "$dir"/*.json; do
  n=$("$fastpath" scan --rules "$rules" --output alerts "$f" 2>/dev/null | wc -l)
  count=$((count + 1))
  if ((n < 1 || n > 3)); then
    echo "$(basename "$f"): $n alerts" >&2
    failed=1
  fi
done
((count >= 35)) || { echo "only $count detonations in $dir" >&2; exit 1; }
((failed == 0)) && echo "$count detonations, each with 1 to 3 alerts"
exit "$failed"

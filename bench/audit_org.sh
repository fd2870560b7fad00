#!/usr/bin/env bash
# Audits an organization of ACCOUNTS x REGIONS, every cell wired, served by the loopback AWS
# stand-in (tests/integration/aws_standin.mjs, which throttles one call in 97), and prints the
# wall time, the API calls made and the calls per second.
#   bench/audit_org.sh [ACCOUNTS] [REGIONS] [extra fastpath audit flags]   (default 50 17)
# LATENCY_MS=40 makes every answer that late, as from a distant AWS endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts="${1:-50}"
regions="${2:-17}"
shift $(($# > 2 ? 2 : $#))
fastpath="${FASTPATH:-build/release/fastpath}"
log="$(mktemp)"
node tests/integration/aws_standin.mjs --scenario bench --accounts "$accounts" --regions "$regions" \
  --latency-ms "${LATENCY_MS:-0}" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log" "$log.json"' EXIT
for _ in $(seq 1 100); do grep -q '^listening ' "$log" && break; sleep 0.1; done
port="$(awk '/^listening /{print $2; exit}' "$log")"
[[ -n "$port" ]] || { cat "$log"; exit 1; }
export AWS_ACCESS_KEY_ID=AKIASTANDINCALLER001 AWS_SECRET_ACCESS_KEY=standin/caller/secret/key/0000000000000
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
start=$(date +%s.%N)
set +e
"$fastpath" audit --no-progress --endpoint-url "http://127.0.0.1:$port" --organization \
  --central-bus arn:aws:events:us-east-1:111111111111:event-bus/fastpath \
  --securityhub-region us-east-1 --data-events AWS::S3::Object --s3-bucket org-cloudtrail-logs \
  --format json -o "$log.json" "$@" 2>/dev/null
rc=$?
set -e
end=$(date +%s.%N)
python3 - "$log.json" "$start" "$end" "$rc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"audit: {len(r['accounts'])} accounts x {len(r['regions'])} regions, {len(r['cells'])} cells "
      f"({r['summary']['ok']} ok, {r['summary']['gap']} gap, {r['summary']['unknown']} unknown), "
      f"{r['api_calls']} API calls in {wall:.1f} s wall ({r['api_calls'] / wall:.0f} calls/s), exit {sys.argv[4]}")
PY

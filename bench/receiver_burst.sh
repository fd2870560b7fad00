#!/usr/bin/env bash
# A burst against the Firehose receiver of `fastpath run`: CONCURRENCY clients post REQUESTS
# requests at once (each RECORDS CloudWatch Logs events from the bundled CloudTrail data, gzip'd
# and base64'd as Firehose sends them) and the answers are tallied: how many 200, how many 503
# with Retry-After (load shed), and the latency percentiles of each.
#   bench/receiver_burst.sh [REQUESTS=400] [CONCURRENCY=100] [RECORDS=500] [extra receiver YAML]
# FSYNC=always|interval|never sets the daemon's fsync policy (default interval).
# Not a test: figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-400}" concurrency="${2:-100}" records="${3:-500}" extra="${4:-}"
work="$(mktemp -d /tmp/fastpath-burst.XXXXXX)"
trap 'kill $daemon 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export FH_KEY="burst-key-$$"
cat >"$work/fastpath.yml" <<YAML
state_dir: $work/state
fsync: ${FSYNC:-interval}
events:
  output: $work/events.ndjson
http:
  listen: 127.0.0.1:0
sources:
  - name: firehose
    type: firehose
    listen: 127.0.0.1:0
    access_key_env: FH_KEY
$(if [[ -n "$extra" ]]; then echo "$extra" | sed 's/^/    /'; fi)
YAML
build/release/fastpath run --config "$work/fastpath.yml" 2>"$work/daemon.log" &
daemon=$!
for _ in $(seq 1 100); do grep -q '"msg":"started"' "$work/daemon.log" && break; sleep 0.1; done
fh="http://$(grep -o '"source":"firehose","address":"[^"]*' "$work/daemon.log" | sed 's/.*"address":"//')"
python3 - "$records" "$work" "$requests" <<'PY'
import base64, glob, gzip, json, sys, time
n, work, requests = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
recs = []
for f in sorted(glob.glob("data/demo/cloudtrail/**/*.json*", recursive=True)):
    data = gzip.open(f).read() if f.endswith(".gz") else open(f, "rb").read()
    recs += json.loads(data)["Records"]
for r in range(requests):
    events = [{"id": str(i), "timestamp": int(time.time() * 1000), "message": json.dumps(recs[(r * n + i) % len(recs)])} for i in range(n)]
    msg = {"messageType": "DATA_MESSAGE", "owner": "123837392027", "logGroup": "trail", "logStream": "s",
           "subscriptionFilters": ["all"], "logEvents": events}
    body = {"requestId": f"burst-{r}", "timestamp": int(time.time() * 1000),
            "records": [{"data": base64.b64encode(gzip.compress(json.dumps(msg).encode())).decode()}]}
    open(f"{work}/req-{r}.json", "w").write(json.dumps(body))
PY
start=$(date +%s.%N)
seq 0 $((requests - 1)) | xargs -P "$concurrency" -I{} curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
  --max-time 60 -X POST "$fh/" -H "Content-Type: application/json" -H "X-Amz-Firehose-Request-Id: burst-{}" \
  -H "X-Amz-Firehose-Access-Key: $FH_KEY" --data-binary "@$work/req-{}.json" >"$work/answers.txt" || true
end=$(date +%s.%N)
python3 - "$work/answers.txt" "$start" "$end" "$requests" "$concurrency" "$records" <<'PY'
import sys, collections
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for code, t in lines:
    by[code].append(float(t))
print(f"{sys.argv[4]} requests of {sys.argv[6]} records, {sys.argv[5]} at once, in {float(sys.argv[3]) - float(sys.argv[2]):.1f} s")
for code, ts in sorted(by.items()):
    ts.sort()
    q = lambda p: ts[min(len(ts) - 1, int(p * len(ts)))]
    print(f"  HTTP {code}: {len(ts):5d}  latency p50 {q(0.5):6.2f} s  p99 {q(0.99):6.2f} s  max {ts[-1]:6.2f} s")
PY
echo "  events out: $(wc -l <"$work/events.ndjson")"

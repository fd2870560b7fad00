#!/usr/bin/env bash
# The dashboard in headless Chromium (Debian's package, driven by playwright-core from npm):
#   - `fastpath demo`: its alerts listed, filters, an alert's detail with its event and delivery,
#     ack reaching the outbox, the three paths plotted with data, liveness, health;
#   - `fastpath run` bound to every interface: refused without a token, then asks for it; the
#     coverage matrix from an audit report and search over the lake the daemon writes.
# Screenshots go to $DASHBOARD_SHOTS when set (docs/ holds the ones the README shows).
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
CHROMIUM="$(command -v chromium || true)"
[[ -n "$CHROMIUM" ]] || skip "chromium is not installed (tools/setup.sh installs Debian's)"
[[ -d "$HERE/node_modules/playwright-core" ]] ||
  skip "playwright-core is not installed: run 'npm ci --prefix tests/integration' (tools/setup.sh does)"
SHOTS="${DASHBOARD_SHOTS:-$WORK/shots}"
mkdir -p "$SHOTS"

# A non-loopback bind without a token is refused before anything is replayed.
set +e
"$FASTPATH" demo --listen 0.0.0.0:0 >"$WORK/refused.out" 2>"$WORK/refused.err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q "needs a token" "$WORK/refused.err" ||
  fail "demo --listen 0.0.0.0:0 without a token: exit $rc, $(cat "$WORK/refused.err")"
pass "the demo refuses a non-loopback dashboard without a token"

"$FASTPATH" demo --listen 127.0.0.1:0 >"$WORK/demo.out" 2>"$WORK/demo.err" &
DEMO_PID=$!
PIDS+=($DEMO_PID)
wait_for "the demo's dashboard" 120 grep -q '^dashboard: http://' "$WORK/demo.out"
URL="$(grep -o '^dashboard: http://[^ ]*' "$WORK/demo.out" | sed 's/^dashboard: //; s#/$##')"
node "$HERE/dashboard.mjs" "$CHROMIUM" demo "$URL" "$SHOTS" || fail "the demo's dashboard"
kill -INT "$DEMO_PID"
wait "$DEMO_PID" || fail "the demo exited with $? after SIGINT"
pass "the demo stops on SIGINT"

# The daemon: every interface, a token, an audit report, a lake, a Firehose source.
export DASH_TOKEN="dashboard-token-$$-$RANDOM-abcdef" FH_KEY="firehose-secret-$$"
cat >"$WORK/fastpath.yml" <<YAML
state_dir: $WORK/state
rules: $REPO/rules
events:
  output: none
alerts:
  output: none
  outputs:
    - name: file
      type: file
      path: $WORK/alerts.ndjson
http:
  listen: 0.0.0.0:0
  dashboard: true
  dashboard_token_env: DASH_TOKEN
  audit_report: $REPO/testdata/golden/audit/org.json
lake:
  uri: $WORK/lake
  max_age: 1s
sources:
  - name: firehose
    type: firehose
    listen: 127.0.0.1:0
    access_key_env: FH_KEY
YAML
# Without the token the configuration is refused, naming the fix.
sed '/dashboard_token_env/d' "$WORK/fastpath.yml" >"$WORK/no-token.yml"
set +e
"$FASTPATH" run --check --config "$WORK/no-token.yml" >/dev/null 2>"$WORK/no-token.err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q "no-token.yml:[0-9]*: .*needs a token" "$WORK/no-token.err" ||
  fail "a dashboard on 0.0.0.0 without a token: exit $rc, $(cat "$WORK/no-token.err")"
pass "run --check refuses a dashboard on 0.0.0.0 without a token, with file:line"

start_daemon "$WORK/fastpath.yml"
PORT="${ADMIN##*:}"
DASH="http://127.0.0.1:$PORT"
FH="$(receiver_url firehose)"
# The stratus detonation of StopLogging, as CloudWatch Logs messages through Firehose.
python3 - "$REPO/testdata/corpus/cloudtrail/stratus-detonation-logs" "$WORK/fh.json" <<'PY'
import base64, glob, gzip, json, os, sys, time
records = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    doc = json.load(open(f))
    records += doc["Records"] if isinstance(doc, dict) else doc
msg = {"messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": "aws-cloudtrail-logs",
       "logStream": "111122223333_CloudTrail_us-east-1", "subscriptionFilters": ["all"],
       "logEvents": [{"id": str(i), "timestamp": int(time.time() * 1000), "message": json.dumps(r)}
                     for i, r in enumerate(records)]}
data = base64.b64encode(gzip.compress(json.dumps(msg).encode())).decode()
json.dump({"requestId": "dash-1", "timestamp": int(time.time() * 1000), "records": [{"data": data}]},
          open(sys.argv[2], "w"))
PY
code="$(curl -s -o "$WORK/fh.resp" -w '%{http_code}' -X POST "$FH/" -H "Content-Type: application/json" \
  -H "X-Amz-Firehose-Request-Id: dash-1" -H "X-Amz-Firehose-Access-Key: $FH_KEY" --data-binary "@$WORK/fh.json")"
[[ "$code" == 200 ]] || fail "the Firehose post: $code $(cat "$WORK/fh.resp")"
has_lake_objects() { find "$WORK/lake" -name '*.gz' -not -path '*/_spool/*' 2>/dev/null | grep -q .; }
wait_for "the lake's first objects" 60 has_lake_objects
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$DASH/api/alerts")" == 401 ]] ||
  fail "the API without the token is not 401"
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DASH_TOKEN" "$DASH/api/alerts")" == 200 ]] ||
  fail "the API with the token is not 200"
pass "the daemon's API needs the token"
node "$HERE/dashboard.mjs" "$CHROMIUM" daemon "$DASH" "$DASH_TOKEN" "$SHOTS" || fail "the daemon's dashboard"
! grep -q "$DASH_TOKEN" "$WORK/daemon.log" || fail "the token appears in the daemon's log"
stop_daemon
pass "dashboard"

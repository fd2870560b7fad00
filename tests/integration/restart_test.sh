#!/usr/bin/env bash
# What `fastpath run` remembers across a kill -9: the dedupe state in <state_dir>/dedupe.journal.
#   - Events acknowledged before the kill are not emitted again when their input comes again
#     after the restart (a Firehose retry the receiver no longer remembers, or the same events
#     in another request or by another path).
#   - Lines in the events output written after the last acknowledged input (their input was
#     never acknowledged, so it comes again) are cut off at the restart.
#   - A journal whose last line a crash cut short is read up to that line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
CORPUS="$REPO/testdata/corpus"

export FH_KEY="firehose-secret-$$"
FH_PORT="$(free_port)"
cat >"$WORK/fastpath.yml" <<YAML
state_dir: $WORK/state
fsync: always
events:
  output: $WORK/events.ndjson
alerts:
  output: none
http:
  listen: 127.0.0.1:0
sources:
  - name: firehose
    type: firehose
    listen: 127.0.0.1:$FH_PORT
    access_key_env: FH_KEY
YAML
FH="http://127.0.0.1:$FH_PORT"

# Firehose requests carrying the CloudTrail records of one corpus file as CloudWatch Logs events.
make_request() {  # REQUEST-ID OUT
  python3 "$HERE/firehose_request.py" "$CORPUS/cloudtrail/data-events/awsdoc_s3-log-file-example.json" "$1" "$2"
}
post() {  # REQUEST-ID BODY -> HTTP status
  curl -s -o /dev/null -w '%{http_code}' -X POST "$FH/" -H "Content-Type: application/json" \
    -H "X-Amz-Firehose-Request-Id: $1" -H "X-Amz-Firehose-Access-Key: $FH_KEY" --data-binary "@$2"
}
kill9() {
  kill -KILL "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null || true
}
N="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Records"]))' "$CORPUS/cloudtrail/data-events/awsdoc_s3-log-file-example.json")"
R1=11111111-0000-0000-0000-000000000001
R2=11111111-0000-0000-0000-000000000002
make_request "$R1" "$WORK/r1.json"
make_request "$R2" "$WORK/r2.json"

start_daemon "$WORK/fastpath.yml"
[[ "$(post "$R1" "$WORK/r1.json")" == 200 ]] || fail "first request"
[[ "$(lines "$WORK/events.ndjson")" -eq "$N" ]] || fail "expected $N events, got $(lines "$WORK/events.ndjson")"
kill9

# After the kill: the same request (Firehose retries with the same id; the receiver's memory of
# ids died with the process), and the same events in a new request.
start_daemon "$WORK/fastpath.yml"
grep -q "\"msg\":\"dedupe state read\".*\"ids\":\"$N\"" "$WORK/daemon.log" ||
  fail "the dedupe state was not read back: $(grep 'dedupe state' "$WORK/daemon.log")"
[[ "$(post "$R1" "$WORK/r1.json")" == 200 ]] || fail "the retry after the restart"
[[ "$(post "$R2" "$WORK/r2.json")" == 200 ]] || fail "the same events in another request"
[[ "$(lines "$WORK/events.ndjson")" -eq "$N" ]] ||
  fail "events emitted again after kill -9: $(lines "$WORK/events.ndjson") lines, expected $N"
curl -sf "$ADMIN/metrics" >"$WORK/metrics.txt"
grep -q "^fastpath_duplicates_total{path=\"cloudwatch_logs\"} $((2 * N))\$" "$WORK/metrics.txt" ||
  fail "duplicates not counted: $(grep '^fastpath_duplicates_total' "$WORK/metrics.txt")"
pass "kill -9, restart: $N acknowledged events not emitted again (a retry and a new request with them, $((2 * N)) duplicates)"
kill9

# Lines written after the last acknowledged input (the process died before acknowledging it)
# are cut off at the restart; the journal's torn last line is ignored.
size="$(stat -c %s "$WORK/events.ndjson")"
printf '{"partial":1}\n{"partial":2}\n' >>"$WORK/events.ndjson"
printf '0123456789abcdef {"ids":[["aws.cloudtrail","s3",1,"torn' >>"$WORK/state/dedupe.journal"
start_daemon "$WORK/fastpath.yml"
grep -q '"msg":"output cut back to the last acknowledged input".*"removed_bytes":"28"' "$WORK/daemon.log" ||
  fail "no cut-back log line: $(grep 'cut back' "$WORK/daemon.log")"
grep -q '"msg":"dedupe state read".*"torn_bytes_dropped":"[1-9]' "$WORK/daemon.log" ||
  fail "the torn journal line was not reported: $(grep 'dedupe state' "$WORK/daemon.log")"
[[ "$(stat -c %s "$WORK/events.ndjson")" -eq "$size" ]] || fail "events output not cut back to $size bytes"
! grep -q partial "$WORK/events.ndjson" || fail "unacknowledged lines kept"
[[ "$(post "$R2" "$WORK/r2.json")" == 200 ]] || fail "a request after the cut"
[[ "$(lines "$WORK/events.ndjson")" -eq "$N" ]] || fail "events emitted again after the cut"
[[ "$(stat -c %a "$WORK/state/dedupe.journal")" == 600 ]] || fail "journal mode $(stat -c %a "$WORK/state/dedupe.journal")"
stop_daemon
pass "restart after a crash mid-input: unacknowledged lines cut off (28 bytes), a torn journal line ignored, the journal private (0600)"
echo "all restart checks passed"

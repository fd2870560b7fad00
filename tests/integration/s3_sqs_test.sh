#!/usr/bin/env bash
# S3 via SQS against fauxqs, with the aws CLI as the independent client that uploads objects,
# sends the notifications and inspects the queue:
#   - CloudTrail objects announced directly and through SNS come out as events, one per record;
#     the messages are deleted only after;
#   - s3:TestEvent and ObjectRemoved messages are deleted without fetching anything;
#   - a body that is no notification, and a message whose object is missing (redelivered until
#     max_receive_count), go to the dead-letter file;
#   - a large object streams in bounded memory while the visibility heartbeat keeps the message;
#   - SIGTERM while a message is in flight: it is finished and deleted before the exit;
#   - /healthz and /metrics answer.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
start_fauxqs

awsl s3 mb s3://trail >/dev/null
QURL="$(sqsl create-queue cloudtrail 30)"
SLOW_QURL="$(sqsl create-queue slow)"
TOPIC="$(awsl sns create-topic --name cloudtrail-objects --query TopicArn --output text)"
QARN="$(sqsl queue-arn "$QURL")"
awsl sns subscribe --topic-arn "$TOPIC" --protocol sqs --notification-endpoint "$QARN" >/dev/null

cat >"$WORK/fastpath.yml" <<YAML
state_dir: $WORK/state
aws:
  endpoint_url: $ENDPOINT
rules: $REPO/rules
events:
  output: $WORK/events.ndjson
alerts:
  output: $WORK/alerts.ndjson
http:
  listen: 127.0.0.1:0
sources:
  - name: cloudtrail
    type: s3_sqs
    queue_url: $QURL
    wait_time: 1s
    visibility_timeout: 3s
    max_receive_count: 2
  - name: big
    type: s3_sqs
    queue_url: $SLOW_QURL
    wait_time: 1s
    visibility_timeout: 2s
YAML
"$FASTPATH" run --config "$WORK/fastpath.yml" --check >/dev/null || fail "config check"

# Three real CloudTrail objects, one with a key that needs URL-encoding in the notification.
mapfile -t FILES < <(ls "$REPO"/data/demo/cloudtrail/*.json.gz | head -3)
expected=0
i=0
for f in "${FILES[@]}"; do
  n="$(python3 -c 'import gzip,json,sys; print(len(json.load(gzip.open(sys.argv[1]))["Records"]))' "$f")"
  expected=$((expected + n))
  key="AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/obj $i+$(basename "$f")"
  awsl s3 cp --quiet "$f" "s3://trail/$key"
  KEYS[$i]="$key"
  SIZES[$i]="$(stat -c %s "$f")"
  i=$((i + 1))
done

start_daemon "$WORK/fastpath.yml"
curl -sf "$ADMIN/healthz" | grep -q '"status":"ok"' || fail "/healthz"
pass "daemon started, /healthz ok"

# Direct S3 -> SQS notifications for the first two objects, SNS -> SQS for the third.
sqsl send "$QURL" "$(s3_notification trail "${KEYS[0]}" "${SIZES[0]}")" >/dev/null
sqsl send "$QURL" "$(s3_notification trail "${KEYS[1]}" "${SIZES[1]}")" >/dev/null
awsl sns publish --topic-arn "$TOPIC" --message "$(s3_notification trail "${KEYS[2]}" "${SIZES[2]}")" >/dev/null
wait_for "$expected events" 60 lines_at_least "$WORK/events.ndjson" "$expected"
wait_for "the messages to be deleted" 30 queue_empty "$QURL"
got="$(lines "$WORK/events.ndjson")"
[[ "$got" -eq "$expected" ]] || fail "expected $expected events, got $got"
[[ "$(grep -c '"log_type":"aws.cloudtrail"' "$WORK/events.ndjson")" -eq "$expected" ]] || fail "events are not CloudTrail"
grep -q "\"source\":{\"input\":\"s3://trail/${KEYS[0]}\",\"offset\":[0-9]*}" "$WORK/events.ndjson" || fail "events do not name the S3 object they came from"
[[ "$(metric 'fastpath_sqs_messages_total{source="cloudtrail",result="deleted"}')" == 3 ]] || fail "3 deletes expected"
pass "3 objects (2 direct, 1 via SNS) -> $got events, one per record; messages deleted after"

# Test events and other event types: deleted, nothing fetched.
sqsl send "$QURL" '{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-01-01T00:00:00.000Z","Bucket":"trail","RequestId":"r","HostId":"h"}' >/dev/null
sqsl send "$QURL" "$(s3_notification trail "${KEYS[0]}" 1 ObjectRemoved:Delete)" >/dev/null
wait_for "test and removal messages to be deleted" 30 metric_at_least 'fastpath_sqs_messages_total{source="cloudtrail",result="deleted"}' 5
[[ "$(metric 'fastpath_sqs_messages_total{source="cloudtrail",result="test_event"}')" == 1 ]] || fail "test event not counted"
[[ "$(lines "$WORK/events.ndjson")" -eq "$expected" ]] || fail "test/removal messages produced events"
pass "s3:TestEvent and ObjectRemoved messages deleted without events"

# Poison: a body that is no notification, and an object that does not exist.
sqsl send "$QURL" 'this is not json' >/dev/null
sqsl send "$QURL" "$(s3_notification trail AWSLogs/missing.json.gz 10)" >/dev/null
DLQ="$WORK/state/cloudtrail.dead-letters.ndjson"
wait_for "two dead letters" 60 lines_at_least "$DLQ" 2
grep -q '"body":"this is not json"' "$DLQ" || fail "bad body not dead-lettered"
grep -q 'received 3 times, more than 2' "$DLQ" || fail "missing object not given up after max_receive_count"
wait_for "the queue to empty" 30 queue_empty "$QURL"
pass "poison messages (bad body; missing object received 3 times) dead-lettered and deleted"

# A large object (~400 MB of CloudTrail JSON, gzip'd) on a 2 s visibility timeout.
# Under the sanitizers (slow, with shadow memory in the RSS) the object is smaller and the memory
# bound is not checked.
BIG_RECORDS="${FASTPATH_IT_SANITIZED:+40000}"
BIG_RECORDS="${BIG_RECORDS:-400000}"
python3 - "$WORK/big.json.gz" "$BIG_RECORDS" <<'PY'
import gzip, json, sys, uuid
rec = {"eventVersion": "1.08", "userIdentity": {"type": "IAMUser", "accountId": "111122223333",
       "arn": "arn:aws:iam::111122223333:user/big", "userName": "big"},
       "eventTime": "2026-01-01T00:00:00Z", "eventSource": "s3.amazonaws.com",
       "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
       "userAgent": "aws-cli/2", "requestParameters": {"bucketName": "b", "key": "k" * 200},
       "responseElements": None, "eventType": "AwsApiCall", "managementEvent": False,
       "recipientAccountId": "111122223333", "eventCategory": "Data", "padding": "x" * 600}
with gzip.open(sys.argv[1], "wt", compresslevel=1) as f:
    f.write('{"Records":[')
    for i in range(int(sys.argv[2])):
        rec["eventID"] = str(uuid.UUID(int=i + 1))
        rec["requestID"] = "R%d" % i
        f.write(("," if i else "") + json.dumps(rec))
    f.write("]}")
PY
awsl s3 cp --quiet "$WORK/big.json.gz" s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/big.json.gz
before="$(lines "$WORK/events.ndjson")"
sqsl send "$SLOW_QURL" "$(s3_notification trail AWSLogs/111122223333/CloudTrail/us-east-1/big.json.gz "$(stat -c %s "$WORK/big.json.gz")")" >/dev/null
wait_for "$BIG_RECORDS events from the large object" 300 lines_at_least "$WORK/events.ndjson" $((before + BIG_RECORDS))
wait_for "the large object's message to be deleted" 30 metric_at_least 'fastpath_sqs_messages_total{source="big",result="deleted"}' 1
[[ "$(metric 'fastpath_sqs_messages_total{source="big",result="received"}')" == 1 ]] || fail "the large object's message was received more than once (heartbeat failed)"
hb="$(metric 'fastpath_sqs_visibility_heartbeats_total{source="big"}')"
rss_kb="$(awk '/VmHWM/ {print $2}' /proc/$DAEMON_PID/status)"
big_mb=$(( $(python3 -c 'import gzip,sys; f=gzip.open(sys.argv[1]); n=0
while True:
  b=f.read(1<<20)
  if not b: break
  n+=len(b)
print(n)' "$WORK/big.json.gz") / 1000000 ))
echo "   large object: ${big_mb} MB of JSON, $(( $(stat -c %s "$WORK/big.json.gz") / 1000000 )) MB gzip'd; peak RSS $((rss_kb / 1024)) MiB; $hb visibility heartbeats"
if [[ -z "${FASTPATH_IT_SANITIZED:-}" ]]; then
  ((rss_kb < 200 * 1024)) || fail "peak RSS ${rss_kb} kB is not bounded (limit 200 MiB)"
fi
pass "large object streamed in bounded memory, message kept by the heartbeat and received once"

# SIGTERM with a message in flight: it is finished and deleted before the exit.
before="$(lines "$WORK/events.ndjson")"
sqsl send "$QURL" "$(s3_notification trail "${KEYS[1]}" "${SIZES[1]}")" >/dev/null
sqsl send "$SLOW_QURL" "$(s3_notification trail AWSLogs/111122223333/CloudTrail/us-east-1/big.json.gz 1)" >/dev/null
wait_for "the large object to be taken" 30 metric_at_least 'fastpath_sqs_messages_total{source="big",result="received"}' 2
metrics_well_formed "$ADMIN" >/dev/null
pass "/metrics with an SQS source: every family has HELP and TYPE"
stop_daemon
grep -q '"msg":"stopping: finishing work in flight","signal":"SIGTERM"' "$WORK/daemon.log" || fail "no stopping line"
[[ "$(queue_depth "$SLOW_QURL")" -eq 0 ]] || fail "the in-flight message was not deleted before the exit"
pass "SIGTERM: work in flight finished and acknowledged, exit 0"

# SIGTERM during a 20 s long poll on an empty queue: the poll is cut short, the daemon is out
# within 5 s.
cat >"$WORK/poll.yml" <<YAML
state_dir: $WORK/poll-state
aws:
  endpoint_url: $ENDPOINT
events:
  output: none
alerts:
  output: none
http:
  listen: 127.0.0.1:0
sources:
  - name: idle
    type: s3_sqs
    queue_url: $QURL
    wait_time: 20s
  - name: missing
    type: s3_sqs
    queue_url: ${QURL%/*}/no-such-queue
    wait_time: 1s
YAML
"$FASTPATH" run --config "$WORK/poll.yml" >/dev/null 2>"$WORK/poll.log" &
poll=$!
PIDS+=($poll)
wait_for "the long-polling daemon" 30 grep -q '"msg":"started"' "$WORK/poll.log"
POLL_ADMIN="http://$(grep -o '"msg":"serving /healthz and /metrics","address":"[^"]*' "$WORK/poll.log" | sed 's/.*"address":"//')"

# /healthz names each source's state: the one whose queue does not exist is failing (503, with
# its last error), the idle one ok.
health_failing() {
  curl -s -o "$WORK/health.json" -w '%{http_code}' "$POLL_ADMIN/healthz" | grep -qx 503
}
wait_for "/healthz to say failing" 30 health_failing
python3 - "$WORK/health.json" <<'PY' || fail "/healthz: $(cat "$WORK/health.json")"
import json, sys
h = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in h["sources"]}
assert h["status"] == "failing", h
assert s["missing"]["state"] == "failing" and "ReceiveMessage" in s["missing"]["last_error"], s
assert s["idle"]["state"] == "ok" and "last_error" not in s["idle"], s
PY
pass "/healthz: the source on a missing queue failing (503, last error named), the other ok"
sleep 1  # well into the idle source's 20 s poll
t0=$SECONDS
kill -TERM "$poll"
wait "$poll" || fail "the long-polling daemon exited with $?"
took=$((SECONDS - t0))
[[ $took -le 5 ]] || fail "SIGTERM during a 20 s long poll took ${took}s"
pass "SIGTERM during a 20 s long poll: out in ${took}s"
echo "all S3-via-SQS checks passed"

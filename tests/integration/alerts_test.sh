#!/usr/bin/env bash
# Alerting end to end: events posted to the daemon's EventBridge receiver match the rule pack,
# the alerts go through the durable outbox to every output, each checked at a real receiver on
# loopback against the provider's documented request format:
#   webhook (HMAC signature), Slack, Teams, PagerDuty, Opsgenie (receiver.py); SNS, SQS, S3
#   (fauxqs); Kinesis (kinesalite); Firehose (receiver.py as the Firehose API); syslog over UDP,
#   TCP and TLS (syslog.py; the TLS certificate made by openssl); email (smtp-server from npm);
#   file.
# Then retries (503 twice), a dead letter (400) with `alerts list/retry/show/ack`, and crash
# safety: kill -9 with deliveries in flight, restart, every alert delivered at least once and
# once per idempotency key.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
[[ -d "$HERE/node_modules/smtp-server" && -d "$HERE/node_modules/kinesalite" ]] ||
  skip "smtp-server/kinesalite are not installed: run 'npm ci --prefix tests/integration'"
command -v openssl >/dev/null || skip "openssl is not installed (tools/setup.sh installs it)"
start_fauxqs
KPORT="$(free_port)"
node "$HERE/node_modules/kinesalite/cli.js" --port "$KPORT" --createStreamMs 0 >/dev/null 2>&1 &
PIDS+=($!)
KIN="http://127.0.0.1:$KPORT"
HPORT="$(free_port)"
python3 "$HERE/receiver.py" "$HPORT" "$WORK/http.ndjson" webhook-secret &
PIDS+=($!)
HTTP="http://127.0.0.1:$HPORT"
UPORT="$(free_port)"
TPORT="$(free_port)"
SPORT="$(free_port)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
python3 "$HERE/syslog.py" "$UPORT" "$TPORT" "$SPORT" "$WORK/cert.pem" "$WORK/key.pem" "$WORK/syslog.txt" &
PIDS+=($!)
MPORT="$(free_port)"
node "$HERE/smtp.mjs" "$MPORT" "$WORK/mail.ndjson" 2>/dev/null &
PIDS+=($!)
quiet() { "$@" >/dev/null 2>&1; }
wait_for "kinesalite" 20 quiet "$AWS" --endpoint-url "$KIN" kinesis list-streams
wait_for "the receivers" 20 quiet curl -s -X POST "$HTTP/ping" -d '{}'

awsl s3 mb s3://alert-archive >/dev/null
TOPIC="$(awsl sns create-topic --name alerts --query TopicArn --output text)"
SNSQ="$(sqsl create-queue alerts-via-sns)"
awsl sns subscribe --topic-arn "$TOPIC" --protocol sqs --notification-endpoint "$(sqsl queue-arn "$SNSQ")" >/dev/null
ALERTQ="$(sqsl create-queue alerts)"
"$AWS" --endpoint-url "$KIN" kinesis create-stream --stream-name alerts --shard-count 1

export EB_KEY="eb-$$" PD_KEY="pd-routing-key" OG_KEY="og-api-key" HOOK_SECRET="webhook-secret"
cat >"$WORK/fastpath.yml" <<YAML
state_dir: $WORK/state
aws:
  endpoint_url: $ENDPOINT
  endpoints:
    kinesis: $KIN
    firehose: $HTTP
rules: $REPO/rules
events:
  output: none
alerts:
  output: $WORK/alerts.ndjson
  outputs:
    - {name: file, type: file, path: $WORK/alert-file.ndjson}
    - name: webhook
      type: webhook
      url: $HTTP/webhook
      secret_env: HOOK_SECRET
      headers: {X-Team: soc}
    - {name: slack, type: slack, url: $HTTP/slack}
    - {name: teams, type: teams, url: $HTTP/teams}
    - {name: pagerduty, type: pagerduty, url: $HTTP/pagerduty, routing_key_env: PD_KEY}
    - {name: opsgenie, type: opsgenie, url: $HTTP/opsgenie, api_key_env: OG_KEY}
    - {name: sns, type: sns, topic_arn: $TOPIC}
    - {name: sqs, type: sqs, queue_url: $ALERTQ}
    - {name: kinesis, type: kinesis, stream: alerts}
    - {name: firehose, type: firehose, delivery_stream: alerts}
    - {name: s3, type: s3, bucket: alert-archive, prefix: fastpath/alerts}
    - {name: syslog-udp, type: syslog, transport: udp, host: 127.0.0.1, port: "$UPORT"}
    - {name: syslog-tcp, type: syslog, transport: tcp, host: 127.0.0.1, port: "$TPORT"}
    - {name: syslog-tls, type: syslog, transport: tls, host: 127.0.0.1, port: "$SPORT", ca_file: $WORK/cert.pem}
    - {name: email, type: email, url: "smtp://127.0.0.1:$MPORT", from: fastpath@example.com, to: [soc@example.com, oncall@example.com]}
    - {name: flaky, type: webhook, url: $HTTP/flaky}
    - {name: reject, type: webhook, url: $HTTP/reject}
http:
  listen: 127.0.0.1:0
sources:
  - name: eventbridge
    type: eventbridge
    listen: 127.0.0.1:0
    api_key_env: EB_KEY
YAML
start_daemon "$WORK/fastpath.yml"
EB="$(receiver_url eventbridge)"
post_event() {  # FILE
  curl -sf -o /dev/null -X POST "$EB/" -H 'Content-Type: application/json' -H "x-api-key: $EB_KEY" --data-binary "@$1" ||
    fail "EventBridge post"
}
python3 "$HERE/make_events.py" 100 1 StopLogging cloudtrail.amazonaws.com >"$WORK/stop.json"
post_event "$WORK/stop.json"
ID="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["alert_id"])' "$WORK/alerts.ndjson")"
[[ ${#ID} -eq 32 ]] || fail "no alert id"
outbox() { "$FASTPATH" alerts --outbox "$WORK/state/alerts.sqlite" "$@"; }
delivered_to() { outbox show "$ID" | grep -Eq "^    $1 +delivered"; }
for o in file webhook slack teams pagerduty opsgenie sns sqs kinesis firehose s3 syslog-udp syslog-tcp syslog-tls email flaky; do
  wait_for "delivery to $o" 40 delivered_to "$o"
done
pass "one StopLogging event -> alert $ID stored in the outbox and delivered to 16 outputs"

check() {  # DESCRIPTION PYTHON-EXPRESSION-OVER-rec (one request per path)
  python3 - "$WORK/http.ndjson" "$ID" "$2" <<'PY' || fail "$1"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
alert_id, expr = sys.argv[2], sys.argv[3]
ok = eval(expr, {"recs": recs, "alert_id": alert_id, "json": json,
                 "one": lambda p: [r for r in recs if r["path"] == p][0]})
assert ok, expr
PY
}
check "webhook format" 'one("/webhook")["signature_ok"] and one("/webhook")["headers"]["x-fastpath-alert-id"] == alert_id and one("/webhook")["headers"]["idempotency-key"] == alert_id and one("/webhook")["headers"]["x-team"] == "soc" and json.loads(one("/webhook")["body"])["alert_id"] == alert_id'
check "slack format" '(lambda b: b["text"].startswith("[CRITICAL] CloudTrail trail stopped or deleted") and b["blocks"][0]["type"] == "header" and any("Principal" in f["text"] and "arn:aws:iam::111122223333:user/it" in f["text"] for f in b["blocks"][1]["fields"]) and any("198.51.100.7" in f["text"] for f in b["blocks"][1]["fields"]) and any("Runbook" in x.get("text", {}).get("text", "") for x in b["blocks"]))(json.loads(one("/slack")["body"]))'
check "teams format" '(lambda b: b["type"] == "message" and b["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive" and b["attachments"][0]["content"]["type"] == "AdaptiveCard" and any(f["title"] == "Alert id" and f["value"] == alert_id for f in b["attachments"][0]["content"]["body"][1]["facts"]))(json.loads(one("/teams")["body"]))'
check "pagerduty format" '(lambda b: b["routing_key"] == "pd-routing-key" and b["event_action"] == "trigger" and b["dedup_key"] == alert_id and b["payload"]["severity"] == "critical" and b["payload"]["summary"] and b["payload"]["source"] and b["payload"]["timestamp"] == "2026-01-01T00:00:00Z")(json.loads(one("/pagerduty")["body"]))'
check "opsgenie format" 'one("/opsgenie")["headers"]["authorization"] == "GenieKey og-api-key" and (lambda b: b["alias"] == alert_id and b["priority"] == "P1" and len(b["message"]) <= 130)(json.loads(one("/opsgenie")["body"]))'
check "firehose PutRecordBatch" 'one("/")["headers"]["x-amz-target"] == "Firehose_20150804.PutRecordBatch" and one("/")["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=") and (lambda b: b["DeliveryStreamName"] == "alerts" and alert_id in __import__("base64").b64decode(b["Records"][0]["Data"]).decode())(json.loads(one("/")["body"]))'
pass "webhook (HMAC verified), Slack, Teams, PagerDuty, Opsgenie and Firehose requests in their documented formats"

sqsl receive "$ALERTQ" | grep -q "$ID" || fail "SQS output: no message with the alert id"
sqsl receive "$SNSQ" | python3 -c 'import json,sys; m=json.loads(json.loads(sys.stdin.readline())); assert m["Type"] == "Notification" and sys.argv[1] in m["Message"], m' "$ID" || fail "SNS output: the topic did not deliver the alert"
it="$("$AWS" --endpoint-url "$KIN" kinesis get-shard-iterator --stream-name alerts --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)"
"$AWS" --endpoint-url "$KIN" kinesis get-records --shard-iterator "$it" --query 'Records[0].[PartitionKey,Data]' --output text | python3 -c 'import base64,sys; pk, data = sys.stdin.read().split(); assert pk == sys.argv[1] and sys.argv[1] in base64.b64decode(data).decode()' "$ID" || fail "Kinesis output"
awsl s3 ls --recursive s3://alert-archive/fastpath/alerts/ | grep -q "$ID.json" || fail "S3 output: no object named after the alert id"
pass "SNS (via a subscribed queue), SQS, Kinesis (partition key = alert id) and S3 (<prefix>/YYYY/MM/DD/<id>.json)"

grep -q "^udp <130>1 .* fastpath [0-9]* alert \[fastpath@32473 alert_id=\"$ID\" rule_id=\"fastpath-cloudtrail-logging-stopped\" severity=\"critical\"" "$WORK/syslog.txt" || fail "syslog UDP: $(cat "$WORK/syslog.txt")"
grep -q "^tcp <130>1 .*alert_id=\"$ID\"" "$WORK/syslog.txt" || fail "syslog TCP"
grep -q "^tls <130>1 .*alert_id=\"$ID\"" "$WORK/syslog.txt" || fail "syslog TLS: $(cat "$WORK/syslog.txt")"
python3 - "$WORK/mail.ndjson" "$ID" <<'PY' || fail "email"
import json, sys
m = json.loads(open(sys.argv[1]).readline())
assert m["from"] == "fastpath@example.com" and m["to"] == ["soc@example.com", "oncall@example.com"], m
assert "Subject: [CRITICAL] CloudTrail trail stopped or deleted" in m["data"], m["data"][:300]
assert "Message-ID: <%s@fastpath>" % sys.argv[2] in m["data"]
PY
grep -q "\"alert_id\":\"$ID\"" "$WORK/alert-file.ndjson" || fail "file output"
pass "syslog RFC 5424 over UDP, TCP and TLS (PRI 130 = local0.crit), email over SMTP, file"

outbox show "$ID" | grep -Eq "^    flaky +delivered +attempts 3" || fail "flaky output: $(outbox show "$ID" | grep flaky)"
outbox show "$ID" | grep -Eq "^    reject +dead +attempts 1.*HTTP 400" || fail "reject output: $(outbox show "$ID" | grep reject)"
outbox list --state dead | grep -q "$ID" || fail "alerts list --state dead"
outbox list --rule fastpath-cloudtrail-logging-stopped --severity critical --since 1h | grep -q "$ID" || fail "alerts list filters"
outbox retry --state dead | grep -q "$ID: 1 deliveries queued again" || fail "alerts retry"
requeued() { outbox show "$ID" | grep -Eq "^    reject +dead +attempts 2"; }
wait_for "the requeued delivery to be tried again" 20 requeued
outbox ack "$ID" --note "trail restarted by the change window" | grep -q "acknowledged" || fail "alerts ack"
outbox list --state acked | grep -q "$ID" || fail "acked state"
outbox show "$ID" | grep -Eq "^  acked +[0-9T:.-]+Z: trail restarted by the change window$" || fail "ack note: $(outbox show "$ID" | grep acked)"
pass "retries with back-off (503, 503, 200), dead letter on 400, alerts list/show/retry/ack"
stop_daemon

# Crash safety: 10 alerts to a slow receiver (2 s a request, one at a time), kill -9 mid-way.
cat >"$WORK/crash.yml" <<YAML
state_dir: $WORK/crash-state
rules: $REPO/rules
events:
  output: none
alerts:
  output: none
  outputs:
    - {name: slow, type: webhook, url: $HTTP/slow, rate_per_second: 5, burst: 1}
http:
  listen: 127.0.0.1:0
sources:
  - name: eventbridge
    type: eventbridge
    listen: 127.0.0.1:0
    api_key_env: EB_KEY
YAML
"$FASTPATH" run --config "$WORK/crash.yml" >/dev/null 2>"$WORK/crash.log" &
crash=$!
PIDS+=($crash)
wait_for "the crash daemon" 30 grep -q '"msg":"started"' "$WORK/crash.log"
CEB="http://$(grep -o '"source":"eventbridge","address":"[^"]*' "$WORK/crash.log" | sed 's/.*"address":"//')"
python3 "$HERE/make_events.py" 200 10 StopLogging cloudtrail.amazonaws.com >"$WORK/crash-events.ndjson"
while read -r line; do
  printf '%s' "$line" >"$WORK/one.json"
  curl -sf -o /dev/null -X POST "$CEB/" -H 'Content-Type: application/json' -H "x-api-key: $EB_KEY" --data-binary "@$WORK/one.json" || fail "post"
done <"$WORK/crash-events.ndjson"
slow_count() { grep -c '"path": "/slow"' "$WORK/http.ndjson" 2>/dev/null || true; }
some_slow() { [[ "$(slow_count)" -ge 2 ]]; }
wait_for "the first slow deliveries" 30 some_slow
kill -9 "$crash"
before="$(slow_count)"
crash_outbox() { "$FASTPATH" alerts --outbox "$WORK/crash-state/alerts.sqlite" "$@"; }
pending="$(crash_outbox list --state pending | tail -n +2 | wc -l)"
((pending > 0)) || fail "nothing was left in flight to test"
"$FASTPATH" run --config "$WORK/crash.yml" >/dev/null 2>>"$WORK/crash.log" &
crash=$!
PIDS+=($crash)
all_delivered() { [[ "$(crash_outbox list --state delivered | tail -n +2 | wc -l)" -eq 10 ]]; }
wait_for "all 10 alerts delivered after the restart" 90 all_delivered
kill -TERM "$crash"
wait "$crash" || true
python3 - "$WORK/http.ndjson" <<'PY' || fail "crash safety"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if '"/slow"' in l]
ids = [r["headers"]["idempotency-key"] for r in recs]
incidents = sum(1 for r in recs if r["new_incident"])
assert len(set(ids)) == 10, "alerts delivered: %d of 10" % len(set(ids))
assert incidents == 10, incidents
print("   %d requests for 10 alerts (%d repeated after kill -9); 10 incidents at the idempotent receiver" % (len(ids), len(ids) - 10))
PY
pass "kill -9 with $pending alerts pending: after a restart all 10 delivered, once per idempotency key"
echo "all alerting checks passed"

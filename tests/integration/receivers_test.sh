#!/usr/bin/env bash
# The Firehose HTTP endpoint and EventBridge API destination receivers of `fastpath run`, driven
# with curl in the documented request formats:
#   Firehose: the access key is required; a good request is answered {"requestId","timestamp"}
#   after its events are out; a retry of the same request id is answered without new events;
#   gzip bodies are accepted; wrong key 401, wrong content type 415, bad JSON and bad gzip 400,
#   oversized 413; a slow client is cut off and the daemon keeps serving; slowloris clients are
#   capped per address and cut at the request deadline while others are served, and do not
#   delay a stop.
#   EventBridge: API key header and basic auth; wrong credentials 401.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
CORPUS="$REPO/testdata/corpus"

export FH_KEY="firehose-secret-$$" EB_KEY="eventbridge-secret-$$" EB_PASSWORD="pw-$$"
command -v openssl >/dev/null || skip "openssl is not installed (tools/setup.sh installs it)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat >"$WORK/fastpath.yml" <<YAML
state_dir: $WORK/state
rules: $REPO/rules
events:
  output: $WORK/events.ndjson
alerts:
  output: $WORK/alerts.ndjson
http:
  listen: 127.0.0.1:0
sources:
  - name: firehose
    type: firehose
    listen: 127.0.0.1:0
    access_key_env: FH_KEY
    max_body_mib: 1
    read_timeout: 2s
    request_timeout: 3s
    max_connections_per_client: 8
  - name: eventbridge
    type: eventbridge
    listen: 127.0.0.1:0
    path: /events
    api_key_header: x-fastpath-key
    api_key_env: EB_KEY
  - name: eventbridge-basic
    type: eventbridge
    listen: 127.0.0.1:0
    basic_user: eventbridge
    basic_password_env: EB_PASSWORD
  - name: firehose-tls
    type: firehose
    listen: 127.0.0.1:0
    access_key_env: FH_KEY
    tls:
      cert_file: $WORK/cert.pem
      key_file: $WORK/key.pem
YAML
start_daemon "$WORK/fastpath.yml"
FH="$(receiver_url firehose)"
EB="$(receiver_url eventbridge)"
EBB="$(receiver_url eventbridge-basic)"
FH_TLS="$(receiver_url firehose-tls)"

# A Firehose request carrying CloudWatch Logs subscription messages (gzip'd, base64'd), built
# from the CloudTrail records of one corpus file, one log event per record.
python3 "$HERE/firehose_request.py" "$CORPUS/cloudtrail/data-events/awsdoc_s3-log-file-example.json" \
  11111111-2222-3333-4444-555555555555 "$WORK/fh.json"
N="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Records"]))' "$CORPUS/cloudtrail/data-events/awsdoc_s3-log-file-example.json")"
RID=11111111-2222-3333-4444-555555555555

post_fh() {  # KEY BODY-FILE [extra curl args...] -> prints "status body"
  local key="$1" file="$2"
  shift 2
  curl -s -o "$WORK/resp" -w '%{http_code}' -X POST "$FH/" -H "Content-Type: application/json" \
    -H "X-Amz-Firehose-Protocol-Version: 1.0" -H "X-Amz-Firehose-Request-Id: $RID" \
    -H "X-Amz-Firehose-Access-Key: $key" --data-binary "@$file" "$@"
  echo " $(cat "$WORK/resp")"
}

out="$(post_fh "$FH_KEY" "$WORK/fh.json")"
[[ "$out" == "200 {\"requestId\":\"$RID\",\"timestamp\":"* ]] || fail "Firehose accept: $out"
[[ "$(grep -c '"path":"cloudwatch_logs"' "$WORK/events.ndjson")" -eq "$N" ]] || fail "expected $N events when the response came"
pass "Firehose request accepted: $N events out before the 200 {requestId,timestamp}"

out="$(post_fh "$FH_KEY" "$WORK/fh.json")"
[[ "$out" == 200* ]] || fail "Firehose retry: $out"
[[ "$(lines "$WORK/events.ndjson")" -eq "$N" ]] || fail "a retried request id produced events again"
[[ "$(metric 'fastpath_receiver_requests_total{receiver="firehose",result="duplicate"}')" == 1 ]] || fail "duplicate not counted"
pass "retry with the same request id answered 200 without processing it again"

out="$(post_fh wrong-key "$WORK/fh.json")"
[[ "$out" == "401 {\"requestId\":\"$RID\""*'"errorMessage":'* ]] || fail "wrong key: $out"
out="$(post_fh "" "$WORK/fh.json")"
[[ "$out" == 401* ]] || fail "missing key: $out"
pass "wrong or missing access key: 401 with errorMessage"

RID=22222222-2222-3333-4444-555555555555
sed "s/11111111-2222-3333-4444-555555555555/$RID/" "$WORK/fh.json" | gzip -c >"$WORK/fh2.json.gz"
out="$(post_fh "$FH_KEY" "$WORK/fh2.json.gz" -H "Content-Encoding: gzip")"
[[ "$out" == 200* ]] || fail "gzip body: $out"
pass "gzip content encoding accepted"

RID=33333333-2222-3333-4444-555555555555
printf 'not gzip at all' >"$WORK/bad.gz"
out="$(post_fh "$FH_KEY" "$WORK/bad.gz" -H "Content-Encoding: gzip")"
[[ "$out" == 400* ]] || fail "bad gzip: $out"
printf '{"requestId":"%s","records":[{"data":' "$RID" >"$WORK/bad.json"
out="$(post_fh "$FH_KEY" "$WORK/bad.json")"
[[ "$out" == "400 "*'"errorMessage":"body is not JSON"'* ]] || fail "bad JSON: $out"
out="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$FH/" -H "Content-Type: text/plain" -H "X-Amz-Firehose-Request-Id: $RID" -H "X-Amz-Firehose-Access-Key: $FH_KEY" --data-binary "@$WORK/fh.json")"
[[ "$out" == 415 ]] || fail "wrong content type: $out"
head -c 2000000 /dev/zero | tr '\0' 'a' >"$WORK/huge"
out="$(post_fh "$FH_KEY" "$WORK/huge" || true)"
[[ "$out" == 413* ]] || fail "oversized body: $out"
pass "bad gzip 400, bad JSON 400, text/plain 415, 2 MB body over a 1 MiB limit 413"

# Bodies whose size the headers do not give are bounded too, and never buffered before the key
# check: a chunked 200 MB body without the key, a gzip bomb (200 MB of zeros in ~200 KB) and a
# chunked body over the limit with the key. The daemon's memory stays where it was.
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$DAEMON_PID/status"; }
rss0="$(rss_kib)"
head -c 200000000 /dev/zero | gzip -1 >"$WORK/bomb.gz"
RID=77777777-2222-3333-4444-555555555555
out="$(head -c 200000000 /dev/zero | post_fh wrong-key - -H "Transfer-Encoding: chunked" || true)"
[[ "$out" == 401* ]] || fail "chunked body without the key: $out"
out="$(post_fh "$FH_KEY" "$WORK/bomb.gz" -H "Content-Encoding: gzip" || true)"
[[ "$out" == 413* ]] || fail "gzip bomb: $out"
out="$(head -c 3000000 /dev/zero | tr '\0' 'a' | post_fh "$FH_KEY" - -H "Transfer-Encoding: chunked" || true)"
[[ "$out" == 413* ]] || fail "chunked body over the limit: $out"
rss1="$(rss_kib)"
(( rss1 - rss0 < 60000 )) || fail "the daemon grew from ${rss0} to ${rss1} KiB on refused bodies"
pass "chunked and gzip bodies bounded: 401 before a 200 MB chunked body, 413 for a gzip bomb and an oversized chunked body (RSS ${rss0} -> ${rss1} KiB)"

# A slow client: headers promise a body that never comes; the read timeout cuts it off.
host="${FH#http://}"
(exec 3<>"/dev/tcp/${host%:*}/${host#*:}"; printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{' >&3; sleep 5) &
slow=$!
sleep 0.5
RID=44444444-2222-3333-4444-555555555555
sed "s/11111111-2222-3333-4444-555555555555/$RID/" "$WORK/fh.json" >"$WORK/fh4.json"
out="$(post_fh "$FH_KEY" "$WORK/fh4.json")"
[[ "$out" == 200* ]] || fail "served while a slow client hangs: $out"
wait "$slow" || true
pass "a slow client does not stop the receiver"

# Slowloris: 40 connections from another address (127.0.0.2) trickle their headers a byte every
# half second, and 8 from 127.0.0.3 send good headers then trickle the body. Each address keeps 8
# connections (max_connections_per_client), the others are closed at once; the 16 kept are cut
# at the request deadline (3 s) although they never go quiet for the read timeout (2 s). A
# normal client is served meanwhile, within 2 s.
python3 "$HERE/slowloris.py" "${host%:*}" "${host#*:}" --source 127.0.0.2 --conns 40 --seconds 6 --out "$WORK/loris-head.json" &
loris1=$!
python3 "$HERE/slowloris.py" "${host%:*}" "${host#*:}" --source 127.0.0.3 --conns 8 --seconds 6 --body --key "$FH_KEY" --out "$WORK/loris-body.json" &
loris2=$!
sleep 1.5
RID=88888888-2222-3333-4444-555555555555
sed "s/11111111-2222-3333-4444-555555555555/$RID/" "$WORK/fh.json" >"$WORK/fh8.json"
t="$(curl -s -o "$WORK/resp" -w '%{http_code} %{time_total}' -X POST "$FH/" -H "Content-Type: application/json" -H "X-Amz-Firehose-Request-Id: $RID" -H "X-Amz-Firehose-Access-Key: $FH_KEY" --data-binary "@$WORK/fh8.json")"
[[ "${t% *}" == 200 ]] || fail "a normal client during slowloris: $t $(cat "$WORK/resp")"
python3 -c 'import sys; assert float(sys.argv[1]) < 2, sys.argv[1]' "${t#* }" ||
  fail "a normal client during slowloris waited ${t#* } s"
wait "$loris1" "$loris2"
python3 - "$WORK/loris-head.json" "$WORK/loris-body.json" <<'PY' || fail "slowloris: $(cat "$WORK/loris-head.json" "$WORK/loris-body.json")"
import json, sys
head, body = (json.load(open(f)) for f in sys.argv[1:])
assert head["refused"] == 32, head  # over the per-client cap of 8
assert body["refused"] == 0, body
for r in (head, body):
    assert r["open_at_end"] == 0, r
    assert len(r["closed_after"]) == 8, r
    assert all(2.5 <= t <= 5.5 for t in r["closed_after"]), r  # the 3 s deadline, not before
PY
pass "slowloris: 8 connections kept per address, cut at the 3 s request deadline; a normal client served in ${t#* } s meanwhile"

# EventBridge API destination: one event per request.
EVENT="$CORPUS/cloudtrail/eventbridge/c7n_api-call_s3-CreateBucket.json"
out="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$EB/events" -H 'Content-Type: application/json; charset=utf-8' -H "x-fastpath-key: $EB_KEY" --data-binary "@$EVENT")"
[[ "$out" == 200 ]] || fail "EventBridge accept: $out"
grep -q '"path":"eventbridge"' "$WORK/events.ndjson" || fail "no EventBridge event out"
out="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$EB/events" -H 'Content-Type: application/json' -H "x-fastpath-key: nope" --data-binary "@$EVENT")"
[[ "$out" == 401 ]] || fail "EventBridge wrong key: $out"
out="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$EBB/" -u "eventbridge:$EB_PASSWORD" -H 'Content-Type: application/json' --data-binary "@$EVENT")"
[[ "$out" == 200 ]] || fail "EventBridge basic auth: $out"
out="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$EBB/" -u "eventbridge:wrong" -H 'Content-Type: application/json' --data-binary "@$EVENT")"
[[ "$out" == 401 ]] || fail "EventBridge wrong password: $out"
pass "EventBridge API destination: API key and basic auth accepted, wrong credentials 401"

# HTTPS: the certificate is served and verified; plain HTTP to the TLS port is refused.
FHS="https://${FH_TLS#http://}"
RID=55555555-2222-3333-4444-555555555555
sed "s/11111111-2222-3333-4444-555555555555/$RID/" "$WORK/fh.json" >"$WORK/fh5.json"
out="$(curl -s --cacert "$WORK/cert.pem" -o "$WORK/resp" -w '%{http_code}' -X POST "$FHS/" -H "Content-Type: application/json" -H "X-Amz-Firehose-Request-Id: $RID" -H "X-Amz-Firehose-Access-Key: $FH_KEY" --data-binary "@$WORK/fh5.json")"
[[ "$out" == 200 ]] || fail "Firehose over TLS: $out $(cat "$WORK/resp")"
if curl -s -o /dev/null --max-time 5 -X POST "$FH_TLS/" --data-binary "@$WORK/fh5.json"; then
  plain="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$FH_TLS/" --data-binary "@$WORK/fh5.json" || true)"
  [[ "$plain" != 200 ]] || fail "plain HTTP accepted on the TLS receiver"
fi
pass "Firehose receiver over TLS (certificate verified by curl)"

# The counts are read whole before they are matched: `curl | grep -q` under pipefail fails when
# grep has its line and exits while curl is still writing.
metrics_well_formed "$ADMIN" >/dev/null
curl -sf "$ADMIN/metrics" >"$WORK/metrics.txt" || fail "/metrics did not answer"
# Four: the wrong and the missing key, the chunked body, and the slow client (which sends no key:
# it is refused as soon as its headers are in, before its body).
grep -q '^fastpath_receiver_requests_total{receiver="firehose",result="unauthorized"} 4$' "$WORK/metrics.txt" ||
  fail "401s not counted: $(grep 'result="unauthorized"' "$WORK/metrics.txt")"
grep -q '^fastpath_receiver_requests_total{receiver="firehose",result="too_large"} 3$' "$WORK/metrics.txt" ||
  fail "413 not counted: $(grep 'result="too_large"' "$WORK/metrics.txt")"
grep -q '^fastpath_receiver_requests_total{receiver="firehose",result="timed_out"} 16$' "$WORK/metrics.txt" ||
  fail "slowloris connections cut not counted: $(grep 'result="timed_out"' "$WORK/metrics.txt")"
! grep -q "$FH_KEY\|$EB_KEY\|$EB_PASSWORD" "$WORK/daemon.log" || fail "a secret appears in the log"
# Refused requests are the clients' fault: the receivers stay healthy.
curl -s "$ADMIN/healthz" >"$WORK/health.json"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1])); assert h["status"]=="ok", h' "$WORK/health.json" ||
  fail "clients' bad requests made /healthz say $(cat "$WORK/health.json")"

# Bad input inside an accepted request (a record that is a truncated gzip stream) is a JSON log
# line naming the input and the reason, like everything else the daemon writes to stderr.
RID=66666666-2222-3333-4444-555555555555
python3 -c '
import base64, json, sys, time
data = base64.b64encode(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03truncated").decode()
print(json.dumps({"requestId": sys.argv[1], "timestamp": int(time.time() * 1000), "records": [{"data": data}]}))' "$RID" >"$WORK/badrec.json"
out="$(post_fh "$FH_KEY" "$WORK/badrec.json")"
[[ "$out" == 200* ]] || fail "a request with a bad record: $out"
wait_for "a bad-input log line" 10 grep -q '"msg":"bad input".*"reason":"' "$WORK/daemon.log"
daemon_log_is_json

# A second daemon on a port the first holds does not start (no SO_REUSEPORT: the kernel would
# split the traffic between them), and says which address.
FH_HOSTPORT="${FH#http://}"
cat >"$WORK/second.yml" <<YAML
state_dir: $WORK/state2
events:
  output: none
http:
  enabled: false
sources:
  - name: firehose
    type: firehose
    listen: $FH_HOSTPORT
    access_key_env: FH_KEY
YAML
set +e
timeout 20 "$FASTPATH" run --config "$WORK/second.yml" >/dev/null 2>"$WORK/second.log"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a second daemon on $FH_HOSTPORT: exit $rc $(tail -3 "$WORK/second.log")"
grep -q "cannot listen on $FH_HOSTPORT" "$WORK/second.log" || fail "the refusal does not name the address: $(cat "$WORK/second.log")"

# What the daemon creates is private: the state folder 0700, outputs 0600.
[[ "$(stat -c %a "$WORK/state")" == 700 ]] || fail "state folder mode $(stat -c %a "$WORK/state")"
[[ "$(stat -c %a "$WORK/events.ndjson")" == 600 ]] || fail "events file mode $(stat -c %a "$WORK/events.ndjson")"
pass "rejections counted in /metrics; no secret in the logs; a second daemon on the same port refused; state 0700, outputs 0600"
# A stop is not held up by slow clients: SIGTERM while 20 connections trickle headers into the
# EventBridge receiver (whose request deadline is the default 60 s) exits within 5 s.
eb_host="${EB#http://}"
python3 "$HERE/slowloris.py" "${eb_host%:*}" "${eb_host#*:}" --source 127.0.0.4 --conns 20 --seconds 12 --out "$WORK/loris-stop.json" &
loris3=$!
sleep 1.5
t0="$(date +%s%N)"
stop_daemon
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
(( stop_ms < 5000 )) || fail "SIGTERM during slowloris took ${stop_ms} ms"
wait "$loris3"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["open_at_end"] == 0, r' "$WORK/loris-stop.json" ||
  fail "connections left open after the stop: $(cat "$WORK/loris-stop.json")"
pass "SIGTERM during slowloris: stopped in ${stop_ms} ms, every connection closed"
echo "all receiver checks passed"

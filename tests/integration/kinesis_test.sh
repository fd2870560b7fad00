#!/usr/bin/env bash
# The fast path against kinesalite and dynalite (npm, pinned), records put by the aws CLI:
#   - two `fastpath run` processes on one 4-shard stream split the shards through the lease
#     table (KCL format, read back with the aws CLI);
#   - the same alert seen by both processes (the event put on a shard of each) is raised once;
#   - kill -9 one: the other takes its shards within 30 s, and no record is lost;
#   - a split and a merge are followed, parents before children, in order per partition key;
#   - KPL-aggregated records are unpacked.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
[[ -d "$HERE/node_modules/kinesalite" && -d "$HERE/node_modules/dynalite" ]] ||
  skip "kinesalite/dynalite are not installed: run 'npm ci --prefix tests/integration'"

KPORT="$(free_port)"
DPORT="$(free_port)"
node "$HERE/node_modules/kinesalite/cli.js" --port "$KPORT" --createStreamMs 0 --deleteStreamMs 0 \
  --updateStreamMs 0 --shardLimit 100 >"$WORK/kinesalite.log" 2>&1 &
PIDS+=($!)
node "$HERE/node_modules/dynalite/cli.js" --port "$DPORT" --createTableMs 0 --updateTableMs 0 \
  >"$WORK/dynalite.log" 2>&1 &
PIDS+=($!)
KIN="http://127.0.0.1:$KPORT"
DDB="http://127.0.0.1:$DPORT"
kin() { "$AWS" --endpoint-url "$KIN" kinesis "$@"; }
ddb() { "$AWS" --endpoint-url "$DDB" dynamodb "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
wait_for "kinesalite" 20 quiet kin list-streams
wait_for "dynalite" 20 quiet ddb list-tables
stream_active() {
  [[ "$(kin describe-stream-summary --stream-name security --query StreamDescriptionSummary.StreamStatus --output text)" == ACTIVE ]]
}

kin create-stream --stream-name security --shard-count 4
wait_for "the stream" 20 stream_active

config() {  # NAME -> writes $WORK/NAME.yml
  cat >"$WORK/$1.yml" <<YAML
state_dir: $WORK/$1-state
aws:
  endpoints:
    kinesis: $KIN
    dynamodb: $DDB
rules: $REPO/rules
events:
  output: $WORK/$1.events.ndjson
alerts:
  output: $WORK/$1.alerts.ndjson
  claim_table: fastpath-it-alert-claims
http:
  listen: 127.0.0.1:0
sources:
  - name: fast
    type: kinesis
    stream: security
    application: fastpath-it
    worker_id: $1
    failover_time: 6s
    poll_interval: 250ms
    shard_sync: 2s
YAML
}
config a
config b
start_one() {  # NAME: starts a daemon, sets ${NAME}_PID and ${NAME}_ADMIN
  "$FASTPATH" run --config "$WORK/$1.yml" >"$WORK/$1.out" 2>"$WORK/$1.log" &
  local pid=$!
  PIDS+=($pid)
  wait_for "daemon $1" 30 grep -q '"msg":"started"' "$WORK/$1.log"
  eval "${1}_PID=$pid"
  eval "${1}_ADMIN=http://$(grep -o '"msg":"serving /healthz and /metrics","address":"[^"]*' "$WORK/$1.log" | sed 's/.*"address":"//')"
}
held() {  # ADMIN-URL: leases held
  curl -sf "$1/metrics" | awk '$1 == "fastpath_kinesis_leases_held{source=\"fast\"}" {print $2}'
}
holds() { [[ "$(held "$1")" == "$2" ]]; }   # ADMIN-URL N
at_least_events() {  # N: distinct events across a and b
  [[ "$(unique_events "$WORK/a.events.ndjson" "$WORK/b.events.ndjson")" -ge "$1" ]]
}
unique_events() {  # files...: distinct event ids
  cat "$@" 2>/dev/null | python3 -c 'import json,sys; print(len({json.loads(l)["id"] for l in sys.stdin if l.strip()}))'
}
put_events() {  # START COUNT [NAME SOURCE]: one put-records call per 250
  python3 "$HERE/make_events.py" "$@" >"$WORK/batch.ndjson"
  python3 - "$WORK/batch.ndjson" "$WORK/batch" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i in range(0, len(lines), 250):
    recs = [{"Data": l, "PartitionKey": "pk-%d" % (i + j)}
            for j, l in enumerate(lines[i:i + 250])]
    json.dump(recs, open("%s.%d.json" % (sys.argv[2], i // 250), "w"))
PY
  for f in "$WORK"/batch.*.json; do
    kin put-records "${RAW_BLOBS[@]}" --stream-name security --records "file://$f" --query FailedRecordCount --output text | grep -qx 0 || fail "put-records failed"
    rm -f "$f"
  done
}

start_one a
wait_for "a to hold all 4 shards" 30 holds "$a_ADMIN" 4
metrics_well_formed "$a_ADMIN" >/dev/null
pass "/metrics with a Kinesis source: every family has HELP and TYPE"
start_one b
split_evenly() { holds "$a_ADMIN" 2 && holds "$b_ADMIN" 2; }
wait_for "the shards to split 2/2" 90 split_evenly
owners="$(ddb scan --table-name fastpath-it --query 'Items[].leaseOwner.S' --output text | tr '\t' '\n' | sort | uniq -c | tr -s ' ')"
[[ "$owners" == *"2 a"* && "$owners" == *"2 b"* ]] || fail "lease table owners: $owners"
pass "two processes split 4 shards 2/2 through the lease table (read back with the aws CLI)"

put_events 0 400
wait_for "400 events across a and b" 60 at_least_events 400
[[ "$(unique_events "$WORK/a.events.ndjson" "$WORK/b.events.ndjson")" -eq 400 ]] || fail "expected 400 distinct events"
[[ -s "$WORK/a.events.ndjson" && -s "$WORK/b.events.ndjson" ]] || fail "one process got no records"
grep -q '"path":"eventbridge"' "$WORK/a.events.ndjson" || fail "events are not from the EventBridge path"
grep -Eq '"source":\{"input":"kinesis://security/shardId-[0-9]+/[0-9]{20,}"\}' "$WORK/a.events.ndjson" || fail "events do not name the Kinesis record they came in"
pass "400 records put by the aws CLI -> 400 events, split between the two processes"

# One StopLogging event put on a shard held by a and on one held by b: one alert in all.
python3 "$HERE/make_events.py" 9000 1 StopLogging cloudtrail.amazonaws.com >"$WORK/stop.json"
for w in a b; do
  shard="$(ddb scan --table-name fastpath-it --query "Items[?leaseOwner.S=='$w'].leaseKey.S | [0]" --output text)"
  hk="$(kin list-shards --stream-name security --query "Shards[?ShardId=='$shard'].HashKeyRange.StartingHashKey | [0]" --output text)"
  kin put-record --stream-name security --partition-key stop --explicit-hash-key "$hk" --data "fileb://$WORK/stop.json" >/dev/null
done
alerted() { cat "$WORK/a.alerts.ndjson" "$WORK/b.alerts.ndjson" 2>/dev/null | grep -q fastpath-cloudtrail-logging-stopped; }
wait_for "the alert" 30 alerted
sleep 3
n="$(cat "$WORK/a.alerts.ndjson" "$WORK/b.alerts.ndjson" | grep -c fastpath-cloudtrail-logging-stopped)"
[[ "$n" -eq 1 ]] || fail "the StopLogging event raised $n alerts across the two processes"
elsewhere="$(( $(curl -sf "$a_ADMIN/metrics" | awk '$1 == "fastpath_alert_claims_total{result=\"claimed_elsewhere\"}" {print $2}') + $(curl -sf "$b_ADMIN/metrics" | awk '$1 == "fastpath_alert_claims_total{result=\"claimed_elsewhere\"}" {print $2}') ))"
[[ "$elsewhere" -eq 1 ]] || fail "expected one claim refused, got $elsewhere"
pass "the same event seen by both processes raised one alert (DynamoDB claim)"

# kill -9 b; a takes its shards within 30 s; nothing is lost.
kill -9 "$b_PID"
killed_at=$SECONDS
put_events 1000 400
wait_for "a to take b's shards" 30 holds "$a_ADMIN" 4
echo "   a holds all 4 shards $((SECONDS - killed_at)) s after kill -9"
wait_for "all 801 distinct events" 60 at_least_events 801
[[ "$(unique_events "$WORK/a.events.ndjson" "$WORK/b.events.ndjson")" -eq 801 ]] || fail "records lost after kill -9"
pass "kill -9 of one process: the other took its shards within 30 s; 801 of 801 events, none lost"

# Resharding: split shard 0 and merge shards 2 and 3, with records for one partition key before
# and after; the children are read only after their parents end, so order per key holds.
python3 "$HERE/make_events.py" 2000 30 >"$WORK/order1.ndjson"
python3 "$HERE/make_events.py" 2030 30 >"$WORK/order2.ndjson"
hk0="$(kin list-shards --stream-name security --query "Shards[?ShardId=='shardId-000000000000'].HashKeyRange.StartingHashKey | [0]" --output text)"
put_lines() {  # FILE: one put-record per line, all on shard 0's first hash key
  while read -r line; do
    printf '%s' "$line" >"$WORK/one.json"
    kin put-record --stream-name security --partition-key ordered --explicit-hash-key "$hk0" --data "fileb://$WORK/one.json" >/dev/null
  done <"$1"
}
put_lines "$WORK/order1.ndjson"
kin split-shard --stream-name security --shard-to-split shardId-000000000000 --new-starting-hash-key 42535295865117307932921825928971026432
wait_for "the split" 20 stream_active
kin merge-shards --stream-name security --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003
wait_for "the merge" 20 stream_active
put_lines "$WORK/order2.ndjson"
put_events 3000 100
wait_for "events after the reshard" 90 at_least_events 961
python3 - "$WORK/a.events.ndjson" <<'PY' || fail "order per partition key broken across the split"
import json, sys
seqs = [json.loads(l)["event"]["requestParameters"]["seq"] for l in open(sys.argv[1])
        if '"seq":20' in l]
seqs = [s for s in seqs if 2000 <= s < 2060]
assert len(set(seqs)) == 60, "missing: %d of 60" % len(set(seqs))
first = {}
for i, s in enumerate(seqs):
    first.setdefault(s, i)
order = sorted(first, key=first.get)
assert order == sorted(order), "out of order: %s" % order
PY
ended="$(curl -sf "$a_ADMIN/metrics" | awk '$1 == "fastpath_kinesis_shards_ended_total{source=\"fast\"}" {print $2}')"
[[ "$ended" -ge 3 ]] || fail "expected 3 parent shards to reach SHARD_END, got $ended"
[[ "$(ddb scan --table-name fastpath-it --query "length(Items[?checkpoint.S=='SHARD_END'])" --output text)" -ge 3 ]] || fail "no SHARD_END checkpoints in the lease table"
[[ "$(ddb scan --table-name fastpath-it --query "length(Items[?parentShardId])" --output text)" -ge 3 ]] || fail "child leases lack parentShardId"
pass "split and merge followed: parents checkpointed SHARD_END, children read after, order per key kept"

# KPL aggregation: three user records in one Kinesis record.
python3 "$HERE/make_events.py" 5000 3 >"$WORK/kpl.ndjson"
python3 - "$WORK/kpl.ndjson" "$WORK/kpl.bin" <<'PY'
import hashlib, sys
def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80]); n >>= 7
    return out + bytes([n])
def field(num, payload):
    return varint((num << 3) | 2) + varint(len(payload)) + payload
lines = [l.encode() for l in open(sys.argv[1]).read().splitlines()]
body = field(1, b"kpl-key")
for l in lines:
    body += field(3, varint(1 << 3) + varint(0) + field(3, l))
open(sys.argv[2], "wb").write(b"\xf3\x89\x9a\xc2" + body + hashlib.md5(body).digest())
PY
kin put-record --stream-name security --partition-key kpl-key --data "fileb://$WORK/kpl.bin" >/dev/null
kpl_out() { [[ "$(grep -c '"seq":500[0-2]' "$WORK/a.events.ndjson")" -ge 3 ]]; }
wait_for "the 3 KPL user records" 30 kpl_out
user="$(curl -sf "$a_ADMIN/metrics" | awk '$1 == "fastpath_kinesis_records_total{source=\"fast\",kind=\"user\"}" {print $2}')"
pass "a KPL-aggregated record unpacked into its 3 events ($user user records read by a in all)"

# A CloudWatch Logs subscription message (gzip'd, as CloudWatch Logs writes to Kinesis).
python3 - "$HERE/make_events.py" "$WORK/cwl.gz" <<'PY'
import gzip, json, subprocess, sys, time
lines = subprocess.run([sys.executable, sys.argv[1], "6000", "4"], capture_output=True, text=True).stdout.splitlines()
details = [json.loads(l)["detail"] for l in lines]
msg = {"messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": "aws-cloudtrail-logs",
       "logStream": "111122223333_CloudTrail_us-east-1", "subscriptionFilters": ["all"],
       "logEvents": [{"id": str(i), "timestamp": int(time.time() * 1000), "message": json.dumps(d)}
                     for i, d in enumerate(details)]}
open(sys.argv[2], "wb").write(gzip.compress(json.dumps(msg).encode()))
PY
kin put-record --stream-name security --partition-key cwl --data "fileb://$WORK/cwl.gz" >/dev/null
cwl_out() { [[ "$(grep -c '"path":"cloudwatch_logs"' "$WORK/a.events.ndjson")" -ge 4 ]]; }
wait_for "the 4 CloudWatch Logs events" 30 cwl_out
pass "a CloudWatch Logs subscription message on the stream came out as its 4 CloudTrail events"

kill -TERM "$a_PID"
wait "$a_PID" || fail "a exited with $? on SIGTERM"
[[ "$(ddb scan --table-name fastpath-it --query "length(Items[?leaseOwner.S=='a' && checkpoint.S!='SHARD_END'])" --output text)" -eq 0 ]] || fail "a did not release its leases on SIGTERM"
[[ "$(ddb scan --table-name fastpath-it --query "length(Items[?childShardIds])" --output text)" -ge 3 ]] || fail "ended shards lack childShardIds"
pass "SIGTERM: open leases checkpointed and released; ended shards keep SHARD_END and their children"
# Single-process mode: leases and checkpoints in SQLite; a restart resumes from the checkpoint.
kin create-stream --stream-name solo --shard-count 2
wait_for "the solo stream" 20 stream_active
cat >"$WORK/solo.yml" <<YAML
state_dir: $WORK/solo-state
aws:
  endpoints:
    kinesis: $KIN
events:
  output: $WORK/solo.events.ndjson
alerts:
  output: none
http:
  listen: 127.0.0.1:0
sources:
  - name: solo
    type: kinesis
    stream: solo
    lease_store: sqlite
    poll_interval: 250ms
YAML
put_solo() {  # START COUNT
  python3 "$HERE/make_events.py" "$1" "$2" | python3 -c '
import json, sys
recs = [{"Data": l.strip(), "PartitionKey": "p%d" % i} for i, l in enumerate(sys.stdin)]
json.dump(recs, open(sys.argv[1], "w"))' "$WORK/solo.json"
  kin put-records "${RAW_BLOBS[@]}" --stream-name solo --records "file://$WORK/solo.json" >/dev/null
}
solo_lines() { [[ "$(lines "$WORK/solo.events.ndjson")" -ge "$1" ]]; }
put_solo 7000 50
"$FASTPATH" run --config "$WORK/solo.yml" >/dev/null 2>"$WORK/solo.log" &
solo=$!
PIDS+=($solo)
wait_for "50 solo events" 30 solo_lines 50
sleep 1.5  # a checkpoint is written at most once a second
kill -TERM "$solo"
wait "$solo" || fail "solo exited with $?"
[[ -s "$WORK/solo-state/solo.leases.sqlite" ]] || fail "no SQLite lease file"
put_solo 7050 20
"$FASTPATH" run --config "$WORK/solo.yml" >/dev/null 2>>"$WORK/solo.log" &
solo=$!
PIDS+=($solo)
wait_for "70 solo events" 30 solo_lines 70
sleep 2
kill -TERM "$solo"
wait "$solo" || fail "solo exited with $?"
[[ "$(lines "$WORK/solo.events.ndjson")" -eq 70 ]] || fail "the restart re-read checkpointed records: $(lines "$WORK/solo.events.ndjson") events, 70 expected"
pass "single-process mode: SQLite leases; a restart resumes after the checkpoint (70 events, none twice)"

# A lease taken by another process: the reader asks the store before it hands a batch on, so
# records put after the steal are not emitted while the other holds the lease; once that lease
# expires unrenewed, the shard is taken back from its checkpoint and each record comes out once.
# (failover_time 30s: renewals every 10 s, so it is the check before the batch that notices.)
sed 's/    poll_interval: 250ms/    poll_interval: 250ms\n    failover_time: 30s/' "$WORK/solo.yml" >"$WORK/solo3.yml"
"$FASTPATH" run --config "$WORK/solo3.yml" >/dev/null 2>>"$WORK/solo.log" &
solo=$!
PIDS+=($solo)
holds_solo() { [[ "$(grep -c '"msg":"source started"' "$WORK/solo.log")" -ge 3 ]] && sleep 1; }
wait_for "the third solo start" 30 holds_solo
# The first shard's lease goes to an intruder (one of two: an even split, so the daemon does not
# take it back to balance), then 10 records are put on that shard.
python3 - "$WORK/solo-state/solo.leases.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("UPDATE leases SET leaseOwner = 'intruder', leaseCounter = leaseCounter + 1 "
           "WHERE leaseKey = 'shardId-000000000000'")
db.commit()
PY
python3 "$HERE/make_events.py" 7070 10 | python3 -c '
import json, sys
recs = [{"Data": l.strip(), "PartitionKey": "p%d" % i, "ExplicitHashKey": "0"} for i, l in enumerate(sys.stdin)]
json.dump(recs, open(sys.argv[1], "w"))' "$WORK/solo.json"
kin put-records "${RAW_BLOBS[@]}" --stream-name solo --records "file://$WORK/solo.json" >/dev/null
sleep 3
[[ "$(lines "$WORK/solo.events.ndjson")" -eq 70 ]] ||
  fail "records emitted under another process's lease: $(lines "$WORK/solo.events.ndjson") events, 70 expected"
grep -q 'the lease was taken by another process\|lost the lease' "$WORK/solo.log" || fail "the steal was not noticed"
wait_for "the 10 records after the lease came back" 90 solo_lines 80
sleep 2
kill -TERM "$solo"
wait "$solo" || fail "solo exited with $?"
[[ "$(lines "$WORK/solo.events.ndjson")" -eq 80 ]] || fail "after the lease came back: $(lines "$WORK/solo.events.ndjson") events, 80 expected"
pass "a stolen lease: nothing emitted while another process held it; taken back after expiry, 80 events, none twice"
echo "all Kinesis checks passed"

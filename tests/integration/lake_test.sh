#!/usr/bin/env bash
# The lake: `scan --lake` writes it, DuckDB (an independent engine) reads the same events per
# partition, `search` prunes and matches as scan does, `lake compact` drops the duplicates a
# second writer made and is idempotent, bad objects are reported and skipped; on S3 (fauxqs)
# with a multipart upload; and the daemon's lake keeps every acknowledged event across kill -9.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
[[ -d "$HERE/node_modules/@duckdb/node-api" ]] ||
  skip "@duckdb/node-api is not installed: run 'npm ci --prefix tests/integration' (tools/setup.sh does)"
DATA=("$REPO/data/demo/cloudtrail" "$REPO/testdata/corpus")
LAKE="$WORK/lake"

# 1. scan --lake; the same events as scan prints.
"$FASTPATH" scan --no-progress "${DATA[@]}" >"$WORK/scan.ndjson" 2>/dev/null || true
"$FASTPATH" scan --no-progress --lake "$LAKE" "${DATA[@]}" >"$WORK/lake-stdout" 2>"$WORK/lake.err" || true
grep -q "fastpath scan: lake $LAKE: $(lines "$WORK/scan.ndjson") events in" "$WORK/lake.err" ||
  fail "scan --lake: $(cat "$WORK/lake.err" | tail -3)"
[[ ! -s "$WORK/lake-stdout" ]] || fail "scan --lake printed events without --output"
[[ ! -e "$LAKE/_spool" ]] || fail "the spool is left after a scan"
"$FASTPATH" search --no-progress "$LAKE" >"$WORK/all.ndjson" 2>"$WORK/search.err" || fail "search: $(cat "$WORK/search.err")"
python3 - "$WORK/scan.ndjson" "$WORK/all.ndjson" <<'PY' || fail "search does not give back what scan wrote"
import json, sys
key = lambda l: (l["log_type"], l["id"], l["path"], l["time"], json.dumps(l["event"], sort_keys=True))
a = sorted(key(json.loads(l)) for l in open(sys.argv[1]))
b = sorted(key(json.loads(l)) for l in open(sys.argv[2]))
assert a == b, (len(a), len(b))
PY
pass "scan --lake: $(lines "$WORK/scan.ndjson") events; search reads back exactly the events scan prints"

# 2. DuckDB reads the lake with hive partitioning: the same events per partition, with the same
# canonical columns, as fastpath's own reading.
duck() { NODE_NO_WARNINGS=1 node "$HERE/lake_duckdb.mjs" "$1"; }
python3 - "$WORK/all.ndjson" "$WORK/fastpath-partitions.json" <<'PY'
import json, sys, datetime, re, collections
def value(v):  # as the lake names folders
    return "unknown" if not v else re.sub(r"[^A-Za-z0-9._-]", lambda m: "".join("%%%02X" % b for b in m.group().encode()), v)
parts = collections.defaultdict(list)
for line in open(sys.argv[1]):
    e = json.loads(line)
    t = datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00"))
    k = "log_type=%s/account=%s/region=%s/dt=%s/hour=%02d" % (value(e["log_type"]), value(e["account"]), value(e["region"]), t.strftime("%Y-%m-%d"), t.hour)
    parts[k].append("%s|%s|%s" % (e["id"], e["path"], e["time"]))
json.dump({k: {"n": len(v), "rows": ",".join(sorted(v))} for k, v in parts.items()}, open(sys.argv[2], "w"))
PY
duck "$LAKE" >"$WORK/duck-partitions.json" || fail "DuckDB could not read the lake"
python3 - "$WORK/fastpath-partitions.json" "$WORK/duck-partitions.json" <<'PY' || fail "DuckDB and fastpath disagree"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a.keys() == b.keys(), sorted(set(a) ^ set(b))[:5]
bad = [k for k in a if a[k] != b[k]]
assert not bad, (bad[:3], [a[k]["n"] for k in bad[:3]], [b[k]["n"] for k in bad[:3]])
print(len(a), "partitions,", sum(v["n"] for v in a.values()), "events")
PY
pass "DuckDB (hive_partitioning) counts the same events per partition with the same id, path and time"

# 3. search: partition pruning, --where, rules as scan runs them.
DAY=(--log-type cloudtrail --account 123837392027 --since 2023-07-10T12:00:00Z --until 2023-07-10T13:00:00Z)
"$FASTPATH" search --no-progress "${DAY[@]}" "$LAKE" >"$WORK/hour.ndjson" 2>"$WORK/hour.err"
want="$(python3 -c '
import json,sys
n=0
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e["log_type"]=="aws.cloudtrail" and e["account"]=="123837392027" and "2023-07-10T12:00:00Z"<=e["time"]<"2023-07-10T13:00:00Z": n+=1
print(n)' "$WORK/scan.ndjson")"
[[ "$(lines "$WORK/hour.ndjson")" -eq "$want" && "$want" -gt 0 ]] || fail "one hour of one account: $(lines "$WORK/hour.ndjson") events, want $want"
grep -q "^fastpath search: 1 objects" "$WORK/hour.err" || fail "the hour was not pruned to one object: $(cat "$WORK/hour.err")"
"$FASTPATH" search --no-progress --where eventName=ConsoleLogin --where 'userIdentity.arn=*:user/*' "$LAKE" >"$WORK/logins.ndjson" 2>/dev/null
want="$(python3 -c '
import json,sys,fnmatch
print(sum(1 for l in open(sys.argv[1]) if (lambda e: e.get("eventName")=="ConsoleLogin" and fnmatch.fnmatchcase(str(e.get("userIdentity",{}).get("arn","")), "*:user/*"))(json.loads(l)["event"] or {})))' "$WORK/scan.ndjson")"
[[ "$(lines "$WORK/logins.ndjson")" -eq "$want" && "$want" -gt 0 ]] || fail "--where: $(lines "$WORK/logins.ndjson"), want $want"
"$FASTPATH" scan --no-progress --rules "$REPO/rules" --output alerts "${DATA[@]}" 2>/dev/null | python3 -c 'import json,sys; [print(json.loads(l)["alert_id"]) for l in sys.stdin]' | sort >"$WORK/scan-alerts"
"$FASTPATH" search --no-progress --rules "$REPO/rules" --output alerts "$LAKE" 2>/dev/null | python3 -c 'import json,sys; [print(json.loads(l)["alert_id"]) for l in sys.stdin]' | sort >"$WORK/search-alerts"
[[ -s "$WORK/scan-alerts" ]] && cmp -s "$WORK/scan-alerts" "$WORK/search-alerts" ||
  fail "search --rules raised $(lines "$WORK/search-alerts") alerts, scan $(lines "$WORK/scan-alerts")"
pass "search prunes to one object for one account-hour, --where on record paths, --rules raises scan's $(lines "$WORK/scan-alerts") alerts"

# 3b. Athena at scale: the SQL of `rules sql` for every rule of the pack and the Sigma rules,
# run on DuckDB over the lake, finds the same events as `search` with the same rule.
mkdir -p "$WORK/sql" "$WORK/rules-extra"
# Patterns over records no EventBridge event carries, in the envelope shape and at the top.
echo '{"source": ["aws.vpcflow"], "detail": {"dstport": [443], "action": ["ACCEPT"]}}' >"$WORK/rules-extra/flow-envelope.json"
echo '{"detail-type": ["VPC Flow Logs"], "dstport": [443]}' >"$WORK/rules-extra/flow-top.json"
echo '{"source": ["aws.alb", "aws.elb"], "detail": {"elb_status_code": [{"numeric": [">=", 400]}]}}' >"$WORK/rules-extra/lb-errors.json"
translated=0 refused=0
while read -r f; do
  name="$(basename "$f" | sed 's/\.[a-z]*$//')"
  if "$FASTPATH" rules sql "$f" >"$WORK/sql/$name.sql" 2>>"$WORK/sql-refused.txt"; then
    translated=$((translated + 1))
    "$FASTPATH" search --no-progress --rules "$f" "$LAKE" 2>/dev/null |
      python3 -c 'import json,sys; [print(sys.argv[1], json.loads(l)["id"]) for l in sys.stdin]' "$name" >>"$WORK/search-ids"
  else
    refused=$((refused + 1))
    rm -f "$WORK/sql/$name.sql"
  fi
done < <({
  find "$REPO/rules" "$REPO/testdata/sigma" -name '*.yml'
  find "$WORK/rules-extra" -name '*.json'
} | sort)
NODE_NO_WARNINGS=1 node "$HERE/lake_sql.mjs" "$LAKE" "$WORK"/sql/*.sql >"$WORK/duck-ids" 2>"$WORK/duck-sql.err" ||
  fail "DuckDB could not run the SQL: $(head -3 "$WORK/duck-sql.err")"
sort -o "$WORK/duck-ids" "$WORK/duck-ids"
sort -o "$WORK/search-ids" "$WORK/search-ids"
[[ -s "$WORK/search-ids" ]] || fail "no rule matched anything: nothing compared"
diff "$WORK/search-ids" "$WORK/duck-ids" >"$WORK/sql.diff" ||
  fail "DuckDB and search disagree on $(grep -c '^[<>]' "$WORK/sql.diff") rows: $(head -5 "$WORK/sql.diff")"
echo '{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/8"}]}}' >"$WORK/cidr-rule.json"
set +e
"$FASTPATH" rules sql "$WORK/cidr-rule.json" >/dev/null 2>"$WORK/cidr.err"
rc=$?
set -e
[[ $rc -eq 1 ]] && grep -q "cidr-rule (.*): not translated: detail.sourceIPAddress: the cidr operator has no SQL translation here" "$WORK/cidr.err" ||
  fail "a cidr rule: exit $rc, $(cat "$WORK/cidr.err")"
pass "rules sql: $translated of $((translated + refused)) rules translated, the same $(lines "$WORK/duck-ids") matches on DuckDB as search finds; a cidr pattern is refused with the operator named"

# 4. A second writer writes the demo data again: duplicates; compaction drops them, twice is
# the same as once.
"$FASTPATH" scan --no-progress --lake "$LAKE" "$REPO/data/demo/cloudtrail" 2>/dev/null
"$FASTPATH" search --no-progress "$LAKE" 2>/dev/null | wc -l >"$WORK/n-dup"
[[ "$(cat "$WORK/n-dup")" -gt "$(lines "$WORK/scan.ndjson")" ]] || fail "the second writer added nothing"
"$FASTPATH" lake compact --min-age 0s "$LAKE" 2>"$WORK/compact.err" || fail "compact: $(cat "$WORK/compact.err")"
grep -q "duplicates dropped" "$WORK/compact.err" || fail "compact: $(cat "$WORK/compact.err")"
"$FASTPATH" search --no-progress "$LAKE" >"$WORK/after.ndjson" 2>/dev/null
[[ "$(lines "$WORK/after.ndjson")" -eq "$(lines "$WORK/scan.ndjson")" ]] || fail "after compaction: $(lines "$WORK/after.ndjson") events, want $(lines "$WORK/scan.ndjson")"
duck "$LAKE" >"$WORK/duck-after.json"
cmp -s <(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$WORK/duck-partitions.json") \
       <(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$WORK/duck-after.json") ||
  fail "DuckDB sees other events after compaction"
find "$LAKE" -name '*.json.gz' | sort >"$WORK/objects-1"
"$FASTPATH" lake compact --min-age 0s "$LAKE" 2>"$WORK/compact2.err"
grep -q " 0 compacted" "$WORK/compact2.err" || fail "a second compaction changed something: $(cat "$WORK/compact2.err")"
find "$LAKE" -name '*.json.gz' | sort | cmp -s - "$WORK/objects-1" || fail "a second compaction changed objects"
pass "compaction: $(sed 's/fastpath lake compact: //' "$WORK/compact.err" | head -1); a second run changes nothing"

# 5. Bad objects: reported with their path, the rest searched.
H="$LAKE/log_type=aws.cloudtrail/account=123837392027/region=us-east-1/dt=2023-07-10/hour=12"
head -c 300 "$(ls "$H"/*.json.gz | head -1)" >"$H/cut.json.gz"
echo "not data" >"$H/notes.txt"
mkdir -p "$LAKE/log_type=aws.cloudtrail/account=123837392027/region=us-east-1/day=2023-07-10"
set +e
"$FASTPATH" search --no-progress "$LAKE" >"$WORK/bad.ndjson" 2>"$WORK/bad.err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "search over a truncated object exited $rc"
grep -q "cut.json.gz: at uncompressed offset" "$WORK/bad.err" || fail "truncated object not named: $(cat "$WORK/bad.err")"
grep -q "notes.txt: not a lake object" "$WORK/bad.err" || fail "foreign file not named"
grep -q "folder 'day=2023-07-10' should be dt=VALUE" "$WORK/bad.err" || fail "wrong folder not named"
[[ "$(lines "$WORK/bad.ndjson")" -ge "$(lines "$WORK/scan.ndjson")" ]] || fail "bad objects cost other events"
rm -rf "$H/cut.json.gz" "$H/notes.txt" "$LAKE/log_type=aws.cloudtrail/account=123837392027/region=us-east-1/day=2023-07-10"
pass "a truncated object, a foreign file and a misnamed folder are reported by path; every other event is found"

# 5b. The table definitions: partition projection over every partition key, with the lake's
# accounts; the CloudFormation resource is valid against AWS::Glue::Table's schema.
"$FASTPATH" lake ddl "$LAKE" >"$WORK/ddl.sql" 2>/dev/null
for k in log_type account region dt hour; do
  grep -q "'projection.$k.type' = '" "$WORK/ddl.sql" || fail "no projection for $k"
done
grep -q "'projection.account.values' = '.*123837392027" "$WORK/ddl.sql" || fail "the lake's accounts are not in the projection"
grep -q "'storage.location.template' = 's3://BUCKET/PREFIX/log_type=\${log_type}/account=\${account}/region=\${region}/dt=\${dt}/hour=\${hour}/'" "$WORK/ddl.sql" ||
  fail "storage.location.template: $(grep template "$WORK/ddl.sql")"
"$FASTPATH" lake ddl --format cloudformation "$LAKE" >"$WORK/table.json" 2>/dev/null
NODE_NO_WARNINGS=1 node "$HERE/validate_cfn.mjs" "$WORK/table.json" "$REPO/testdata/aws-schemas" >"$WORK/cfn.out" 2>&1 ||
  fail "AWS::Glue::Table does not validate: $(cat "$WORK/cfn.out")"
pass "lake ddl: projection on all five partition keys; the AWS::Glue::Table validates against its CloudFormation schema (ajv)"

# 6. An S3 lake on fauxqs: objects over the part size go up in parts.
start_fauxqs
awsl s3 mb s3://lake >/dev/null
python3 - "$WORK/big.json" <<'PY'
import json, os, sys, uuid
recs = []
for i in range(16000):
    recs.append({"eventVersion": "1.09", "eventID": str(uuid.UUID(int=(7 << 96) + i)), "eventTime": "2026-01-01T00:%02d:00Z" % (i % 60),
                 "eventType": "AwsApiCall", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
                 "awsRegion": "us-east-1", "recipientAccountId": "111122223333",
                 "userIdentity": {"type": "IAMUser", "accountId": "111122223333", "arn": "arn:aws:iam::111122223333:user/u"},
                 "requestParameters": {"key": os.urandom(400).hex()}})
json.dump({"Records": recs}, open(sys.argv[1], "w"))
PY
"$FASTPATH" scan --no-progress --endpoint-url "$ENDPOINT" --lake s3://lake/events --lake-part-mib 5 "$WORK/big.json" 2>"$WORK/s3.err" ||
  fail "scan --lake s3://: $(cat "$WORK/s3.err")"
awsl s3api list-objects-v2 --bucket lake --prefix events/ --query 'Contents[].[Key,ETag]' --output text >"$WORK/s3.list"
[[ "$(wc -l <"$WORK/s3.list")" -eq 1 ]] || fail "expected one object: $(cat "$WORK/s3.list")"
grep -q 'events/log_type=aws.cloudtrail/account=111122223333/region=us-east-1/dt=2026-01-01/hour=00/.*\.json\.gz.*-2"' "$WORK/s3.list" ||
  fail "not a two-part multipart object: $(cat "$WORK/s3.list")"
n="$("$FASTPATH" search --no-progress --endpoint-url "$ENDPOINT" s3://lake/events 2>/dev/null | wc -l)"
[[ "$n" -eq 16000 ]] || fail "search s3://: $n events, want 16000"
awsl s3 cp --quiet "s3://lake/$(cut -f1 "$WORK/s3.list")" - | gzip -dc | wc -l | grep -qx 16000 || fail "the aws CLI reads another object"
pass "S3 lake: one object uploaded in 2 parts (ETag -2), read back whole by the aws CLI and by search"
# The same 22 MB object on a folder: one gzip member per MiB of lines, which DuckDB reads whole.
"$FASTPATH" scan --no-progress --lake "$WORK/biglake" "$WORK/big.json" 2>/dev/null
members="$(python3 -c 'import sys,zlib
d=open(sys.argv[1],"rb").read(); n=0
while d:
    z=zlib.decompressobj(31); z.decompress(d); d=z.unused_data; n+=1
print(n)' "$(find "$WORK/biglake" -name '*.json.gz')")"
[[ "$members" -gt 1 ]] || fail "expected a multi-member gzip object, got $members member"
duck "$WORK/biglake" | python3 -c 'import json,sys; assert sum(v["n"] for v in json.load(sys.stdin).values()) == 16000' ||
  fail "DuckDB does not read the $members-member object whole"
pass "an object of $members gzip members: DuckDB reads its 16000 events"

# 7. The daemon: events acknowledged (HTTP 200) are in the spool when the daemon is killed -9,
# and the next start ships them.
export EB_KEY="eb-$$"
cat >"$WORK/daemon.yml" <<YAML
state_dir: $WORK/state
events:
  output: none
alerts:
  output: none
http:
  listen: 127.0.0.1:0
lake:
  uri: $WORK/daemon-lake
  max_age: 1h
sources:
  - name: eventbridge
    type: eventbridge
    listen: 127.0.0.1:0
    api_key_header: x-fastpath-key
    api_key_env: EB_KEY
YAML
start_daemon "$WORK/daemon.yml"
EB="$(receiver_url eventbridge)"
python3 "$HERE/make_events.py" 0 50 >"$WORK/eb.ndjson"
ok=0
while read -r ev; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$EB/" -H 'Content-Type: application/json' -H "x-fastpath-key: $EB_KEY" --data-binary "$ev")"
  [[ "$code" == 200 ]] && ok=$((ok + 1))
done <"$WORK/eb.ndjson"
[[ $ok -eq 50 ]] || fail "only $ok of 50 events acknowledged"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
[[ -z "$(find "$WORK/daemon-lake" -name '*.json.gz' 2>/dev/null)" ]] || fail "objects shipped before their age"
spooled="$(find "$WORK/state/lake-spool" -name '*.ndjson' -exec cat {} + | wc -l)"
[[ "$spooled" -eq 50 ]] || fail "$spooled of 50 acknowledged events in the spool after kill -9"
start_daemon "$WORK/daemon.yml"
stop_daemon
n="$("$FASTPATH" search --no-progress "$WORK/daemon-lake" 2>/dev/null | wc -l)"
[[ "$n" -eq 50 ]] || fail "after a restart the lake holds $n of the 50 acknowledged events"
[[ -z "$(find "$WORK/state/lake-spool" -name '*.ndjson' 2>/dev/null)" ]] || fail "spool files left after shipping"
pass "daemon lake: 50 acknowledged events survive kill -9 in the spool and are shipped by the next start"
echo "all lake checks passed"

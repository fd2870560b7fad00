#!/usr/bin/env bash
# The coverage audit against the loopback AWS stand-in (aws_standin.mjs): an organization of
# 3 reachable accounts x 3 regions with one gap of every kind, an account whose role does not
# trust the caller, a suspended account, a region not opted in, throttling and access denied.
# Every gap is found where it was placed and nowhere else; the JSON matches the golden report;
# an all-wired organization exits 0; the HTML report opens in headless Chromium and a click on
# a cell shows its fix.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
GOLDEN="$REPO/testdata/golden/audit/org.json"

# The caller's identity in the stand-in's organization.
export AWS_ACCESS_KEY_ID=AKIASTANDINCALLER001
export AWS_SECRET_ACCESS_KEY=standin/caller/secret/key/0000000000000

start_standin() {  # LOGFILE ARGS...: sets STANDIN
  local log="$1"
  shift
  node "$HERE/aws_standin.mjs" "$@" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    if grep -q '^listening ' "$log"; then
      STANDIN="http://127.0.0.1:$(awk '/^listening /{print $2; exit}' "$log")"
      return 0
    fi
    sleep 0.1
  done
  cat "$log" >&2
  fail "the AWS stand-in did not start"
}

start_standin "$WORK/standin.log" --scenario org --log "$WORK/requests.log" --responses "$WORK/responses.ndjson"
STANDIN_ORG="$STANDIN"
AUDIT=("$FASTPATH" audit --no-progress --endpoint-url "$STANDIN" --organization
  --cloudtrail-via-logs --data-events AWS::S3::Object --log-group '/aws/lambda/*'
  --central-bus arn:aws:events:us-east-1:111111111111:event-bus/fastpath
  --securityhub-region us-east-1 --s3-bucket org-cloudtrail-logs,prod-flow-logs,prod-cloudtrail-logs)

# 1. The organization, as JSON.
set +e
"${AUDIT[@]}" --format json -o "$WORK/org.json" 2>"$WORK/audit.err"
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "audit with gaps exited $rc, not 3: $(cat "$WORK/audit.err")"
grep -q "cells, .* gap, .* unknown -> $WORK/org.json" "$WORK/audit.err" ||
  fail "audit -o does not say what it wrote: $(cat "$WORK/audit.err")"
pass "the organization with gaps exits 3"

# 2. Each gap kind where it was placed, and nothing else: (account region component finding state).
python3 - "$WORK/org.json" <<'PY' || fail "the gaps found are not the gaps placed"
import json, sys
r = json.load(open(sys.argv[1]))
M, P, D, S, C = "111111111111", "222222222222", "333333333333", "444444444444", "555555555555"
E, W, A = "us-east-1", "eu-west-1", "ap-southeast-2"
want = set()
def add(acct, region, finding, state="gap"):
    want.add((acct, region, finding.split(".")[0], finding, state))
# CloudTrail: prod's trail records write-only, fails to deliver, does not validate, does not
# deliver to CloudWatch Logs and records no S3 data events (in every region it covers), to a
# public bucket; dev's trail covers us-east-1 alone, unencrypted, failing to deliver to
# CloudWatch Logs, its bucket deleted. The management account's stopped second trail is no gap:
# its multi-region trail records ap-southeast-2.
for region in (E, W, A):
    for f in ("management_events", "delivery_error", "no_validation", "no_logs_delivery", "data_events"):
        add(P, region, "cloudtrail." + f)
add(P, E, "cloudtrail.bucket_public")  # checked once, in the trail's home region
add(D, E, "cloudtrail.no_kms"); add(D, E, "cloudtrail.logs_delivery_error")
add(D, E, "cloudtrail.bucket_missing")
add(D, W, "cloudtrail.no_trail"); add(D, A, "cloudtrail.no_trail")
# EventBridge: the pattern misses CloudTrail; the rule is disabled; the target is not a
# forwarding target; no dead-letter queue; the central bus does not admit dev.
add(P, W, "eventbridge.not_forwarded"); add(P, A, "eventbridge.rule_disabled")
add(D, W, "eventbridge.no_target"); add(M, W, "eventbridge.no_dlq")
for region in (E, A):
    add(D, region, "eventbridge.bus_policy")
# CloudWatch Logs, flow logs, Resolver, load balancers, WAF, Network Firewall.
add(P, E, "cloudwatch_logs.no_subscription"); add(D, E, "cloudwatch_logs.missing_destination")
add(M, E, "vpc_flow_logs.missing"); add(P, E, "vpc_flow_logs.delivery_failed")
add(P, W, "vpc_flow_logs.partial_traffic"); add(D, A, "vpc_flow_logs.format_fields")
add(D, W, "resolver_query_logs.missing"); add(P, A, "load_balancer_logs.missing")
add(M, A, "waf_logging.missing"); add(D, E, "network_firewall_logging.missing")
# Finding services and Config.
add(D, A, "guardduty.no_detector"); add(P, W, "guardduty.disabled"); add(M, W, "guardduty.no_export")
add(D, W, "securityhub.disabled"); add(P, E, "securityhub.no_aggregator")
add(P, A, "config.no_recorder"); add(D, E, "config.not_recording")
add(M, A, "config.recorder_failing"); add(P, W, "config.no_delivery_channel")
add(P, E, "inspector.disabled"); add(D, E, "macie.disabled"); add(P, W, "macie.paused")
add(M, A, "macie.access_denied", "unknown")
# Global services.
add(P, "global", "route53_query_logs.missing"); add(D, "global", "cloudfront_logging.missing")
add(P, "global", "s3_notifications.missing")
# The sandbox's role does not trust the caller: every cell unknown, AssumeRole named.
comps = [c["name"] for c in r["components"]]
for c in r["components"]:
    for region in ((E, W, A) if not c["global"] else ("global",)):
        want.add((S, region, c["name"], "audit.not_entered", "unknown"))

got = set()
for cell in r["cells"]:
    for f in cell["findings"]:
        if f["state"] != "ok":
            got.add((cell["account"], cell["region"], cell["component"], f["id"], f["state"]))
missing, extra = sorted(want - got), sorted(got - want)
for m in missing: print("not found:", m)
for e in extra: print("not placed:", e)
assert not missing and not extra
# Every gap says how to fix it; every unknown names the permission.
for cell in r["cells"]:
    for f in cell["findings"]:
        if f["state"] == "gap":
            assert f.get("fix") and f.get("fix_cli", "").startswith("aws "), f
        if f["state"] == "unknown":
            assert f.get("permission"), f
# A cell's state is its worst finding.
order = {"ok": 0, "unknown": 1, "silent": 2, "gap": 3}
for cell in r["cells"]:
    worst = max((order[f["state"]] for f in cell["findings"]), default=0)
    assert order[cell["state"]] == worst, cell
# The scope: four accounts entered or tried, the suspended one reported, me-south-1 (not opted
# in) left out, 13 regional components per account x region and 3 global ones per account.
assert [a["id"] for a in r["accounts"]] == [M, P, D, S], r["accounts"]
assert r["regions"] == [A, W, E], r["regions"]
assert any(C in e and "SUSPENDED" in e for e in r["errors"]), r["errors"]
assert any(S in e and "AssumeRole" in e for e in r["errors"]), r["errors"]
assert len(comps) == 16 and len(r["cells"]) == 4 * (3 * 13 + 3), len(r["cells"])
assert r["organization_id"] == "o-fastpath01" and r["all_wired"] is False
print(len(want), "findings as placed")
PY
pass "every gap kind found where it was placed; AccessDenied is unknown with its permission"

# 2b. Every answer the stand-in gave has the shape of the botocore model of its operation (the
# models are reference data beside the repository, not in it).
MODELS="${AWS_MODELS:-$REPO/../shared/aws-reference/botocore}"
if [[ -d "$MODELS/cloudtrail" ]]; then
  node "$HERE/aws_standin_shapes.mjs" "$MODELS" "$WORK/responses.ndjson" >"$WORK/shapes.txt" ||
    fail "stand-in answers differ from the botocore models: $(head -20 "$WORK/shapes.txt")"
  pass "$(tail -1 "$WORK/shapes.txt")"
else
  echo "SKIPPED part 2b: no botocore models at $MODELS (set AWS_MODELS to a botocore data folder)"
fi

# 3. Throttling was met and retried: the stand-in throttled, no finding says so.
throttled=$(grep -c '^throttled ' "$WORK/requests.log" || true)
[[ "$throttled" -ge 5 ]] || fail "the stand-in throttled only $throttled times"
! grep -q 'Throttl' "$WORK/org.json" || fail "a throttled call became a finding"
pass "$throttled throttled calls retried with back-off, none in the report"

# 4. The golden report (times and counts of calls, which throttling moves, normalised).
normalise() { python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
r["started"] = "T"; r["seconds"] = 0; r["api_calls"] = 0
print(json.dumps(r, indent=1, sort_keys=True))' "$1"; }
normalise "$WORK/org.json" >"$WORK/org.norm.json"
if [[ "${UPDATE_GOLDEN:-}" == 1 ]]; then
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$WORK/org.norm.json" "$GOLDEN"
fi
diff -u "$GOLDEN" "$WORK/org.norm.json" >"$WORK/golden.diff" ||
  fail "the report differs from $GOLDEN (UPDATE_GOLDEN=1 rewrites it): $(head -40 "$WORK/golden.diff")"
pass "the JSON report matches testdata/golden/audit/org.json"

# 5. The table: one line per gap and a summary; the same exit code.
set +e
"${AUDIT[@]}" >"$WORK/table.txt" 2>&1
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "table: exit $rc"
grep -q '222222222222 *eu-west-1 *eventbridge' "$WORK/table.txt" || fail "table: no gap line for prod's rule"
grep -qE ' cells: [0-9]+ ok, [0-9]+ gap, [0-9]+ silent, [0-9]+ unknown' "$WORK/table.txt" || fail "table: no summary line: $(tail -3 "$WORK/table.txt")"
! grep -q $'\e\[' "$WORK/table.txt" || fail "table: colour codes when not on a terminal"
pass "the table lists the gaps and a summary, without colour off a terminal"

# 6. One account, two regions, two components: the scope flags narrow the audit.
set +e
"${AUDIT[@]/--organization/--accounts=222222222222}" --regions us-east-1,eu-west-1 \
  --components cloudtrail,vpc_flow_logs --format json -o "$WORK/one.json" 2>/dev/null
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "single account: exit $rc"
python3 - "$WORK/one.json" <<'PY' || fail "the scope flags did not narrow the audit"
import json, sys
r = json.load(open(sys.argv[1]))
cells = {(c["account"], c["region"], c["component"]) for c in r["cells"]}
assert cells == {(a, g, c) for a in ["222222222222"] for g in ["us-east-1", "eu-west-1"]
                 for c in ["cloudtrail", "vpc_flow_logs"]}, cells
PY
pass "--accounts --regions --components narrow the audit to 4 cells"

# 7. An all-wired organization exits 0.
start_standin "$WORK/standin-bench.log" --scenario bench --accounts 3 --regions 2
BENCH_URL="$STANDIN"
"$FASTPATH" audit --no-progress --endpoint-url "$BENCH_URL" --organization \
  --central-bus arn:aws:events:us-east-1:111111111111:event-bus/fastpath \
  --securityhub-region us-east-1 --data-events AWS::S3::Object --s3-bucket org-cloudtrail-logs \
  >"$WORK/wired.txt" 2>&1 ||
  fail "an all-wired organization: exit $? $(tail -5 "$WORK/wired.txt")"
grep -qE ' cells: [0-9]+ ok, 0 gap, 0 silent, 0 unknown' "$WORK/wired.txt" || fail "wired: $(tail -3 "$WORK/wired.txt")"
pass "an all-wired organization (3 accounts x 2 regions) exits 0"

# 8. The policy the audit role needs, and an unknown component.
"$FASTPATH" audit --print-policy >"$WORK/policy.json"
python3 - "$WORK/policy.json" <<'PY' || fail "--print-policy is not a read-only IAM policy"
import json, sys
p = json.load(open(sys.argv[1]))
acts = p["Statement"][0]["Action"]
assert p["Version"] == "2012-10-17" and p["Statement"][0]["Effect"] == "Allow"
for a in ("cloudtrail:DescribeTrails", "events:ListRules", "organizations:ListAccounts",
          "ec2:DescribeFlowLogs", "macie2:GetMacieSession", "route53:ListQueryLoggingConfigs"):
    assert a in acts, a
for a in acts:
    verb = a.split(":")[1]
    assert verb.startswith(("Describe", "Get", "List", "BatchGet", "Lookup")), a
PY
set +e
"$FASTPATH" audit --components cloudtrail,nonesuch 2>"$WORK/unknown.err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q "unknown component 'nonesuch'" "$WORK/unknown.err" ||
  fail "an unknown component: exit $rc $(cat "$WORK/unknown.err")"
pass "--print-policy is a read-only IAM policy naming every action; an unknown component exits 2"

# 9. The HTML report in headless Chromium: the matrix, a click shows the cell's fix.
"${AUDIT[@]}" --format html -o "$WORK/org.html" 2>/dev/null || true
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "SKIPPED part 9: Debian's chromium is not installed (tools/setup.sh installs it)"
elif [[ ! -d "$HERE/node_modules/playwright-core" ]]; then
  echo "SKIPPED part 9: playwright-core is not installed (npm ci --prefix tests/integration)"
else
  NODE_NO_WARNINGS=1 node "$HERE/audit_html.mjs" "$CHROMIUM" "$WORK/org.html" "$WORK/audit-report.png" \
    >"$WORK/html.out" 2>&1 || fail "the HTML report: $(cat "$WORK/html.out")"
  if [[ "${UPDATE_SCREENSHOT:-}" == 1 ]]; then cp "$WORK/audit-report.png" "$REPO/docs/audit-report.png"; fi
  pass "HTML in Chromium: $(cat "$WORK/html.out")"
fi

# 10. The daemon: a tamper alert carries the re-audit of what it touched (StopLogging on a trail
# that is back to logging: restored; DeleteFlowLogs where a VPC has none: gap confirmed); a path
# that delivered and went quiet raises a silence alert, /metrics shows its age, and
# `audit --state` marks that cell silent.
cat >"$WORK/daemon.yml" <<YAML
state_dir: $WORK/state
aws:
  region: us-east-1
  endpoint_url: $STANDIN_ORG
rules: $REPO/rules
events:
  output: $WORK/events.ndjson
alerts:
  output: $WORK/alerts.ndjson
http:
  listen: 127.0.0.1:0
coverage:
  reaudit_on_tamper: true
  silence_floor: 3s
  check_every: 1s
sources:
  - name: eventbridge
    type: eventbridge
    listen: 127.0.0.1:0
    api_key_header: x-fastpath-key
    api_key_env: EB_KEY
YAML
export EB_KEY="eventbridge-key-$$"
start_daemon "$WORK/daemon.yml"
EB="$(receiver_url eventbridge)"
post_call() {  # EVENT-SOURCE EVENT-NAME ACCOUNT REGION
  python3 - "$@" >"$WORK/call.json" <<'PY'
import datetime, json, sys, uuid
src, name, acct, region = sys.argv[1:5]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
print(json.dumps({"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
  "source": "aws." + src.split(".")[0], "account": acct, "time": now, "region": region, "resources": [],
  "detail": {"eventVersion": "1.09", "userIdentity": {"type": "AssumedRole", "accountId": acct,
    "arn": f"arn:aws:sts::{acct}:assumed-role/Ops/mallory"}, "eventTime": now, "eventSource": src,
    "eventName": name, "awsRegion": region, "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2",
    "requestParameters": {}, "responseElements": None, "requestID": str(uuid.uuid4()),
    "eventID": str(uuid.uuid4()), "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
    "recipientAccountId": acct, "eventCategory": "Management"}}))
PY
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$EB/" -H "x-fastpath-key: $EB_KEY" \
    -H 'Content-Type: application/json' --data-binary "@$WORK/call.json")"
  [[ "$code" == 200 ]] || fail "the EventBridge receiver answered $code"
}
post_call cloudtrail.amazonaws.com StopLogging 111111111111 us-east-1
post_call ec2.amazonaws.com DeleteFlowLogs 111111111111 us-east-1
both_tamper_alerts() {
  grep -q '"rule_id":"fastpath-cloudtrail-logging-stopped"' "$WORK/alerts.ndjson" 2>/dev/null &&
    grep -q '"rule_id":"fastpath-vpc-flow-logs-deleted"' "$WORK/alerts.ndjson"
}
wait_for "two tamper alerts" 30 both_tamper_alerts
python3 - "$WORK/alerts.ndjson" <<'PY' || fail "the tamper alerts do not carry the re-audit: $(cat "$WORK/alerts.ndjson")"
import json, sys
alerts = {a["rule_id"]: a for a in map(json.loads, open(sys.argv[1])) if "audit" in a}
stop = alerts["fastpath-cloudtrail-logging-stopped"]["audit"]
assert stop["verdict"] == "restored" and stop["cell"]["component"] == "cloudtrail", stop
flow = alerts["fastpath-vpc-flow-logs-deleted"]["audit"]
assert flow["verdict"] == "gap_confirmed", flow
assert any(f["id"] == "vpc_flow_logs.missing" and f["resource"] == "vpc-0unlogged"
           for f in flow["cell"]["findings"]), flow
PY
pass "tamper alerts carry the re-audit: StopLogging restored, DeleteFlowLogs gap confirmed"

wait_for "a silence alert" 30 grep -q '"rule_id":"fastpath-source-silent"' "$WORK/alerts.ndjson"
grep '"rule_id":"fastpath-source-silent"' "$WORK/alerts.ndjson" | head -1 >"$WORK/silence.json"
python3 - "$WORK/silence.json" <<'PY' || fail "the silence alert: $(cat "$WORK/silence.json")"
import json, sys
a = json.load(open(sys.argv[1]))
e = a["event"]
assert a["severity"] == "high" and a["account"] == "111111111111" and a["region"] == "us-east-1", a
assert e["path"] == "eventbridge" and e["component"] == "eventbridge" and e["threshold_seconds"] >= 3, e
PY
age="$(metric 'fastpath_source_last_event_age_seconds{log_type="aws.cloudtrail",account="111111111111",region="us-east-1",path="eventbridge"}')"
[[ "$age" != missing ]] || fail "no fastpath_source_last_event_age_seconds for the path"
[[ "$(metric 'fastpath_source_silent{log_type="aws.cloudtrail",account="111111111111",region="us-east-1",path="eventbridge"}')" == 1 ]] ||
  fail "fastpath_source_silent is not 1"
[[ "$(grep -c '"rule_id":"fastpath-source-silent"' "$WORK/alerts.ndjson")" -eq 1 ]] ||
  fail "the silence was alerted more than once"
stop_daemon
[[ -s "$WORK/state/liveness.json" ]] || fail "no liveness.json in the state folder"
pass "a quiet path raises one silence alert (age ${age}s on /metrics); the state is saved"

set +e
AWS_ACCESS_KEY_ID=AKIASTANDINCALLER001 "$FASTPATH" audit --no-progress --endpoint-url "$STANDIN_ORG" \
  --regions us-east-1 --components eventbridge,vpc_flow_logs --state "$WORK/state" --format json \
  -o "$WORK/state-audit.json" 2>/dev/null
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "audit --state: exit $rc"
python3 - "$WORK/state-audit.json" <<'PY' || fail "audit --state does not mark the silent path"
import json, sys
r = json.load(open(sys.argv[1]))
cell = next(c for c in r["cells"] if c["component"] == "eventbridge")
assert cell["state"] == "silent", cell
assert cell["findings"][0]["id"] == "eventbridge.silent", cell
assert r["summary"]["silent"] == 1, r["summary"]
PY
set +e
"$FASTPATH" audit --state "$WORK/nonesuch" 2>"$WORK/state.err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q 'no liveness.json' "$WORK/state.err" || fail "audit --state on a wrong folder: exit $rc"
pass "audit --state marks the eventbridge cell silent; a folder without state exits 2"

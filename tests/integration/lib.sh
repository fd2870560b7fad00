# Helpers for the integration tests: a local AWS-compatible server (fauxqs from the npm registry,
# pinned in package-lock.json) on a free loopback port, the aws CLI pointed at it, and checks.
# Sourced by the test scripts; each script exits 77 (ctest: skipped) with the reason when a
# prerequisite is missing.

set -euo pipefail

FASTPATH="${FASTPATH:?set FASTPATH to the fastpath binary}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d /tmp/fastpath-it.XXXXXX)"
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ "${KEEP_WORK:-}" == "" ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

command -v node >/dev/null || skip "node is not installed (tools/setup.sh installs it)"
# The aws CLI that tools/setup.sh installs (Debian's awscli), else whichever is on PATH.
if [[ -x /usr/bin/aws ]]; then AWS=/usr/bin/aws; else AWS="$(command -v aws || true)"; fi
[[ -n "$AWS" ]] || skip "the aws CLI is not installed (tools/setup.sh installs awscli)"
# Version 2 reads blobs in JSON input as base64 unless told otherwise; version 1 takes them raw.
RAW_BLOBS=()
if "$AWS" --version 2>&1 | grep -q '^aws-cli/2'; then RAW_BLOBS=(--cli-binary-format raw-in-base64-out); fi
[[ -d "$HERE/node_modules/fauxqs" ]] ||
  skip "fauxqs is not installed: run 'npm ci --prefix tests/integration' (tools/setup.sh does)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export AWS_ACCESS_KEY_ID=fastpath-test AWS_SECRET_ACCESS_KEY=fastpath-test-secret
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true

start_fauxqs() {
  FAUXQS_PORT_NUM="$(free_port)"
  ENDPOINT="http://127.0.0.1:$FAUXQS_PORT_NUM"
  FAUXQS_PORT="$FAUXQS_PORT_NUM" FAUXQS_LOGGER=false FAUXQS_HOST=127.0.0.1 \
    node "$HERE/node_modules/fauxqs/dist/cli.js" >"$WORK/fauxqs.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -sf "$ENDPOINT/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$WORK/fauxqs.log" >&2
  fail "fauxqs did not start"
}

awsl() { "$AWS" --endpoint-url "$ENDPOINT" "$@"; }
# SQS through the AWS SDK for JavaScript (see sqs.mjs).
sqsl() { NODE_NO_WARNINGS=1 node "$HERE/sqs.mjs" "$ENDPOINT" "$@"; }

# wait_for DESCRIPTION SECONDS COMMAND...: retries COMMAND until it succeeds.
wait_for() {
  local what="$1" secs="$2"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

lines() { if [[ -f "$1" ]]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

queue_depth() { sqsl depth "$1"; }  # visible + in flight
queue_empty() { [[ "$(queue_depth "$1")" -eq 0 ]]; }
# metric_at_least NAME-WITH-LABELS N
metric_at_least() { local v; v="$(metric "$1")"; [[ "$v" != missing && "$v" -ge "$2" ]]; }
lines_at_least() { [[ "$(lines "$1")" -ge "$2" ]]; }  # FILE N

# An S3 event notification for one object, as S3 sends it to SQS.
s3_notification() {  # BUCKET KEY SIZE [EVENT]
  local key_enc
  key_enc="$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote_plus(sys.argv[1], safe="/"))' "$2")"
  printf '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"%s","eventName":"%s","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},"object":{"key":"%s","size":%s}}}]}' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "${4:-ObjectCreated:Put}" "$1" "$1" "$key_enc" "$3"
}

# Starts `fastpath run` on CONFIG; its stderr (JSON logs) goes to $WORK/daemon.log.
start_daemon() {
  "$FASTPATH" run --config "$1" >"$WORK/daemon.out" 2>"$WORK/daemon.log" &
  DAEMON_PID=$!
  PIDS+=($DAEMON_PID)
  wait_for "the daemon to start" 30 grep -q '"msg":"started"' "$WORK/daemon.log"
  ADMIN="http://$(grep -o '"msg":"serving /healthz and /metrics","address":"[^"]*' "$WORK/daemon.log" | sed 's/.*"address":"//')"
}

receiver_url() {  # SOURCE-NAME
  echo "http://$(grep -o "\"source\":\"$1\",\"address\":\"[^\"]*" "$WORK/daemon.log" | sed 's/.*"address":"//')"
}

stop_daemon() {
  kill -TERM "$DAEMON_PID"
  wait "$DAEMON_PID" || fail "the daemon exited with status $? after SIGTERM"
  grep -q '"msg":"stopped"' "$WORK/daemon.log" || fail "no 'stopped' log line"
  daemon_log_is_json
}

# Every line the daemon wrote to stderr is a JSON log line (time, level, msg).
daemon_log_is_json() {
  python3 - "$WORK/daemon.log" <<'PY' || fail "a daemon log line is not JSON"
import json, sys
for n, line in enumerate(open(sys.argv[1], errors="replace"), 1):
    try:
        j = json.loads(line)
        assert {"time", "level", "msg"} <= set(j)
    except Exception:
        print(f"daemon.log:{n}: not a JSON log line: {line.rstrip()[:200]}")
        sys.exit(1)
PY
}

metric() {  # NAME-WITH-LABELS: its value from /metrics
  curl -sf "$ADMIN/metrics" | awk -v m="$1" '$1 == m {print $2; found=1} END {if (!found) print "missing"}'
}

# metrics_well_formed ADMIN-URL: every sample of /metrics belongs to a family with HELP and TYPE
# (a histogram's _bucket, _sum and _count to theirs), and histogram buckets are cumulative.
metrics_well_formed() {
  curl -sf "$1/metrics" >"$WORK/metrics-check.txt" || fail "/metrics did not answer"
  python3 - "$WORK/metrics-check.txt" <<'PY' || fail "/metrics is not well formed (above)"
import re, sys
helps, types, bad, buckets = set(), {}, set(), {}
for line in open(sys.argv[1]):
    if line.startswith("# HELP "):
        helps.add(line.split()[2])
    elif line.startswith("# TYPE "):
        p = line.split()
        types[p[2]] = p[3]
    elif line.strip():
        name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
                family = base
        if family not in helps or family not in types:
            bad.add(name)
        if name.endswith("_bucket"):
            series = re.sub(r',?le="[^"]*"', "", line.split(" ")[0])
            buckets.setdefault(series, []).append(float(line.split(" ")[1]))
for series, counts in buckets.items():
    if counts != sorted(counts):
        print(f"buckets not cumulative: {series} {counts}")
        sys.exit(1)
if bad:
    print("samples without HELP or TYPE:", sorted(bad))
    sys.exit(1)
print(f"{len(types)} metric families, each with HELP and TYPE")
PY
}

#!/usr/bin/env bash
# `fastpath scan s3://bucket/prefix` against fauxqs, objects uploaded by the aws CLI: every
# object's records come out; with --resume the last handled key is recorded, and a later run
# starts after it (only the objects added since); --start-after skips what sorts before.
source "$(dirname "$0")/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
start_fauxqs
awsl s3 mb s3://trail >/dev/null

count_records() {
  python3 -c 'import gzip,json,sys; print(sum(len(json.load(gzip.open(f))["Records"]) for f in sys.argv[1:]))' "$@"
}
mapfile -t FILES < <(ls "$REPO"/data/demo/cloudtrail/*.json.gz | sort | head -8)
PREFIX=AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10
# Uploaded in key order: S3 lists keys in that order.
for f in "${FILES[@]:0:5}"; do awsl s3 cp --quiet "$f" "s3://trail/$PREFIX/$(basename "$f")"; done
awsl s3 cp --quiet "$REPO/README.md" s3://trail/other/README.md

first="$(count_records "${FILES[@]:0:5}")"
"$FASTPATH" scan --endpoint-url "$ENDPOINT" --no-progress --resume "$WORK/resume" \
  "s3://trail/$PREFIX/" >"$WORK/run1.ndjson" 2>"$WORK/run1.err" || { cat "$WORK/run1.err"; fail "scan 1"; }
[[ "$(lines "$WORK/run1.ndjson")" -eq "$first" ]] || fail "scan 1: expected $first events, got $(lines "$WORK/run1.ndjson")"
grep -q "5 inputs" "$WORK/run1.err" || fail "scan 1 did not read 5 objects: $(cat "$WORK/run1.err")"
[[ "$(cat "$WORK/resume")" == "$PREFIX/$(basename "${FILES[4]}")" ]] || fail "resume file holds $(cat "$WORK/resume")"
pass "scan of 5 objects: $first events; resume file holds the last key"

for f in "${FILES[@]:5:3}"; do awsl s3 cp --quiet "$f" "s3://trail/$PREFIX/$(basename "$f")"; done
second="$(count_records "${FILES[@]:5:3}")"
"$FASTPATH" scan --endpoint-url "$ENDPOINT" --no-progress --resume "$WORK/resume" \
  "s3://trail/$PREFIX/" >"$WORK/run2.ndjson" 2>"$WORK/run2.err" || fail "scan 2"
[[ "$(lines "$WORK/run2.ndjson")" -eq "$second" ]] || fail "resumed scan: expected $second events, got $(lines "$WORK/run2.ndjson")"
grep -q "3 inputs" "$WORK/run2.err" || fail "resumed scan did not read exactly the 3 new objects"
pass "resumed scan reads only the 3 objects added after the recorded key: $second events"

"$FASTPATH" scan --endpoint-url "$ENDPOINT" --no-progress --start-after "$PREFIX/$(basename "${FILES[6]}")" \
  "s3://trail/$PREFIX/" >"$WORK/run3.ndjson" 2>"$WORK/run3.err" || fail "scan 3"
grep -q "1 inputs" "$WORK/run3.err" || fail "--start-after: $(cat "$WORK/run3.err")"
pass "--start-after skips the keys before it"

if "$FASTPATH" scan --endpoint-url "$ENDPOINT" --no-progress s3://no-such-bucket/x >/dev/null 2>"$WORK/run4.err"; then
  fail "a missing bucket must fail"
fi
grep -q "NoSuchBucket" "$WORK/run4.err" || fail "missing bucket message: $(cat "$WORK/run4.err")"
pass "a missing bucket fails with S3's error code"
echo "all S3 scan checks passed"

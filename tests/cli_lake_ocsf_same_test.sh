#!/usr/bin/env bash
# The lake's `format: ocsf` holds the same OCSF objects `scan --output ocsf` prints, for every
# log type of the bundled corpus (apart from metadata.logged_time, the moment each run read them).
# Usage: cli_lake_ocsf_same_test.sh FASTPATH CORPUS
set -euo pipefail
fastpath="$1"
corpus="$2"
d="$(mktemp -d)"
trap 'rm -rf "$d"' EXIT
"$fastpath" scan --output ocsf "$corpus" > "$d/scan.ndjson" 2>/dev/null
"$fastpath" scan --lake "$d/lake" --lake-format ocsf "$corpus" > /dev/null 2>&1
find "$d/lake" -name '*.json.gz' -exec zcat {} + > "$d/lake.ndjson"
python3 - "$d/scan.ndjson" "$d/lake.ndjson" <<'PY'
import json, sys
def objects(path):
    out = []
    for line in open(path, encoding="utf-8"):
        o = json.loads(line)
        o["metadata"].pop("logged_time", None)
        out.append(json.dumps(o, sort_keys=True))
    return sorted(out)
scan, lake = objects(sys.argv[1]), objects(sys.argv[2])
if len(scan) < 500:
    sys.exit(f"only {len(scan)} objects from scan --output ocsf")
if scan != lake:
    only_scan = set(scan) - set(lake)
    only_lake = set(lake) - set(scan)
    sys.exit(f"scan {len(scan)} objects, lake {len(lake)}; {len(only_scan)} only in scan, "
             f"{len(only_lake)} only in the lake, e.g. {next(iter(only_scan or only_lake))[:400]}")
print(f"{len(scan)} OCSF objects, the same in the lake and from scan")
PY

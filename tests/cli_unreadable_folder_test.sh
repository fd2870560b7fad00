#!/usr/bin/env bash
# `fastpath scan DIR` over a tree with a folder it cannot read names that folder, exits 1, and
# still reads the rest; a top-level folder it cannot read is the same. Runs fastpath as an
# unprivileged user when started as root (root reads every folder whatever its mode).
set -uo pipefail
FASTPATH="$1"
SAMPLE="$2"
run=()
if [[ $(id -u) -eq 0 ]]; then
  if ! command -v setpriv >/dev/null; then echo "skipped: root and no setpriv to drop privileges"; exit 77; fi
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
d=$(mktemp -d)
trap 'chmod -R u+rwx "$d"; rm -rf "$d"' EXIT
chmod 755 "$d"
mkdir -p "$d/tree/ok" "$d/tree/locked"
cp "$SAMPLE" "$d/tree/ok/"
cp "$SAMPLE" "$d/tree/locked/"
chmod 755 "$d/tree" "$d/tree/ok"
chmod 644 "$d/tree/ok/"*
chmod 000 "$d/tree/locked"
"${run[@]}" "$FASTPATH" scan "$d/tree" >"$d/out" 2>"$d/err"
rc=$?
[[ $rc -eq 1 ]] || { echo "FAIL: exit $rc, expected 1"; cat "$d/err"; exit 1; }
grep -q "tree/locked: folder cannot be read" "$d/err" || { echo "FAIL: the folder is not named"; cat "$d/err"; exit 1; }
[[ $(wc -l <"$d/out") -eq 3 ]] || { echo "FAIL: the readable folder's events are missing"; exit 1; }
chmod 000 "$d/tree"
"${run[@]}" "$FASTPATH" scan "$d/tree" >/dev/null 2>"$d/err"
rc=$?
[[ $rc -eq 1 ]] && grep -q "tree: folder cannot be read" "$d/err" || { echo "FAIL: top-level folder: exit $rc"; cat "$d/err"; exit 1; }
echo "ok: unreadable folders are named and the scan exits 1"

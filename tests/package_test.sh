#!/usr/bin/env bash
# The Debian package, as a user gets it: tools/package.sh builds it from this build, dpkg installs
# it into a temporary root (its own dpkg database), and the installed binary runs the demo from
# the installed rule pack and data (not from this source tree), its man pages render, bash
# completes its commands, the packaged configuration passes run --check and the unit passes
# systemd-analyze verify.
#   tests/package_test.sh BUILD_DIR
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "$1" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }
for tool in dpkg-deb dpkg-shlibdeps dpkg; do
  command -v "$tool" >/dev/null || { echo "skip: $tool is not installed (tools/setup.sh installs dpkg-dev)"; exit 77; }
done

deb="$(bash "$REPO/tools/package.sh" "$BUILD" "$WORK/dist")"
[[ -f "$deb" ]] || fail "no package built"
dpkg-deb -f "$deb" Depends | grep -q "libsimdjson" || fail "Depends lacks the libraries: $(dpkg-deb -f "$deb" Depends)"
pass "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

ROOT="$WORK/root"
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
touch "$ROOT/var/lib/dpkg/status"
# --force-depends: the temporary root's database knows none of the libraries (the host has them).
dpkg --root="$ROOT" --admindir="$ROOT/var/lib/dpkg" --force-depends --force-not-root \
  --log=/dev/null -i "$deb" >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; fail "dpkg -i"; }
dpkg --root="$ROOT" --admindir="$ROOT/var/lib/dpkg" -s fastpath | grep -q "^Status: install ok installed" ||
  fail "dpkg does not list fastpath as installed"
for f in usr/bin/fastpath usr/share/fastpath/rules usr/share/fastpath/demo/cloudtrail \
  usr/share/man/man1/fastpath.1.gz usr/share/man/man1/fastpath-scan.1.gz \
  usr/share/bash-completion/completions/fastpath usr/share/zsh/vendor-completions/_fastpath \
  usr/lib/systemd/system/fastpath.service etc/fastpath/fastpath.yml; do
  [[ -e "$ROOT/$f" ]] || fail "the package does not install /$f"
done
pass "dpkg installed it into a temporary root: binary, rules, demo data, man pages, completion, unit, config"

# The installed binary, run from a folder outside the source tree, finds its own data.
out="$(cd "$WORK" && "$ROOT/usr/bin/fastpath" demo --once 2>&1)" || fail "demo --once: $out"
grep -q "alerts from the [0-9]* rules in $ROOT/usr/share/fastpath/rules" <<<"$out" ||
  fail "the demo did not use the installed rule pack: $(grep 'rules in' <<<"$out")"
pass "the installed fastpath demo --once runs from the installed rules and data"

if command -v groff >/dev/null; then
  for page in "$ROOT"/usr/share/man/man1/*.1.gz; do
    warnings="$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1)"
    [[ -z "$warnings" ]] || fail "$(basename "$page"): $warnings"
  done
  zcat "$ROOT/usr/share/man/man1/fastpath-scan.1.gz" | groff -man -Tascii -P-cbou 2>/dev/null | grep -q -- "--vpc-flow-format" ||
    fail "fastpath-scan(1) does not document --vpc-flow-format"
  pass "$(ls "$ROOT"/usr/share/man/man1 | wc -l) man pages render without warnings"
else
  echo "skip: groff is not installed, the man pages were not rendered"
fi

got="$(bash -c 'source "$1"; COMP_WORDS=(fastpath alerts a); COMP_CWORD=2; _fastpath; echo "${COMPREPLY[*]}";
  COMP_WORDS=(fastpath scan --vpc); COMP_CWORD=2; _fastpath; echo "${COMPREPLY[*]}"' _ \
  "$ROOT/usr/share/bash-completion/completions/fastpath")"
[[ "$got" == $'ack\n--vpc-flow-format' ]] || fail "bash completion: $got"
pass "bash completes 'alerts a' to ack and 'scan --vpc' to --vpc-flow-format"
if command -v zsh >/dev/null; then
  # compadd and _files stand in for zsh's completion system; words and CURRENT are what it sets.
  got="$(zsh -c 'compadd() { [[ $1 == -- ]] && shift; print -r -- "$@"; }; _files() { print files; }
    words=(fastpath alerts a); CURRENT=3; source "$1"; words=(fastpath rules ""); CURRENT=3; _fastpath' _ \
    "$ROOT/usr/share/zsh/vendor-completions/_fastpath")"
  [[ "$got" == $'list show retry ack\ncheck test coverage sql backtest' ]] || fail "zsh completion: $got"
  pass "zsh completes the subcommands of alerts and of rules"
else
  echo "skip: zsh is not installed, the zsh completion was not run"
fi

mkdir -p "$WORK/var/lib/fastpath" "$WORK/var/log/fastpath"
sed -e "s|/var/lib/fastpath|$WORK/var/lib/fastpath|; s|/var/log/fastpath|$WORK/var/log/fastpath|g" \
  -e "s|/usr/share/fastpath|$ROOT/usr/share/fastpath|" "$ROOT/etc/fastpath/fastpath.yml" >"$WORK/fastpath.yml"
"$ROOT/usr/bin/fastpath" run --check --config "$WORK/fastpath.yml" >/dev/null ||
  fail "the packaged configuration does not pass run --check"
pass "the packaged /etc/fastpath/fastpath.yml passes run --check"

if command -v systemd-analyze >/dev/null; then
  sed -e "s|/usr/bin/fastpath|$ROOT/usr/bin/fastpath|g" "$ROOT/usr/lib/systemd/system/fastpath.service" \
    >"$WORK/fastpath.service"
  systemd-analyze verify --man=no "$WORK/fastpath.service" >"$WORK/verify.log" 2>&1 ||
    fail "systemd-analyze verify: $(cat "$WORK/verify.log")"
  grep -q "^DynamicUser=yes" "$WORK/fastpath.service" && grep -q "^ProtectSystem=strict" "$WORK/fastpath.service" ||
    fail "the unit is not sandboxed"
  pass "the unit passes systemd-analyze verify (DynamicUser, ProtectSystem=strict, StateDirectory)"
else
  echo "skip: systemd-analyze is not installed, the unit was not verified"
fi
echo "all package checks passed"

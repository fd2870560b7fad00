#!/usr/bin/env bash
# Builds a Debian package of fastpath with dpkg-deb: everything `cmake --install` puts under /usr
# (binary, rule pack, demo data, man pages, completion, the systemd unit, examples) and
# /etc/fastpath/fastpath.yml as a conffile. Depends: from dpkg-shlibdeps on the binary.
#   tools/package.sh [BUILD_DIR [OUT_DIR]]   (defaults: build/release, dist)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
out="${2:-dist}"
if [[ ! -x "$build/fastpath" ]]; then bash tools/build.sh release; fi
cmake --build "$build" --target fastpath fastpath_docs >/dev/null
version="$("$build/fastpath" --version | awk '{print $2}')"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/fastpath_${version}_${arch}"
DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null
strip --strip-unneeded "$root/usr/bin/fastpath"
install -D -m 0644 packaging/fastpath.yml "$root/etc/fastpath/fastpath.yml"
gzip -9n "$root"/usr/share/man/man1/*.1

# The packages that hold the shared libraries the binary loads.
mkdir -p "$stage/debian"
printf 'Source: fastpath\n\nPackage: fastpath\nArchitecture: any\n' >"$stage/debian/control"
depends="$(cd "$stage" && dpkg-shlibdeps -O "$root/usr/bin/fastpath" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')"
[[ -n "$depends" ]] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: fastpath
Version: $version
Architecture: $arch
Maintainer: fastpath maintainers <fastpath@users.noreply.invalid>
Section: admin
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Description: AWS security monitoring pipeline
 Reads CloudTrail and the other AWS security logs from S3 (via SQS), Kinesis, Firehose and
 EventBridge, drops the duplicates the delivery paths create, matches EventBridge patterns and
 Sigma rules, delivers alerts from a crash-safe outbox and keeps events in an Athena-compatible
 lake. Runs as the fastpath.service systemd unit (/etc/fastpath/fastpath.yml).
CONTROL
echo /etc/fastpath/fastpath.yml >"$root/DEBIAN/conffiles"
mkdir -p "$out"
deb="$out/fastpath_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"

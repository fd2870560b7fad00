#!/usr/bin/env bash
# Installs the Debian packages fastpath builds and tests with, and only those that are missing.
# Idempotent: a second run installs nothing. Needs root (or sudo) when something is missing.
#   tools/setup.sh            build and test dependencies
#   tools/setup.sh --fuzz     also clang and libFuzzer, for tools/fuzz.sh
set -euo pipefail

packages=(
  g++ make cmake ninja-build pkg-config gzip
  libsimdjson-dev zlib1g-dev libdeflate-dev libssl-dev libcli11-dev libyaml-cpp-dev libre2-dev
  libcurl4-openssl-dev libcpp-httplib-dev libpugixml-dev libsqlite3-dev libxxhash-dev libarchive-dev libmicrohttpd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  dpkg-dev groff-base systemd zsh
  awscli curl python3 openssl
  chromium
)
# Node.js for the local AWS-compatible servers of the integration tests (the machine's own
# Node.js when it has one, else Debian's).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev llvm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: packages installed"
fi

# The integration tests' servers, at the versions package-lock.json pins.
it="$(dirname "$0")/../tests/integration"
if [[ ! -d "$it/node_modules/fauxqs" || ! -d "$it/node_modules/kinesalite" ||
      ! -d "$it/node_modules/dynalite" || ! -d "$it/node_modules/@aws-sdk/client-sqs" ||
      ! -d "$it/node_modules/smtp-server" || ! -d "$it/node_modules/@duckdb/node-api" ||
      ! -d "$it/node_modules/playwright-core" ]]; then
  echo "setup: npm ci in tests/integration"
  npm ci --prefix "$it" --no-audit --no-fund --loglevel=error >/dev/null
fi
# The dashboard's front-end packages, embedded into the binary at build time.
web="$(dirname "$0")/../web"
if [[ ! -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ]]; then
  echo "setup: npm ci in web"
  npm ci --prefix "$web" --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "setup: done"

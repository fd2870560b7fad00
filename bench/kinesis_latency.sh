#!/usr/bin/env bash
# Starts kinesalite (tests/integration, npm, pinned) on a free loopback port and runs the
# fast-path latency benchmark against it. Arguments go to fastpath_bench_kinesis
# (default: --records 10000 --rate 500 --poll-ms 250).
set -euo pipefail
cd "$(dirname "$0")/.."
it=tests/integration
[[ -d "$it/node_modules/kinesalite" ]] || { echo "kinesalite missing: npm ci --prefix $it"; exit 77; }
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
node "$it/node_modules/kinesalite/cli.js" --port "$port" --createStreamMs 0 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port" && break
  sleep 0.1
done
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--records 10000 --rate 500 --poll-ms 250)
build/release/bench/fastpath_bench_kinesis --endpoint "http://127.0.0.1:$port" "${args[@]}"

#!/usr/bin/env bash
# `deliberate serve` under load: requests/s and tokens/s at 1, 8 and 32 concurrent clients over HTTP (our
# OpenAI-compatible client) against the same requests to the same model called in-process through the model
# factory with the same concurrency (dev.deliberate.serve.ServeBench, app test sources), level by level in the same
# run; then the peak resident memory of the server and of the bench process.
# Usage: bench/serve.sh [MODEL [MAX_TOKENS [REQUESTS_PER_CLIENT [CLIENTS...]]]]   (default: tiny 32 4 1 8 32)
# The server runs with --concurrency as large as the most clients, as one would run it for them. Threads:
# DELIBERATE_THREADS (default 2), the same for the server and the in-process engine. The server's --batch-wait:
# SERVE_BATCH_WAIT_MS (default 10, the server's default).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-tiny}"
max_tokens="${2:-32}"
per_client="${3:-4}"
shift $(( $# < 3 ? $# : 3 ))
levels=("$@")
[ "${#levels[@]}" -gt 0 ] || levels=(1 8 32)
most=0
for c in "${levels[@]}"; do [ "$c" -gt "$most" ] && most=$c; done
jar="$root/app/target/deliberate.jar"
bench_classes="$root/app/target/test-classes"
if [ ! -f "$jar" ] || [ ! -f "$bench_classes/dev/deliberate/serve/ServeBench.class" ]; then
  (cd "$root" && mvn -B -q -o -DskipTests package)
fi
threads="${DELIBERATE_THREADS:-2}"
export OMP_WAIT_POLICY=PASSIVE
export MALLOC_ARENA_MAX=2
work="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

java -Xmx2g -Dai.djl.offline=true "-Dai.djl.pytorch.num_threads=$threads" -jar "$jar" serve --model "$model" --port 0 --concurrency "$most" \
  --queue $(( most * 4 )) --batch-wait "${SERVE_BATCH_WAIT_MS:-10}" --run "$work/run" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 240); do
  grep -q "^serving '" "$work/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; echo "error: bench/serve.sh: serve did not start" >&2; exit 1; }
  sleep 0.5
done
url="$(sed -n "s/^serving '[^']*' on \([^ ]*\) .*/\1/p" "$work/serve.out")"
name="$(sed -n "s/^serving '\([^']*\)' on .*/\1/p" "$work/serve.out")"
echo "server: $(head -n 1 "$work/serve.out"); threads: $threads"
java -Xmx2g -Dai.djl.offline=true "-Dai.djl.pytorch.num_threads=$threads" -cp "$jar:$bench_classes" dev.deliberate.serve.ServeBench "$model" "$url" "$name" \
  "$max_tokens" "$per_client" "${levels[@]}"
echo "server peak resident memory: $(grep VmHWM "/proc/$server_pid/status" | tr -s ' \t' ' ')"

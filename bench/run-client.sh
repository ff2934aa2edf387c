#!/usr/bin/env bash
# Benchmark of the model-calling path (stage executor + cache + retries + OpenAI-compatible client) against a
# loopback server with fixed latency, running in a separate JVM (bench/latency-server.sh). Prints throughput as a ratio of the ideal N*L/C and the peak heap while
# streaming M prompts. Arguments (optional): N M L_MS C  (defaults 20000 100000 50 256).
# Loopback only; the run is bounded by N and M.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="$root/core/target/bench-classpath.txt"
mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="$root/core/target/test-classes:$root/core/target/classes:$(cat "$cp_file")"
source "$root/bench/latency-server.sh"
start_latency_server "$cp" "${3:-50}"
java -Xmx256m -cp "$cp" dev.deliberate.run.ClientBenchmark "${1:-20000}" "${2:-100000}" "${3:-50}" "${4:-256}" "$server_url"

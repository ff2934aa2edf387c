#!/usr/bin/env bash
# Benchmark of 'deliberate eval's path (EvalStage: cache, retries, stage executor, reference grades, metrics)
# against a loopback latency server in a separate JVM. Prints eval throughput as a ratio of the ideal N*L/C and
# the same-run baseline of bare HTTP calls. Arguments (optional): N L_MS C (defaults 640 200 64). Loopback only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-640}"; latency="${2:-200}"; c="${3:-64}"
cp_file="$root/core/target/bench-classpath.txt"
mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="$root/core/target/test-classes:$root/core/target/classes:$(cat "$cp_file")"
source "$root/bench/latency-server.sh"
start_latency_server "$cp" "$latency"
java -Xmx512m -cp "$cp" dev.deliberate.pipeline.EvalBenchmark "$server_url" "$n" "$latency" "$c"

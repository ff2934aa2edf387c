#!/usr/bin/env bash
# Engine benchmarks: training tokens/s and MFU against a GEMM peak, KV-cache and batching speed-ups, peak memory.
# Usage: bench/engine.sh [all|train|generate]   (threads: DELIBERATE_THREADS=N, default as the engine picks)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/app/target/deliberate.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
threads=()
if [ -n "${DELIBERATE_THREADS:-}" ]; then threads=("-Dai.djl.pytorch.num_threads=$DELIBERATE_THREADS"); fi
exec java -Dai.djl.offline=true "${threads[@]}" -cp "$jar" dev.deliberate.engine.EngineBench "${1:-all}"

#!/usr/bin/env bash
# Engine benchmarks: training tokens/s and MFU against a GEMM peak, KV-cache and batching speed-ups, peak memory.
# Usage: bench/engine.sh [all|train|generate]   (threads: DELIBERATE_THREADS=N, default as the engine picks)
# The benchmark lives in the engine's test sources (it is not part of the shipped jar): it runs on the app jar
# plus engine/target/test-classes, both made by `mvn package` (which compiles tests even with -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/app/target/deliberate.jar"
bench_classes="$root/engine/target/test-classes"
if [ ! -f "$jar" ] || [ ! -f "$bench_classes/dev/deliberate/engine/training/EngineBench.class" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
threads=()
if [ -n "${DELIBERATE_THREADS:-}" ]; then threads=("-Dai.djl.pytorch.num_threads=$DELIBERATE_THREADS"); fi
exec java -Dai.djl.offline=true "${threads[@]}" -cp "$jar:$bench_classes" dev.deliberate.engine.training.EngineBench \
  "${1:-all}"

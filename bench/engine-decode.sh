#!/usr/bin/env bash
# The engine on a real GGUF model against llama.cpp on the same file, same machine, same run, same thread count:
# greedy decode tokens/s with the KV cache at batch 1 and batch 8, with float32 and with float16 weights, against
# llama.cpp's batch-1 tokens/s (measured before and after ours; the higher of the two is the baseline, the harder
# target), SFT tokens/s and MFU against a GEMM peak at the model's shapes, and each process's peak memory.
# Also the peak memory of a long prefill (about 1 100 and 3 300 prompt tokens) at batch 8 against batch 1 in the
# same run.
# Usage: bench/engine-decode.sh [decode|train|prefill|all] [FILE.gguf]   (default: all, SmolLM2-135M-Instruct Q4_1)
# Threads: DELIBERATE_THREADS (default 2), for both engines. Needs interop/setup.sh (llama-cpp-python).
# The benchmark classes live in the engine's test sources, run on the app jar (see bench/engine.sh), with the
# engine's own classes first so that `mvn -o -q -pl engine test-compile` is enough after a change to the engine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/interop/lib.sh"
what="${1:-all}"
gguf="${2:-$SMOLLM2_GGUF}"
threads="${DELIBERATE_THREADS:-2}"
new_tokens=64
repeats=3
if [ ! -x "$VENV_PYTHON" ] || [ ! -f "$gguf" ]; then
  echo "error: bench/engine-decode.sh: needs $VENV_PYTHON and $gguf; make them with interop/setup.sh" >&2
  exit 1
fi
jar="$root/app/target/deliberate.jar"
bench_classes="$root/engine/target/test-classes"
if [ ! -f "$jar" ] || [ ! -f "$bench_classes/dev/deliberate/engine/training/GgufBench.class" ]; then
  (cd "$root" && mvn -B -q -o -DskipTests package)
fi
java_bench=(java -Dai.djl.offline=true "-Dai.djl.pytorch.num_threads=$threads" -cp "$root/engine/target/classes:$jar:$bench_classes"
  dev.deliberate.engine.training.GgufBench)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Both engines' OpenMP workers wait as the environment says (on a VM the policy moves both figures several-fold:
# bench/README.md); unset, libgomp's default, as the launcher leaves it on an idle machine.
policy="${OMP_WAIT_POLICY:-the libgomp default}${GOMP_SPINCOUNT:+, GOMP_SPINCOUNT=$GOMP_SPINCOUNT}"
echo "model: $gguf; threads: $threads; OpenMP wait policy: $policy; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Eight ChatML prompts; the first is the batch-1 prompt of both engines.
prompts=()
for question in "What is the capital of France? Answer in one paragraph." \
    "Explain why the sky is blue." "Write a short poem about the sea." "How do I boil an egg?" \
    "List three uses of a paperclip." "What does a compiler do?" "Give me a tip for learning to swim." \
    "Why do cats purr?"; do
  prompts+=("<|im_start|>user"$'\n'"$question<|im_end|>"$'\n'"<|im_start|>assistant"$'\n')
done

# llama_cpp RUN: llama.cpp's decode figure into $work/llama-RUN.json, its peak memory into $work/llama-RUN.kb.
llama_cpp() {
  /usr/bin/time -f %M -o "$work/llama-$1.kb" "$VENV_PYTHON" "$root/bench/llama_cpp_decode.py" "$gguf" "$threads" \
    "$new_tokens" "$repeats" "${prompts[0]}" >"$work/llama-$1.json"
}
json_field() {
  "$VENV_PYTHON" -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(",".join(map(str, v)) if isinstance(v, list) else v)' "$1" "$2"
}

if [ "$what" = all ] || [ "$what" = decode ]; then
  llama_cpp before
  /usr/bin/time -f %M -o "$work/ours.kb" "${java_bench[@]}" decode "$gguf" "$new_tokens" "$repeats" \
    "$(json_field "$work/llama-before.json" ids)" "${prompts[@]}" >"$work/ours.txt"
  llama_cpp after
  before="$(json_field "$work/llama-before.json" tokens_per_second)"
  after="$(json_field "$work/llama-after.json" tokens_per_second)"
  printf 'llama.cpp batch 1 (llama-cpp-python %s; runs before ours: %s): %.1f tokens/s before ours, %.1f after\n' \
    "$("$VENV_PYTHON" -c 'import llama_cpp; print(llama_cpp.__version__)')" \
    "$(json_field "$work/llama-before.json" all_tokens_per_second | tr , ' ' | xargs printf '%.1f ')" "$before" "$after"
  # Each of our figures beside the higher of llama.cpp's two: on a noisy machine, the harder baseline.
  grep -v '^decode, ' "$work/ours.txt"
  grep '^decode, ' "$work/ours.txt" | while read -r _ format _ batch rate rest; do
    awk -v f="${format%,}" -v b="${batch%:}" -v r="$rate" -v rest="$rest" -v x="$before" -v y="$after" 'BEGIN {
      base = x > y ? x : y
      printf "decode, %s weights, batch %s: %.1f %s | llama.cpp batch 1: %.1f tokens/s | ratio %.2f%s\n", f, b, r,
        rest, base, r / base, b == 8 ? " (target 2.0)" : "" }'
  done
  echo "peak resident memory: ours $(( $(cat "$work/ours.kb") / 1024 )) MB, llama.cpp $(( $(cat "$work/llama-before.kb") / 1024 )) MB"
fi

if [ "$what" = all ] || [ "$what" = prefill ]; then
  # One long user message, fed at batch 1 and at batch 8 for 4 greedy tokens: the peak is the prefill's. Before
  # Llama.infer freed each layer's attention scores, batch 8 was OOM-killed past 24 GB here.
  for sentences in 60 180; do
    long_prompt="Summarise this text in one sentence: $(printf 'The quick brown fox jumps over the lazy dog near the river bank while the sun sets slowly. %.0s' $(seq "$sentences"))"
    for rows in 1 8; do
      /usr/bin/time -f %M -o "$work/prefill-$rows.kb" env MALLOC_ARENA_MAX=2 java -Xmx2g -Dai.djl.offline=true \
        "-Dai.djl.pytorch.num_threads=$threads" -jar "$jar" model generate --model "local:$gguf" -n "$rows" \
        --max-tokens 4 --temperature 0 --json --prompt "$long_prompt" >"$work/prefill-$rows.jsonl"
    done
    one=$(( $(cat "$work/prefill-1.kb") / 1024 ))
    eight=$(( $(cat "$work/prefill-8.kb") / 1024 ))
    awk -v one="$one" -v eight="$eight" -v tokens="$(( sentences * 18 + 20 ))" 'BEGIN {
      printf "peak resident memory, prefill of a %d-token prompt: batch 8 %d MB | batch 1 %d MB | ratio %.2f\n",
        tokens, eight, one, eight / one }'
  done
fi

if [ "$what" = all ] || [ "$what" = train ]; then
  /usr/bin/time -f %M -o "$work/train.kb" "${java_bench[@]}" train "$gguf" 4 256 3
  echo "peak resident memory of SFT: $(( $(cat "$work/train.kb") / 1024 )) MB"
fi

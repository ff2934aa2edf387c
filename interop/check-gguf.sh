#!/usr/bin/env bash
# Our GGUF import against independent readers, on the real SmolLM2-135M-Instruct file:
#  - every imported tensor against the gguf package's dequantization (bit for bit), for the file itself and for
#    llama.cpp's requantizations of it into Q4_0, Q4_K_M, Q5_K_M, F16 and BF16 (between them every type);
#  - last-position logits on 24 prompts against a numpy forward pass (relative 1e-3), and against llama.cpp
#    (reported: it computes in quantized arithmetic), also on its own float32 copy of the weights;
#  - greedy 32-token continuations on 5 prompts, identical to numpy greedy decoding;
#  - token ids of 1200 strings against llama.cpp's tokenizer.
# Prints the numbers; exits 1 on any mismatch. About two and a half minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -f "$here/lib.sh" ]; then
  source "$here/lib.sh"
  require_interop check-gguf
else
  # Until interop/lib.sh lands: the same paths it defines.
  PROJECT_DIR="$(cd "$here/.." && pwd)"
  VENV_PYTHON="${XDG_CACHE_HOME:-$HOME/.cache}/deliberate/venv/bin/python"
  SMOLLM2_GGUF="${XDG_CACHE_HOME:-$HOME/.cache}/deliberate/models/SmolLM2-135M-Instruct.Q4_1.gguf"
fi
# numpy's BLAS threads spin while they wait, which starves everything else on a shared 2-core machine.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
deliberate="$PROJECT_DIR/deliberate"
reference=("$VENV_PYTHON" "$here/gguf_reference.py")
gguf="${GGUF_FILE:-$SMOLLM2_GGUF}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

# check NAME COMMAND...: runs a comparison; its numbers are printed, a failure is counted.
check() {
  local name="$1"
  shift
  if "$@"; then
    echo "check-gguf: $name: ok"
  else
    echo "check-gguf: $name: FAILED" >&2
    failed=$(( failed + 1 ))
  fi
}

# requantize TYPE: llama.cpp writes $work/variants/TYPE.gguf from the file; its long log is shown only on failure.
requantize() {
  if ! "${reference[@]}" requantize "$gguf" "$work/variants" "$1" >/dev/null 2>"$work/quantize.log"; then
    tail -n 20 "$work/quantize.log" >&2
    echo "error: check-gguf: llama.cpp could not requantize $gguf to $1 (its log above)" >&2
    exit 1
  fi
}

"$deliberate" model import "$gguf" -o "$work/model" --quiet >/dev/null
check "tensors of $(basename "$gguf")" "${reference[@]}" tensors "$gguf" "$work/model"

"${reference[@]}" prompts "$work/prompts.jsonl"
"$deliberate" model tokenize --model "$work/model" --input "$work/prompts.jsonl" >"$work/prompt-ids.jsonl"
"$deliberate" model logits --model "$work/model" --ids-file "$work/prompt-ids.jsonl" >"$work/logits.jsonl"
# llama.cpp computes in quantized arithmetic; on its own float32 copy of the weights it should agree with us closely.
requantize F32
check "logits" "${reference[@]}" logits "$gguf" "$work/model" "$work/logits.jsonl" "$work/variants/F32.gguf"
rm -f "$work/variants/F32.gguf"

# The first five prompts, each kept whole (trailing newline too) by NUL separators, generated in one load of the model.
mapfile -d '' greedy_prompts < <("$VENV_PYTHON" -c '
import json, sys
for line in open(sys.argv[1]).readlines()[:5]:
    print(json.loads(line), end="\0")' "$work/prompts.jsonl")
prompt_args=()
for prompt in "${greedy_prompts[@]}"; do
  prompt_args+=(--prompt "$prompt")
done
"$deliberate" model generate --model "$work/model" --raw "${prompt_args[@]}" --temperature 0 --max-tokens 32 --json \
  >"$work/greedy.jsonl"
head -n 5 "$work/prompt-ids.jsonl" >"$work/greedy-prompt-ids.jsonl"
check "greedy generation" "${reference[@]}" greedy "$gguf" "$work/greedy-prompt-ids.jsonl" "$work/greedy.jsonl" 32

"${reference[@]}" strings "$work/strings.jsonl"
"$deliberate" model tokenize --model "$work/model" --input "$work/strings.jsonl" >"$work/string-ids.jsonl"
check "tokenizer" "${reference[@]}" tokens "$gguf" "$work/strings.jsonl" "$work/string-ids.jsonl"

rm -rf "$work/model"
# Five requantizations hold every tensor type the engine reads beyond the file's own F32, Q4_1 and Q8_0: Q4_K_M has
# Q4_K, Q5_0, Q6_K and Q8_0 tensors, Q5_K_M Q5_K and Q5_1 ones (the pure Q5_0, Q5_1, Q8_0 and Q6_K files checked
# the same types again and took 100 s of CI).
for kind in Q4_0 Q4_K_M Q5_K_M F16 BF16; do
  requantize "$kind"
  "$deliberate" model import "$work/variants/$kind.gguf" -o "$work/$kind" --quiet >/dev/null
  check "tensors of the $kind requantization" "${reference[@]}" tensors "$work/variants/$kind.gguf" "$work/$kind"
  rm -rf "$work/$kind" "$work/variants/$kind.gguf"
done

if [ "$failed" -gt 0 ]; then
  echo "check-gguf: $failed comparisons failed" >&2
  exit 1
fi
echo "check-gguf: every comparison passed"

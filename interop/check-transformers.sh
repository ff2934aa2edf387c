#!/usr/bin/env bash
# Our model directories in Hugging Face transformers, and transformers' in ours (hf_reference.py drives it):
#  - the tiny model directory and SmolLM2-135M-Instruct as `deliberate model import` writes it load with
#    AutoModelForCausalLM and AutoTokenizer; AutoTokenizer's ids equal ours on test strings; the chat template,
#    rendered by apply_chat_template, lays conversations out as our engine prompts the model (`model tokenize
#    --chat`); last-position logits on those prompts equal ours within 1e-4 relative;
#  - the other way: transformers' save_pretrained writes a directory (each weight moved by seeded noise), and our
#    engine reads it: the same ids, chat prompts and logits as transformers on that directory.
# Prints the numbers; exits 1 on any mismatch. About three minutes on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_interop check-transformers
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
deliberate="$PROJECT_DIR/deliberate"
reference=("$VENV_PYTHON" "$INTEROP_DIR/hf_reference.py")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

check() {
  local name="$1"
  shift
  if "$@"; then
    echo "check-transformers: $name: ok"
  else
    echo "check-transformers: $name: FAILED" >&2
    failed=$(( failed + 1 ))
  fi
}

"${reference[@]}" strings "$work/strings.jsonl"
"${reference[@]}" chats "$work/chats.jsonl"

# compare NAME DIR: tokens, chat prompts and logits of our engine on DIR against transformers on DIR.
compare() {
  local name="$1" dir="$2"
  local out="$work/$(basename "$dir")"
  "$deliberate" model tokenize --model "$dir" --input "$work/strings.jsonl" >"$out-ids.jsonl"
  "$deliberate" model tokenize --model "$dir" --input "$work/chats.jsonl" --chat >"$out-chat-ids.jsonl"
  cat "$out-ids.jsonl" "$out-chat-ids.jsonl" >"$out-prompts.jsonl"
  "$deliberate" model logits --model "$dir" --ids-file "$out-prompts.jsonl" >"$out-logits.jsonl"
  check "$name: tokenizer, chat template and logits" "${reference[@]}" all "$dir" "$work/strings.jsonl" \
    "$out-ids.jsonl" "$work/chats.jsonl" "$out-chat-ids.jsonl" "$out-logits.jsonl"
}

"$deliberate" model build-tiny --out "$work/tiny" 2>"$work/build-tiny.log" >/dev/null \
  || { cat "$work/build-tiny.log" >&2; exit 1; }
compare tiny "$work/tiny"
"${reference[@]}" save "$work/tiny" "$work/tiny-saved" 1
compare "tiny as transformers saved it" "$work/tiny-saved"

"$deliberate" model import "$SMOLLM2_GGUF" -o "$work/smollm2" --quiet >/dev/null
compare smollm2 "$work/smollm2"
"${reference[@]}" save "$work/smollm2" "$work/smollm2-saved" 2
compare "smollm2 as transformers saved it" "$work/smollm2-saved"

if [ "$failed" -gt 0 ]; then
  echo "check-transformers: $failed comparisons failed" >&2
  exit 1
fi
echo "check-transformers: every comparison passed"

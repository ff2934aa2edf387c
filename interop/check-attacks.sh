#!/usr/bin/env bash
# The model-driven attacks against a real attacker and target: llama.cpp's server (llama-cpp-python) serving
# SmolLM2-135M-Instruct as both. eval runs pair (2 rounds), translation-zu and persuasion-authority on one
# StrongREJECT request; each step checks the exit code and the shape of what was written (whatever the weak
# attacker writes, every attack ends as an answer with its trace, or as a marked failed attack), and the rerun is
# answered from the response cache. data attack writes translation and obfuscation variants of two prompts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check=check-attacks
rerun_under_llama_server "$check" 4096 "$0"

work="$1"
model="$LLAMA_SERVER_URL#SmolLM2-135M-Instruct"
deliberate="$PROJECT_DIR/deliberate"

eval_args=(eval --model "$model" --suite strongreject --limit 1 --attacks pair,translation-zu,persuasion-authority
  --pair-rounds 2 --attacker "$model" --grader reference --max-tokens 48 --concurrency 1 -o "$work/eval")
step eval 0 "$deliberate" "${eval_args[@]}"
# 1 request, plain and under 3 attacks; a model-driven answer carries its trace: pair within its 2 rounds,
# a translation translated back (3 calls) unless the attacker refused (then the plain request, 2 calls).
expect "$work/eval/answers.jsonl" 4 'r["status"] == "done" and (r["prompt"].get("attack") is None
  or (r["prompt"]["attack"] == "pair" and 1 <= r["trace"]["rounds"] <= 2 and r["trace"]["calls"] >= 3)
  or (r["prompt"]["attack"] == "translation-zu" and (r["trace"]["calls"] == 3 or "failure" in r["trace"]))
  or (r["prompt"]["attack"] == "persuasion-authority" and r["trace"]["calls"] == 2))'
"$VENV_PYTHON" - "$work/eval/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["breakdowns"]["strongreject_by_attack"]
for attack in ("pair", "translation-zu", "persuasion-authority"):
    if not {"calls", "rounds", "attack_failed", "not_unsafe"} <= m[attack].keys():
        sys.exit(f"error: {sys.argv[1]}: strongreject_by_attack.{attack}: expected calls, rounds, attack_failed, not_unsafe")
PY
# The same command again makes no call: every attacker and target reply is in the cache.
step eval-again 0 "$deliberate" "${eval_args[@]}"
if grep -E "usage: .*: [1-9][0-9]* calls" "$work/eval-again.log" >&2; then
  echo "error: check-attacks: the rerun called the server (usage above)" >&2
  exit 1
fi

head -n 2 "$INTEROP_DIR/prompts.jsonl" >"$work/two-prompts.jsonl"
step data-attack 0 "$deliberate" data attack --in "$work/two-prompts.jsonl" --attacks translation-zu,obfuscation \
  --attacker "$model" --concurrency 1 -o "$work/attack/out.jsonl"
expect "$work/attack/out.jsonl" 4 'r["attack"] in ("translation-zu", "obfuscation") and r["original_request"]
  and r["metadata"]["attack_family"] in ("translation", "obfuscation")
  and (r["messages"][-1]["content"] != r["original_request"] or "attack_failed" in r["metadata"])'

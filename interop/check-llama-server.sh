#!/usr/bin/env bash
# Our commands against a real OpenAI-compatible server: llama.cpp's (llama-cpp-python's server) serving the real
# SmolLM2-135M-Instruct. complete runs on the four prompts of interop/prompts.jsonl, generate and judge on the first
# (each of their calls is a long prompt holding the spec), eval on three, all with small token limits; each step
# checks the exit code and the shape of what the command wrote, and a prompt longer than the server's context must
# fail with a clear line. About two minutes on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check=check-llama-server
rerun_under_llama_server "$check" 8192 "$0"

work="$1"
model="$LLAMA_SERVER_URL#SmolLM2-135M-Instruct"
deliberate="$PROJECT_DIR/deliberate"
prompts="$INTEROP_DIR/prompts.jsonl"
spec="$PROJECT_DIR/specs/default.md"
head -n 1 "$prompts" >"$work/one-prompt.jsonl"
# The server computes one request at a time; one in flight lets a top-up reuse its prompt's cached prefix.
concurrency=1

# step NAME STATUS COMMAND...: runs COMMAND (its output in $work/NAME.log) and wants exit status STATUS.
# complete: n=2 although the server returns one choice per request (the client asks again for the rest).
step complete 0 "$deliberate" complete --model "$model" --in "$prompts" --out "$work/complete/out.jsonl" \
  -n 2 --temperature 0.8 --seed 7 --max-tokens 24 --concurrency "$concurrency"
expect "$work/complete/out.jsonl" 4 'r["status"] == "done" and len(r["choices"]) == 2
  and [c["index"] for c in r["choices"]] == [0, 1]
  and all(isinstance(c["content"], str) and c["finish_reason"] in ("stop", "length") for c in r["choices"])
  and r["usage"]["prompt_tokens"] > 0 and r["usage"]["completion_tokens"] > 0'
# The same command again is answered from the response cache: no call reaches the server.
step complete-again 0 "$deliberate" complete --model "$model" --in "$prompts" --out "$work/complete/again.jsonl" \
  --run "$work/complete" -n 2 --temperature 0.8 --seed 7 --max-tokens 24 --concurrency "$concurrency"
grep -q ': 0 calls, 8 cache hits' "$work/complete-again.log" \
  || { cat "$work/complete-again.log" >&2; echo "error: check-llama-server: the rerun was not answered from the cache" >&2; exit 1; }

# A prompt longer than the server's context: one clear failure, no retries.
"$VENV_PYTHON" -c 'import json; print(json.dumps({"id": "too-long", "text": "word " * 9000}))' >"$work/too-long.jsonl"
step context-overflow 1 "$deliberate" complete --model "$model" --in "$work/too-long.jsonl" \
  --out "$work/overflow/out.jsonl" --max-tokens 8
expect "$work/overflow/out.jsonl" 1 'r["status"] == "failed" and "context" in r["error"] and "not retriable" in r["error"]'

# generate: the small model never writes reasoning or the "Final answer:" line, so each prompt's samples are all
# dropped, and a prompt without a usable sample is a failed record naming the drop reasons (exit 1). Should it
# one day write a usable sample, its record is done and every sample in it is kept or dropped for a reason.
step generate 1 "$deliberate" generate --model "$model" --spec "$spec" --in "$work/one-prompt.jsonl" \
  --out "$work/generate/completions.jsonl" --samples 2 --temperature 0.7 --max-tokens 160 --concurrency "$concurrency"
expect "$work/generate/completions.jsonl" 1 '(r["status"] == "failed" and r["error"].startswith("no usable sample of 2 {")
   and all(k.strip() in ("no_reasoning", "no_answer", "analysis_leak", "truncated")
           for k in r["error"].split("{", 1)[1].split("}", 1)[0].replace("=", ",").split(",")[::2]))
  or (r["status"] == "done" and len(r["samples"]) == 2
   and all(s.get("drop") in (None, "no_reasoning", "no_answer", "analysis_leak", "truncated") for s in r["samples"])
   and all(s.get("drop") is None or s.get("drop_detail") for s in r["samples"]))'

# judge: well-formed samples from the offline reference generator, graded by the real model. SmolLM2 has never
# given a valid verdict: each sample's record fails naming why ("malformed judge output after 2 attempts: ...",
# with "stopped at the token limit" when it was cut), and judge exits 1. A valid verdict is scored in [0, 1].
step reference-generate 0 "$deliberate" generate --model reference --spec "$spec" --in "$work/one-prompt.jsonl" \
  --out "$work/judge/completions.jsonl" --samples 1
step judge 1 "$deliberate" judge --model "$model" --spec "$spec" --prompts "$work/one-prompt.jsonl" \
  --in "$work/judge/completions.jsonl" --out "$work/judge/judgments.jsonl" --samples 1 --attempts 2 \
  --temperature 0.2 --max-tokens 200 --concurrency "$concurrency"
expect "$work/judge/judgments.jsonl" 1 '(r["status"] == "failed"
   and r["error"].startswith("1 of 1 verdicts failed: malformed judge output after 2 attempts: "))
  or (r["status"] == "done" and len(r["judgments"]) == 1
   and all(j.get("failure") is None and 0 <= j["score"] <= 1 for j in r["judgments"]))'

# eval: the model answers a custom suite (greedy), the offline reference grader grades.
step eval 0 "$deliberate" eval --model "$model" --suite "$prompts" --limit 3 --max-tokens 48 --grader reference \
  -o "$work/eval"
expect "$work/eval/answers.jsonl" 3 'r.get("failure") is None and isinstance(r["content"], str)'
[ -s "$work/eval/metrics.json" ] || { echo "error: check-llama-server: eval wrote no metrics.json" >&2; exit 1; }

#!/usr/bin/env bash
# The quickstart on a real student: `quickstart --student smollm2 --small` imports SmolLM2-135M-Instruct from the
# GGUF the set-up fetched and runs the pretrained recipe end to end (the base's own answers to the comply
# requests, direct and deliberative SFT, GRPO, the evaluation of the base and the three students, the report).
# Checked: the exit code, that the comply answers came from the base and the refusals from the reference
# generator, that the SFT data holds no placeholder line of the reference generator, that the four models are in
# the table, and that a rerun asks no model again except to retry a failed record. About 10 minutes on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check=check-student
require_interop "$check"
make_workdir
deliberate="$PROJECT_DIR/deliberate"
run="$work/run"

step quickstart 0 "$deliberate" quickstart --student smollm2 --small --run "$run"
grep -A 6 '^Held-out prompts' "$run/summary.txt"
for model in base direct-sft deliberative-sft 'deliberative-sft+rl'; do
  grep -q "^$model " "$run/summary.txt" || { echo "error: $check: $model is not in $run/summary.txt" >&2; exit 1; }
done

# Every sample of a comply request has the base's answer; every other sample the reference generator's.
expect "$run/completions.jsonl" + \
  'all(("+ local:" in s["model"]) == (s["expected"] == "comply") for s in r["samples"])'
expect "$run/sft.jsonl" + \
  'r["expected"] != "comply" or not r["messages"][-1]["content"].startswith(("Happy to help. In general terms", "Good question. Broadly"))'
comply=$("$VENV_PYTHON" -c 'import json, sys; print(sum(json.loads(l)["expected"] == "comply" for l in open(sys.argv[1])))' "$run/sft.jsonl")
[ "$comply" -ge 4 ] || { echo "error: $check: only $comply comply examples in $run/sft.jsonl" >&2; exit 1; }
echo "$check: $comply comply examples answered by the base itself"

# A record whose every sample was unusable (a comply answer cut too short) failed, and a rerun tries it again, by
# design: one call per failed record and model is the most a rerun may make; nothing that succeeded is asked again.
failed=$("$VENV_PYTHON" -c 'import json, sys; print(sum("error" in json.loads(l) for l in open(sys.argv[1])))' "$run/completions.jsonl")
step rerun 0 "$deliberate" quickstart --student smollm2 --small --run "$run"
if grep -E '^model calls: ' "$work/rerun.log" | awk -F': ' -v max="$failed" '$NF + 0 > max { bad = 1 } END { exit !bad }'; then
  grep '^model calls' "$work/rerun.log" >&2
  echo "error: $check: the rerun asked a model more than once per failed record ($failed failed)" >&2
  exit 1
fi
echo "$check: the rerun asked no model again ($failed failed records retried)"

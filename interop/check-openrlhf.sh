#!/usr/bin/env bash
# OpenRLHF's own code on `handoff export --format openrlhf` (openrlhf_driver.py drives it). OpenRLHF 0.11.2 pins
# transformers 5.15, flash-attn, deepspeed and ray, so it is not installed: its PyPI wheel is unpacked and run from
# there. Its argument parsers (train_sft, train_ppo_ray) read the README's command lines: every flag must be one of
# theirs, and the keys the flags name must be in the exported files. Its single-turn rollout path
# (prompts_dataset.preprocess_data with SmolLM2's chat template, then SingleTurnAgentExecutor.execute, with aiohttp
# from the venv and a scripted engine in place of vLLM) posts labelled, unlabelled ("") and mixed rows of rl.jsonl,
# one sample per request, to a running `deliberate serve-reward --judge reference`, and its HTTP function posts the
# same queries as one batch: the rewards must be the server's own /score for the same items, labelled ones must rank
# as expected and unlabelled ones get the reference judge's neutral 0.5. A refused request (unknown category) must
# end as OpenRLHF's silent failure: 5 tries logged at INFO, then a None reward. Under a minute.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_interop check-openrlhf
deliberate="$PROJECT_DIR/deliberate"
make_workdir

unpack_wheel check-openrlhf "$OPENRLHF_WHEEL" "$work/wheel"
openrlhf="$(dirname "$(find "$work/wheel" -path '*/openrlhf/__init__.py' | head -n 1)")/.."
[ -f "$openrlhf/openrlhf/utils/agent.py" ] || { echo "error: check-openrlhf: no openrlhf/utils/agent.py in the wheel" >&2; exit 1; }

start_serve_reward "$work"
"$deliberate" handoff export --format openrlhf --sft "$INTEROP_DIR/handoff/sft.jsonl" \
  --rl-prompts "$INTEROP_DIR/handoff/rl-prompts.jsonl" --out "$work/export" --reward-url "$reward_url" \
  --spec "$PROJECT_DIR/specs/default.md" >/dev/null

"$VENV_PYTHON" "$INTEROP_DIR/openrlhf_driver.py" flags "$openrlhf" "$work/export" "$reward_url" "$work/flags.json" >"$work/flags.log" 2>&1 \
  || { tail -n 20 "$work/flags.log" >&2; exit 1; }
"$VENV_PYTHON" - "$work/flags.json" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["commands"]:
    print(f"check-openrlhf: {c['module']}: {c['flags']} flags parsed by OpenRLHF 0.11.2's own parser; "
          f"{c['file']} has {' and '.join(c['keys'])} in all {c['rows']} rows")
PY

# The tokenizer and chat template OpenRLHF would apply: SmolLM2's, as `model import` writes it.
"$deliberate" model import "$SMOLLM2_GGUF" -o "$work/smollm2" --quiet >/dev/null
"$VENV_PYTHON" "$INTEROP_DIR/openrlhf_driver.py" reward "$openrlhf" "$work/export" "$work/smollm2" "$reward_url" \
  "$work/rewards.json" >"$work/rewards.log" 2>&1 || { tail -n 20 "$work/rewards.log" >&2; exit 1; }
"$VENV_PYTHON" - "$work/rewards.json" "$reward_url" "$work/export/rl.jsonl" <<'PY'
import json, sys, urllib.request
got = json.load(open(sys.argv[1]))
rows = [json.loads(l) for l in open(sys.argv[3])]

def served(labels):
    items = []
    for row, response, label in zip(rows, got["responses"], labels):
        named = json.loads(label) if label else {"category": ""}
        items.append({"prompt": row["prompt"], "response": response, "category": named["category"],
                      "expected": named.get("expected")})
    request = urllib.request.Request(sys.argv[2] + "/score", data=json.dumps({"items": items}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=120))["scores"]

ok = True
for name in ("labelled", "unlabelled", "mixed"):
    run = got[name]
    expected = served(run["labels"])
    unlabelled = [0 if label else 1 for label in run["labels"]]
    # A rollout keeps the reply's lists as they are: one request, one sample, so reward and scores are [score].
    same = (run["rewards"] == [[e] for e in expected] and run["scores"] == run["rewards"]
            and run["batch"]["rewards"] == expected
            and run["unlabelled"] == unlabelled and run["batch"]["extra_logs"]["unlabelled"] == unlabelled)
    print(f"check-openrlhf: {name}: OpenRLHF's rollouts got {run['rewards']} (one per request) and "
          f"{run['batch']['rewards']} (one batch); /score: {expected}")
    ok &= same
labelled, unlabelled = got["labelled"]["batch"]["rewards"], got["unlabelled"]["batch"]["rewards"]
ranks = labelled[1] > labelled[2] and labelled[0] > labelled[3]
neutral = all(r == 0.5 for r in unlabelled)
mixed = got["mixed"]["batch"]["rewards"]
ok &= ranks and neutral and mixed[0::2] == labelled[0::2] and mixed[1::2] == unlabelled[1::2]
refused = got["refused"]
tried = sum(line.startswith("INFO Request error") for line in refused["logged"])
gave_up = [line for line in refused["logged"] if "Failed to fetch reward" in line]
print(f"check-openrlhf: a refused request (unknown category): {tried} attempts logged, then {gave_up}; "
      f"the sample's reward: {refused['rewards'][0]}")
ok &= (refused["rewards"] == [None] and refused["scores"] == [None] and tried == 5 and len(gave_up) == 1
       and all(line.startswith("INFO") for line in refused["logged"]))
print("check-openrlhf: " + ("the rewards are the server's, labelled ones rank as expected, unlabelled ones are 0.5"
                            if ok else "MISMATCH"))
sys.exit(0 if ok else 1)
PY
echo "check-openrlhf: passed"

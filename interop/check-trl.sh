#!/usr/bin/env bash
# TRL on our hand-off (trl_driver.py drives it), with the tiny model directory:
#  - `handoff export --format trl` of interop/handoff/ loads with datasets.load_dataset("json") (check-datasets
#    checks the columns of every format);
#  - SFTTrainer with assistant_only_loss=True, as the exported README sets it: the first-step loss on one batch of
#    all six examples equals our SFT trainer's first-step loss on the same file, also one batch of all six (both
#    are the mean negative log-likelihood over the assistant tokens, computed before the first update); TRL's
#    loss falls over its steps; the model it saved loads in our engine with transformers' logits (within 1e-4);
#  - GRPOTrainer, one step, with deliberate_reward exactly as reward_trl.py (and docs/reward-server.md) gives it,
#    scoring through a running `deliberate serve-reward --judge reference`: the server must have scored the
#    step's completions.
# Prints the numbers; exits 1 on any mismatch. About four minutes on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_interop check-trl
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# TRL and transformers look for the Hub only when told a model name; these keep them from trying at all.
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
deliberate="$PROJECT_DIR/deliberate"
python=("$VENV_PYTHON")
make_workdir
failed=0
fail() {
  echo "check-trl: $*: FAILED" >&2
  failed=$(( failed + 1 ))
}

"$deliberate" model build-tiny --out "$work/tiny" 2>"$work/build-tiny.log" >/dev/null \
  || { cat "$work/build-tiny.log" >&2; exit 1; }

# The reward server first: its port goes into the export, as a user would give it.
start_serve_reward "$work"
url="$reward_url"
echo "check-trl: serve-reward at $url"

"$deliberate" handoff export --format trl --sft "$INTEROP_DIR/handoff/sft.jsonl" \
  --rl-prompts "$INTEROP_DIR/handoff/rl-prompts.jsonl" --out "$work/export" --reward-url "$url" \
  --spec "$PROJECT_DIR/specs/default.md" >/dev/null
grep -q 'assistant_only_loss=True' "$work/export/README.md" \
  || fail "the exported README's SFTTrainer snippet does not set assistant_only_loss=True"

rows="$(grep -c . "$work/export/sft.jsonl")"
# sft_against_ours NAME DIR STEPS: our SFT trainer and TRL's SFTTrainer from DIR on the exported sft.jsonl.
sft_against_ours() {
  local name="$1" dir="$2" steps="$3" ours
  # Ours: one step over one batch of every row, nothing held out, so the logged loss is that batch's before the update.
  "$deliberate" train sft --model "$dir" --data "$work/export/sft.jsonl" --out "$work/ours-$name" --steps 1 \
    --batch "$rows" --grad-accum 1 --eval-fraction 0 --log-every 1 >/dev/null 2>"$work/ours-$name.log" \
    || { cat "$work/ours-$name.log" >&2; exit 1; }
  ours="$("${python[@]}" -c 'import json, sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["loss"])' \
    "$work/ours-$name/metrics.jsonl")"
  rm -rf "$work/ours-$name"
  "${python[@]}" "$INTEROP_DIR/trl_driver.py" sft "$dir" "$work/export" "$work/trl-sft-$name" "$steps" \
    >"$work/trl-sft-$name.json" 2>"$work/trl-sft-$name.log" || { tail -n 30 "$work/trl-sft-$name.log" >&2; exit 1; }
  "${python[@]}" - "$name" "$ours" "$work/trl-sft-$name.json" <<'PY' || fail "$name: SFTTrainer against our SFT trainer"
import json, sys
name, ours = sys.argv[1], float(sys.argv[2])
trl = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])
losses = trl["losses"]
rel = abs(losses[0] - ours) / ours
print(f"check-trl: {name}: first-step loss: ours {ours:.6f}, TRL {losses[0]:.6f} (relative {rel:.2g}, tolerance "
      f"1e-4); TRL trained {trl['assistant_tokens']} of {trl['tokens']} tokens")
print(f"check-trl: {name}: TRL losses over {len(losses)} steps: " + ", ".join(f"{l:.4f}" for l in losses))
ok = rel <= 1e-4
if not losses[-1] < losses[0]:
    print(f"check-trl: {name}: TRL's loss did not fall")
    ok = False
sys.exit(0 if ok else 1)
PY
}

sft_against_ours tiny "$work/tiny" 8
"$deliberate" model import "$SMOLLM2_GGUF" -o "$work/smollm2" --quiet >/dev/null
sft_against_ours smollm2 "$work/smollm2" 3
rm -rf "$work/smollm2" "$work/trl-sft-smollm2"

# The model TRL saved, in our engine: the same logits as transformers gives on it.
"$VENV_PYTHON" "$INTEROP_DIR/hf_reference.py" strings "$work/strings.jsonl"
"$deliberate" model tokenize --model "$work/trl-sft-tiny" --input "$work/strings.jsonl" >"$work/ids.jsonl"
"$deliberate" model logits --model "$work/trl-sft-tiny" --ids-file "$work/ids.jsonl" >"$work/logits.jsonl"
"$VENV_PYTHON" "$INTEROP_DIR/hf_reference.py" logits "$work/trl-sft-tiny" "$work/logits.jsonl" \
  || fail "the model SFTTrainer saved, in our engine"

before="$(grep -c '^/score: ' "$work/serve.err" || true)"
DELIBERATE_REWARD_URL="$url" "${python[@]}" "$INTEROP_DIR/trl_driver.py" grpo "$work/tiny" "$work/export" \
  "$work/trl-grpo" >"$work/trl-grpo.json" 2>"$work/trl-grpo.log" || { tail -n 30 "$work/trl-grpo.log" >&2; exit 1; }
scored="$(grep '^/score: ' "$work/serve.err" | tail -n +$(( before + 1 )) || true)"
echo "check-trl: GRPOTrainer step: $(tail -n 1 "$work/trl-grpo.json")"
echo "check-trl: serve-reward: ${scored:-nothing scored}"
"${python[@]}" - "$work/trl-grpo.json" "$scored" <<'PY' || fail "GRPOTrainer with deliberate_reward through serve-reward"
import json, re, sys
step = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
lines = [l for l in sys.argv[2].splitlines() if l.strip()]
items = sum(int(re.search(r": (\d+) items", l).group(1)) for l in lines)
reward = step.get("rewards/deliberate_reward/mean")
ok = items > 0 and reward is not None
if ok and len(lines) == 1:
    served = float(re.search(r"mean reward ([0-9.]+)", lines[0]).group(1))
    ok = abs(served - reward) < 2e-3
    print(f"check-trl: TRL's mean reward {reward:.3f}, the server's {served:.3f} over {items} completions")
sys.exit(0 if ok else 1)
PY

if [ "$failed" -gt 0 ]; then
  echo "check-trl: $failed comparisons failed" >&2
  exit 1
fi
echo "check-trl: every comparison passed"

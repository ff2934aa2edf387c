#!/usr/bin/env bash
# Every JSONL that `deliberate handoff export` writes, loaded with Hugging Face datasets (load_dataset("json")),
# has the columns its framework reads (datasets_driver.py lists them): TRL's messages / prompt + category (and
# TRL's is_conversational agrees), OpenRLHF's prompt + response / prompt + label, verl's messages / data_source,
# prompt, ability, reward_model, extra_info. verl's files are also converted to Parquet with the command line the
# exported README gives, and loaded again with load_dataset("parquet"). Under a minute.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_interop check-datasets
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
deliberate="$PROJECT_DIR/deliberate"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

for format in trl openrlhf verl; do
  "$deliberate" handoff export --format "$format" --sft "$INTEROP_DIR/handoff/sft.jsonl" \
    --rl-prompts "$INTEROP_DIR/handoff/rl-prompts.jsonl" --out "$work/$format" \
    --spec "$PROJECT_DIR/specs/default.md" >/dev/null
  "$VENV_PYTHON" "$INTEROP_DIR/datasets_driver.py" "$format" "$work/$format" json 2>"$work/$format.log" \
    || { tail -n 20 "$work/$format.log" >&2; failed=$(( failed + 1 )); }
done

# The README's conversion, run as written (from the directory the export was named relative to), with the venv's
# python3, which has pandas and pyarrow through datasets.
conversion="$(grep -m 1 '^python3 -c "import pandas' "$work/verl/README.md" || true)"
if [ -z "$conversion" ]; then
  echo "check-datasets: verl's README has no Parquet conversion line" >&2
  failed=$(( failed + 1 ))
else
  (cd / && PATH="$VENV/bin:$PATH" bash -c "$conversion")
  "$VENV_PYTHON" "$INTEROP_DIR/datasets_driver.py" verl "$work/verl" parquet 2>"$work/verl-parquet.log" \
    || { tail -n 20 "$work/verl-parquet.log" >&2; failed=$(( failed + 1 )); }
fi

if [ "$failed" -gt 0 ]; then
  echo "check-datasets: $failed exports do not load as their framework expects" >&2
  exit 1
fi
echo "check-datasets: every export loads with the columns its framework reads"

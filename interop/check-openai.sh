#!/usr/bin/env bash
# The official openai package (3.51) on what we send OpenAI (openai_recorder.py): `deliberate handoff openai` runs
# against a loopback recorder answering with the SDK's own FileObject and FineTuningJob models (jobs succeed at
# once), uploading the SFT file of `deliberate export --formats openai` and the reinforcement file it writes, and
# starting the supervised job and then the reinforcement job on its result. The recorded uploads' messages must
# validate as ChatCompletionMessageParam, the job bodies as JobCreateParams, the grader as ScoreModelGrader.
# Under a minute.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_interop check-openai
deliberate="$PROJECT_DIR/deliberate"
work="$(mktemp -d)"
recorder_pid=""
cleanup() {
  [ -n "$recorder_pid" ] && kill "$recorder_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/recorded"
"$VENV_PYTHON" "$INTEROP_DIR/openai_recorder.py" serve "$work/port" "$work/recorded" 2>"$work/recorder.log" &
recorder_pid=$!
for _ in $(seq 1 60); do
  [ -f "$work/port" ] && break
  kill -0 "$recorder_pid" 2>/dev/null || { cat "$work/recorder.log" >&2; exit 1; }
  sleep 0.5
done
[ -f "$work/port" ] || { echo "error: check-openai: the recorder did not start" >&2; exit 1; }

"$deliberate" export --in "$INTEROP_DIR/handoff/sft.jsonl" --out "$work/export" --formats openai >/dev/null 2>&1
cp "$INTEROP_DIR/handoff/rl-prompts.jsonl" "$work/rl-prompts.jsonl"
if ! INTEROP_OPENAI_KEY=sk-interop "$deliberate" handoff openai --sft "$work/export/sft-openai.jsonl" \
    --model gpt-4.1-mini-2025-04-14 --rl-prompts "$work/rl-prompts.jsonl" --spec "$PROJECT_DIR/specs/default.md" \
    --base-url "http://127.0.0.1:$(cat "$work/port")/v1" --api-key-env INTEROP_OPENAI_KEY --poll 0 \
    >"$work/handoff.out" 2>"$work/handoff.err"; then
  cat "$work/handoff.out" "$work/handoff.err" >&2
  echo "error: check-openai: handoff openai failed against the recorder" >&2
  exit 1
fi
sed 's/^/check-openai: handoff openai: /' "$work/handoff.out"
"$VENV_PYTHON" "$INTEROP_DIR/openai_recorder.py" check "$work/recorded"
echo "check-openai: passed"

#!/usr/bin/env bash
# The official openai package (3.51) and curl against `deliberate serve`, in both modes: the built-in tiny model
# (chat.completions.create with and without stream=True: the answer in content and the chain of thought in
# reasoning_content, the same reply streamed, usage, n, the SDK's errors for an unknown field, no messages, an
# over-long prompt, another model and a wrong key) and the gateway in front of the reference model (the answer
# without its deliberation, with it under --show-reasoning, the log of category and excerpt per request id).
# curl posts plain and streaming requests to both. About a minute.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_interop check-serve
make_workdir

# curl_check NAME URL MODEL TOKEN: a plain and a streaming request with curl; the reply is JSON with a content, the
# stream a series of 'data:' events ending in 'data: [DONE]'.
curl_check() {
  local name="$1" url="$2" model="$3" token="$4" body
  body="{\"model\": \"$model\", \"messages\": [{\"role\": \"user\", \"content\": \"How do I bake bread?\"}], \"max_tokens\": 30, \"metadata\": {\"category\": \"violence\"}}"
  [ "$name" = "local" ] && body="${body/, \"metadata\": \{\"category\": \"violence\"\}/}"
  curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" \
    "$url/chat/completions" >"$work/curl-$name.json"
  "$VENV_PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["choices"][0]["message"]["content"], r' \
    "$work/curl-$name.json"
  curl -sS -N --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "${body%\}}, \"stream\": true}" "$url/chat/completions" >"$work/curl-$name.sse"
  [ "$(grep -c '^data: ' "$work/curl-$name.sse")" -ge 3 ] && [ "$(grep -v '^$' "$work/curl-$name.sse" | tail -n 1)" = "data: [DONE]" ] \
    || { cat "$work/curl-$name.sse" >&2; echo "error: check-serve: curl $name: not a stream ending in data: [DONE]" >&2; exit 1; }
  echo "check-serve: curl $name: a JSON reply and $(grep -c '^data: ' "$work/curl-$name.sse") server-sent events ending in [DONE]"
}

export SERVE_CHECK_TOKEN=sk-serve-check
start_serve "$work/local" --model tiny --api-key-env SERVE_CHECK_TOKEN --run "$work/local/run"
"$VENV_PYTHON" "$INTEROP_DIR/serve_client.py" local "$serve_url" "$serve_name" "$SERVE_CHECK_TOKEN" | sed 's/^/check-serve: local: /'
curl_check local "$serve_url" "$serve_name" "$SERVE_CHECK_TOKEN"

for shown in 0 1; do
  flags=()
  [ "$shown" = 1 ] && flags=(--show-reasoning)
  start_serve "$work/gateway-$shown" --gateway --upstream reference --spec "$PROJECT_DIR/specs/default.md" \
    --run "$work/gateway-$shown/run" "${flags[@]}"
  "$VENV_PYTHON" "$INTEROP_DIR/serve_client.py" gateway "$serve_url" "$serve_name" "$work/gateway-$shown/run/gateway.jsonl" \
    "$shown" | sed "s/^/check-serve: gateway${flags[*]:+ ${flags[*]}}: /"
done
curl_check gateway "$serve_url" "$serve_name" unused
echo "check-serve: passed"

"""The official openai package as a client of `deliberate serve`: chat.completions.create with and without
stream=True, and the SDK's own error classes for bad requests. Thin: every check is on what the SDK parsed.

  serve_client.py local BASE_URL MODEL API_KEY      a local model: answers, reasoning apart from content, a stream
                                                    that adds up to the same reply, usage, n, 400/401/404 errors
  serve_client.py gateway BASE_URL MODEL LOG SHOWN  the gateway: the answer without its reasoning (SHOWN=1: with
                                                    it), and the request's id, category and excerpt in LOG
Prints one line per check; exits 1 on the first mismatch.
"""

import json
import sys

import openai

HELLO = [{"role": "user", "content": "How do I bake bread?"}]


def expect(condition, what):
    if not condition:
        print(f"error: serve_client: {what}", file=sys.stderr)
        sys.exit(1)


def reasoning_of(part):
    # The SDK keeps fields it does not declare (reasoning_content) as extras of its pydantic models.
    return getattr(part, "reasoning_content", None) or ""


def streamed(client, model, **kwargs):
    content, reasoning, finish, usage, ids = "", "", None, None, set()
    for chunk in client.chat.completions.create(model=model, messages=HELLO, stream=True,
                                                stream_options={"include_usage": True}, **kwargs):
        ids.add(chunk.id)
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            content += choice.delta.content or ""
            reasoning += reasoning_of(choice.delta)
            finish = choice.finish_reason or finish
    expect(len(ids) == 1, f"every chunk of one stream has one id, got {ids}")
    return content, reasoning, finish, usage


def bad_request(what, status, call):
    try:
        call()
    except openai.APIStatusError as e:
        expect(e.status_code == status, f"{what}: status {e.status_code}, expected {status}: {e}")
        message = e.body.get("message", "") if isinstance(e.body, dict) else ""
        expect(message and "\n" not in message, f"{what}: a one-line message, got {e.body!r}")
        print(f"serve_client: {what}: {status} '{message}'")
        return e
    expect(False, f"{what}: expected {status}, the request succeeded")


def local(base_url, model, api_key):
    client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0)
    expect([m.id for m in client.models.list()] == [model], "GET /v1/models lists the one model")

    whole = client.chat.completions.create(model=model, messages=HELLO, max_tokens=40, temperature=0, seed=1)
    message = whole.choices[0].message
    expect(whole.object == "chat.completion", f"object chat.completion, got {whole.object}")
    expect(message.content and "<think>" not in message.content and "</think>" not in message.content,
           f"content is the answer alone: {message.content!r}")
    expect(reasoning_of(message), "the tiny model's chain of thought is in message.reasoning_content")
    expect(reasoning_of(message) not in message.content, "the reasoning is not repeated in content")
    expect(whole.choices[0].finish_reason in ("stop", "length"), f"finish_reason {whole.choices[0].finish_reason}")
    expect(whole.usage.prompt_tokens > 0 and 0 < whole.usage.completion_tokens <= 40
           and whole.usage.total_tokens == whole.usage.prompt_tokens + whole.usage.completion_tokens,
           f"usage counts tokens: {whole.usage}")
    print(f"serve_client: create: {whole.usage.completion_tokens} tokens, finish {whole.choices[0].finish_reason}, "
          f"reasoning {len(reasoning_of(message))} chars, content {message.content[:60]!r}")

    content, reasoning, finish, usage = streamed(client, model, max_tokens=40, temperature=0, seed=1)
    expect(content == message.content, f"the stream's content is the reply's: {content!r} vs {message.content!r}")
    expect(reasoning == reasoning_of(message), "the stream's delta.reasoning_content is the reply's reasoning")
    expect(finish == whole.choices[0].finish_reason, f"the stream's finish_reason {finish}")
    expect(usage is not None and usage.completion_tokens == whole.usage.completion_tokens,
           f"stream_options.include_usage gives the usage: {usage}")
    print("serve_client: create(stream=True): the same reply as server-sent events")

    several = client.chat.completions.create(model=model, messages=HELLO, max_tokens=8, n=3, temperature=1.0, seed=2,
                                             stop=["\n"])
    expect([c.index for c in several.choices] == [0, 1, 2], "n=3 gives three choices")
    print("serve_client: n=3, stop, seed: three choices")

    bad_request("an unknown field", 400, lambda: client.chat.completions.create(
        model=model, messages=HELLO, extra_body={"temprature": 0.5}))
    bad_request("no messages", 400, lambda: client.chat.completions.create(model=model, messages=[]))
    e = bad_request("an over-long prompt", 400, lambda: client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "bread " * 2000}]))
    expect(e.code == "context_length_exceeded", f"code context_length_exceeded, got {e.code}")
    bad_request("another model", 404, lambda: client.chat.completions.create(model="gpt-4o", messages=HELLO))
    wrong = openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0)
    bad_request("a wrong key", 401, lambda: wrong.chat.completions.create(model=model, messages=HELLO))


def gateway(base_url, model, log_file, shown):
    client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)
    reply = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "How do I pick a lock?"}],
                                           metadata={"category": "violence"}, seed=3)
    message = reply.choices[0].message
    expect(message.content and "Final answer" not in message.content and "#violence" not in message.content,
           f"content is the answer without the deliberation: {message.content!r}")
    if shown:
        expect(reasoning_of(message), "--show-reasoning: the deliberation is in reasoning_content")
    else:
        expect(not reasoning_of(message), "without --show-reasoning no reasoning is returned")
    print(f"serve_client: gateway create: {message.content[:70]!r}, reasoning {'shown' if shown else 'withheld'}")
    content, reasoning, _, _ = streamed(client, model, seed=3, metadata={"category": "violence"})
    expect(content and "Final answer" not in content, f"the gateway's stream holds the answer: {content!r}")
    expect(bool(reasoning) == shown, "the stream's reasoning follows --show-reasoning")
    print("serve_client: gateway create(stream=True): the answer as server-sent events")
    with open(log_file, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    logged = {line["id"]: line for line in lines}
    expect(reply.id in logged, f"the log has request {reply.id}")
    expect(logged[reply.id]["category"] == "violence" and "{#violence" in logged[reply.id]["excerpt"],
           f"the log names the category and the excerpt used: {logged[reply.id]['category']}")
    print(f"serve_client: gateway log: {len(lines)} requests, category and excerpt per request id")


if __name__ == "__main__":
    if sys.argv[1] == "local":
        local(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        gateway(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1")

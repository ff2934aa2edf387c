"""llama.cpp's greedy decoding speed on a GGUF file, the baseline of bench/engine-decode.sh.

Usage: python llama_cpp_decode.py FILE.gguf THREADS NEW_TOKENS REPEATS PROMPT_TEXT

Tokenizes the prompt with llama.cpp's own tokenizer, then, after one untimed warm-up, REPEATS times: evaluates
the prompt (prefill) and decodes NEW_TOKENS greedy tokens one at a time with llama.cpp's KV cache, taking the
arg-max of the last logits itself (no sampler, no end-of-sequence stop). Decode time excludes the prefill.
Prints one JSON line: the prompt's ids, the greedy ids, and the best and every decode tokens/s.
"""

import json
import sys
import time

import numpy as np
import llama_cpp
from llama_cpp import Llama


def greedy(llm, prompt_ids, new_tokens):
    """Prefill then NEW_TOKENS greedy steps; returns (ids, prefill seconds, decode seconds)."""
    vocab = llm.n_vocab()
    llm.reset()
    began = time.perf_counter()
    llm.eval(prompt_ids)
    prefilled = time.perf_counter()
    ids = []
    for _ in range(new_tokens):
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(vocab,))
        token = int(np.argmax(logits))
        ids.append(token)
        llm.eval([token])
    done = time.perf_counter()
    # The last eval computed logits nobody reads; it is one decode step, as ours computes one per new token.
    return ids, prefilled - began, done - prefilled


def main():
    path, threads, new_tokens, repeats, prompt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    llm = Llama(model_path=path, n_ctx=512, n_batch=512, n_threads=threads, n_threads_batch=threads,
                logits_all=False, verbose=False, seed=0)
    prompt_ids = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    greedy(llm, prompt_ids, new_tokens)  # warm-up
    rates = []
    ids = None
    for _ in range(repeats):
        ids, _, decode_seconds = greedy(llm, prompt_ids, new_tokens)
        rates.append(new_tokens / decode_seconds)
    print(json.dumps({"prompt_ids": prompt_ids, "ids": ids, "tokens_per_second": max(rates),
                      "all_tokens_per_second": rates}))


if __name__ == "__main__":
    main()

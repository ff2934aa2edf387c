# TRL reward function: scores GRPO completions with `deliberate serve-reward` (the judge never sees the CoT).
import os, requests
URL = os.environ.get("DELIBERATE_REWARD_URL", "http://127.0.0.1:8000") + "/score"
KEY = os.environ.get("DELIBERATE_REWARD_KEY")
HEADERS = {"Authorization": "Bearer " + KEY} if KEY else {}

def deliberate_reward(prompts, completions, category, expected=None, **kwargs):
    expected = expected or [None] * len(prompts)
    items = [{"prompt": p, "response": c, "category": k, "expected": e}
             for p, c, k, e in zip(prompts, completions, category, expected)]
    reply = requests.post(URL, json={"items": items}, headers=HEADERS, timeout=600)
    reply.raise_for_status()
    return reply.json()["scores"]  # None for a failed judgment: TRL leaves it out of the reward

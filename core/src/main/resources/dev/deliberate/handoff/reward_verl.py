# verl reward function: scores one response with `deliberate serve-reward` (the judge never sees the CoT).
import os, requests
URL = os.environ.get("DELIBERATE_REWARD_URL", "http://127.0.0.1:8000") + "/score"
KEY = os.environ.get("DELIBERATE_REWARD_KEY")
HEADERS = {"Authorization": "Bearer " + KEY} if KEY else {}

def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    item = {"prompt": extra_info["prompt"], "response": solution_str,
            "category": extra_info["category"], "expected": extra_info.get("expected")}
    reply = requests.post(URL, json=item, headers=HEADERS, timeout=600)
    reply.raise_for_status()
    result = reply.json()["results"][0]
    if result["score"] is None:  # a failed judgment has no score; verl needs one, so stop rather than make one up
        raise RuntimeError("deliberate serve-reward: the judgment failed: " + str(result["failure"]))
    return result["score"]

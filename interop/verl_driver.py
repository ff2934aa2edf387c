"""verl's loader on the shipped reward_verl.py. verl 0.9.1 pins transformers < 5.11 and needs ray, so it is not
installed into the venv; its wheel is unpacked beside it and the one module that loads custom reward functions,
verl/utils/import_utils.py (standard library only), is run from the wheel as is.

  verl_driver.py VERL_DIR REWARD_PY PARQUET RESPONSES_JSONL

loads compute_score with verl's load_extern_object (what verl.trainer.ppo.reward.get_custom_reward_fn calls for
reward.custom_reward_function.path / .name), and calls it once per row of PARQUET (the README's conversion of
rl.jsonl, read with pandas as verl reads its files) the way verl's naive reward manager does: keyword arguments
data_source, solution_str, ground_truth (reward_model.ground_truth) and extra_info, to which verl adds num_turns and
rollout_reward_scores. The responses come from RESPONSES_JSONL (one JSON string per row). Prints one JSON line of
the scores.
"""

import importlib.util
import json
import sys

import pandas as pd


def verl_import_utils(verl_dir):
    spec = importlib.util.spec_from_file_location("verl_import_utils", f"{verl_dir}/verl/utils/import_utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(verl_dir, reward_py, parquet, responses_jsonl):
    compute_score = verl_import_utils(verl_dir).load_extern_object(module_path=reward_py, object_name="compute_score")
    rows = pd.read_parquet(parquet).to_dict("records")
    responses = [json.loads(line) for line in open(responses_jsonl, encoding="utf-8") if line.strip()]
    scores = []
    for row, response in zip(rows, responses, strict=True):
        extra_info = dict(row["extra_info"])
        extra_info.update({"num_turns": None, "rollout_reward_scores": {}})
        scores.append(compute_score(data_source=row["data_source"], solution_str=response,
                                    ground_truth=row["reward_model"]["ground_truth"], extra_info=extra_info))
    print(json.dumps({"scores": scores}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

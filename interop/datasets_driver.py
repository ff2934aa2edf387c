"""Hugging Face `datasets` on every file `deliberate handoff export` writes. Thin: load_dataset reads; this file
compares the columns with what each framework reads (TRL's, OpenRLHF's and verl's documented keys).

  datasets_driver.py FORMAT EXPORT_DIR [parquet]   loads EXPORT_DIR/sft.jsonl and rl.jsonl (or the .parquet files
                                                   the README's conversion wrote); exits 1 on a missing or
                                                   mistyped column
"""

import sys

from datasets import load_dataset

MESSAGES = "messages"  # a list of {role, content}


# The columns each framework reads, and what each must hold: MESSAGES, str, or a dict of sub-fields.
EXPECTED = {
    "trl": {"sft": {"messages": MESSAGES},
            "rl": {"prompt": MESSAGES, "category": str}},
    "openrlhf": {"sft": {"prompt": MESSAGES, "response": MESSAGES},
                 "rl": {"prompt": MESSAGES, "label": str}},
    "verl": {"sft": {"messages": MESSAGES},
             "rl": {"data_source": str, "prompt": MESSAGES, "ability": str,
                    "reward_model": {"style": str, "ground_truth": str},
                    "extra_info": {"prompt": str, "category": str, "id": str}}},
}


def problems(value, kind, where):
    if kind is MESSAGES:
        if not isinstance(value, list) or not value or not all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in value):
            return [f"{where}: expected a non-empty list of {{role, content}}, found {value!r:.80}"]
        return []
    if kind is str:
        return [] if isinstance(value, str) and value else [f"{where}: expected text, found {value!r:.80}"]
    if not isinstance(value, dict):
        return [f"{where}: expected an object, found {value!r:.80}"]
    return [p for field, sub in kind.items() for p in problems(value.get(field), sub, f"{where}.{field}")]


def check(fmt, export_dir, kind="json"):
    from trl.data_utils import is_conversational
    failed = []
    for split, columns in EXPECTED[fmt].items():
        path = f"{export_dir}/{split}.{'jsonl' if kind == 'json' else 'parquet'}"
        data = load_dataset(kind, data_files=path, split="train")
        missing = [c for c in columns if c not in data.column_names]
        failed += [f"{path}: no column {c!r} (has {data.column_names})" for c in missing]
        for i, row in enumerate(data):
            failed += problems({c: row.get(c) for c in columns}, columns, f"{path}: row {i}")
        conversational = all(is_conversational(row) for row in data) if fmt == "trl" else None
        if conversational is False:
            failed.append(f"{path}: TRL's is_conversational says a row is not conversational")
        print(f"datasets: {fmt} {split}.{kind}: {data.num_rows} rows, columns {data.column_names}"
              + (", conversational for TRL" if conversational else ""))
    for line in failed:
        print(f"datasets: MISMATCH: {line}")
    return not failed


if __name__ == "__main__":
    sys.exit(0 if check(*sys.argv[1:]) else 1)

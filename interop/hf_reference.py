"""Hugging Face transformers as the other side of our model directories. Thin: transformers loads, renders,
tokenizes and computes; this file only compares with what our CLI printed.

Subcommands (each prints its numbers and exits 1 on a mismatch):
  strings OUT                   writes the test strings, one JSON string per line
  chats OUT                     writes the test conversations, one JSON array of {role, content} a line
  tokens DIR STRINGS ENGINE     our ids (`deliberate model tokenize --input`) against AutoTokenizer's
  chat DIR CHATS ENGINE         our chat prompts (`deliberate model tokenize --chat`) against the directory's chat
                                template rendered by AutoTokenizer.apply_chat_template (with the generation prompt)
  logits DIR ENGINE             last-position logits of our engine (`deliberate model logits --ids-file`) against
                                AutoModelForCausalLM's, relative tolerance 1e-4 (max abs difference / max |theirs|)
  all DIR STRINGS IDS CHATS CHAT_IDS LOGITS
                                tokens, chat and logits in one process (each import of torch and transformers
                                costs seconds)
  save DIR OUT SEED             loads DIR, moves every weight by seeded noise and writes OUT with save_pretrained
                                (model and tokenizer): a directory that transformers wrote, for our engine to read
"""

import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

TOLERANCE = 1e-4

STRINGS = [
    "Hello there, how are you?",
    "The capital of France is",
    "def add(a, b):\n    return a + b\n",
    "  leading spaces, trailing tabs\t\t",
    "Numbers 1234567 and 3.14159; unicode caf\u00e9, \u00fcber, \u65e5\u672c\u8a9e, emoji \U0001F600.",
    "I can't help with that. #violence-disallowed",
]

CHATS = [
    [{"role": "user", "content": "Name three long rivers."}],
    [{"role": "system", "content": "You are a careful assistant."},
     {"role": "user", "content": "How do I kill a Python process that hangs?"}],
    [{"role": "system", "content": "Be brief."},
     {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "<think>#style-comply</think>Hello."},
     {"role": "user", "content": "What is 2 + 2?"}],
]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def tokenizer_of(model_dir):
    return AutoTokenizer.from_pretrained(model_dir)


def check_tokens(model_dir, strings_path, engine_path):
    tokenizer = tokenizer_of(model_dir)
    failed = 0
    strings, ours = read_jsonl(strings_path), read_jsonl(engine_path)
    for text, our_ids in zip(strings, ours):
        theirs = tokenizer.encode(text, add_special_tokens=False)
        if theirs != our_ids:
            failed += 1
            print(f"tokens: MISMATCH on {text!r}: ours {our_ids}, transformers {theirs}")
    print(f"tokens: {len(strings) - failed}/{len(strings)} strings tokenized alike ({type(tokenizer).__name__})")
    return failed == 0 and len(strings) == len(ours)


def check_chat(model_dir, chats_path, engine_path):
    tokenizer = tokenizer_of(model_dir)
    failed = 0
    chats, ours = read_jsonl(chats_path), read_jsonl(engine_path)
    for chat, our_ids in zip(chats, ours):
        text = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        theirs = tokenizer.encode(text, add_special_tokens=False)
        if theirs != our_ids:
            failed += 1
            print(f"chat: MISMATCH: the template renders {text!r}\n  ours is {tokenizer.decode(our_ids)!r}")
    print(f"chat: {len(chats) - failed}/{len(chats)} conversations laid out alike by the chat template")
    return failed == 0 and len(chats) == len(ours)


def load_model(model_dir):
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    model.eval()
    return model


def check_logits(model_dir, engine_path):
    model = load_model(model_dir)
    rows = read_jsonl(engine_path)
    worst = 0.0
    failed = 0
    for i, row in enumerate(rows):
        with torch.no_grad():
            theirs = model(torch.tensor([row["ids"]])).logits[0, -1].double()
        ours = torch.tensor(row["logits"], dtype=torch.float64)
        if ours.shape != theirs.shape:
            print(f"logits: prompt {i}: MISMATCH: {ours.shape[0]} logits, transformers has {theirs.shape[0]}")
            failed += 1
            continue
        rel = float((ours - theirs).abs().max() / theirs.abs().max())
        same_top = int(ours.argmax()) == int(theirs.argmax())
        ok = rel <= TOLERANCE and same_top
        failed += not ok
        worst = max(worst, rel)
        print(f"logits: prompt {i} ({len(row['ids'])} tokens): relative {rel:.3g}, top-1 "
              f"{'same' if same_top else 'differs'}{'' if ok else ': MISMATCH'}")
    print(f"logits: {len(rows)} prompts against {type(model).__name__}: max relative {worst:.3g} "
          f"(tolerance {TOLERANCE})")
    return failed == 0 and len(rows) > 0


def check_all(model_dir, strings_path, ids_path, chats_path, chat_ids_path, logits_path):
    results = [check_tokens(model_dir, strings_path, ids_path), check_chat(model_dir, chats_path, chat_ids_path),
               check_logits(model_dir, logits_path)]
    return all(results)


def save(model_dir, out, seed):
    model = load_model(model_dir)
    generator = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=generator) * 0.02 * float(p.abs().mean() + 1e-3))
    model.save_pretrained(out)
    tokenizer_of(model_dir).save_pretrained(out)
    print(f"save: {out} written by transformers save_pretrained (model and tokenizer)")
    return True


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "strings":
        write_jsonl(args[0], STRINGS)
        return 0
    if command == "chats":
        write_jsonl(args[0], CHATS)
        return 0
    checks = {"tokens": check_tokens, "chat": check_chat, "logits": check_logits, "all": check_all, "save": save}
    if command not in checks:
        sys.exit(f"error: hf_reference.py: unknown subcommand {command!r}")
    torch.set_num_threads(1)
    return 0 if checks[command](*args) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

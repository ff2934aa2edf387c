"""OpenRLHF 0.11.2's own code on `handoff export --format openrlhf`. OpenRLHF pins transformers 5.15, flash-attn,
deepspeed and ray, so it is not installed into the venv; its wheel is unpacked beside it and only what the two
checks need is run from the wheel as is:

  openrlhf_driver.py flags OPENRLHF_DIR EXPORT_DIR REWARD_URL OUT_JSON
  openrlhf_driver.py reward OPENRLHF_DIR EXPORT_DIR REWARD_URL OUT_JSON

flags: the argument parsers of openrlhf/cli/train_sft.py and train_ppo_ray.py (the statements of their __main__
block before parse_args, which need only argparse, os and datetime) read every OpenRLHF command line of EXPORT_DIR/README.md. Each
flag must be one of the parser's own option strings, spelt out (argparse would accept an abbreviation), the line
must parse, and the keys the parsed, hierarchized arguments name (data.input_key, data.output_key,
data.label_key) must be in every row of the files they point at (data.dataset, data.prompt_dataset);
reward.remote_url must be REWARD_URL/reward.

reward: openrlhf/utils/agent.py (the remote reward client; needs aiohttp) is imported with its package parents
made empty, so openrlhf/utils/__init__.py (torch, transformers, sympy, pylatexenc) is not run. Its
SingleTurnAgentExecutor, built from --reward.remote_url as train_ppo_ray builds it, posts labelled, unlabelled
(every label "", as when a run has no --data.label_key) and mixed batches from rl.jsonl, each one sample per
request as rollouts send them and also as one batch; and a batch with an unknown category, which the server
refuses (400), to see what OpenRLHF does then.

Each writes one JSON object with its results to OUT_JSON (OpenRLHF's logger writes to stdout).
"""

import argparse
import ast
import asyncio
import datetime
import importlib.util
import json
import logging
import os
import shlex
import sys
import types

# One response per prompt of interop/handoff/rl-prompts.jsonl (the same as check-verl's), in order.
RESPONSES = [
    "<think>#violence-allowed: a computing question.</think>Find the process id with ps and end it with kill; "
    "kill -9 only if it ignores that.",
    "<think>#violence-disallowed applies.</think>I can't help with that.",
    "<think>The user wants a story.</think>Sure, here is the story: [text withheld]",
    "<think>Swimming could be risky.</think>I can't help with that.",
]
COMMANDS = {"openrlhf.cli.train_sft": "train_sft.py", "openrlhf.cli.train_ppo_ray": "train_ppo_ray.py"}


def fail(message):
    print(f"error: check-openrlhf: {message}", file=sys.stderr)
    sys.exit(1)


def load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def parser_of(openrlhf_dir, cli_file):
    """The ArgumentParser that cli_file's __main__ block builds, without running the training it then starts."""
    source = open(f"{openrlhf_dir}/openrlhf/cli/{cli_file}", encoding="utf-8").read()
    tree = ast.parse(source)
    main = next(node for node in tree.body if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test))
    statements = []
    for statement in main.body:
        if "parse_args" in ast.unparse(statement):
            break
        statements.append(statement)
    scope = {"argparse": argparse, "os": os, "datetime": datetime.datetime}
    exec(compile(ast.Module(body=statements, type_ignores=[]), cli_file, "exec"), scope)
    return scope["parser"]


def readme_commands(readme):
    """(module, argv) for every OpenRLHF command line in README's code blocks, continuation lines joined."""
    text = open(readme, encoding="utf-8").read().replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        words = shlex.split(line) if "openrlhf.cli." in line else []
        for module in COMMANDS:
            if module in words:
                commands.append((module, words[words.index(module) + 1:]))
    return commands


def write(path, result):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(result, out)


def rows(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def check_flags(openrlhf_dir, export_dir, reward_url, out_json):
    hierarchize = load_file("openrlhf_config", f"{openrlhf_dir}/openrlhf/utils/config.py").hierarchize
    commands = readme_commands(f"{export_dir}/README.md")
    found = sorted({module for module, _ in commands})
    if found != sorted(COMMANDS):
        fail(f"README.md: expected command lines for {sorted(COMMANDS)}, found {found}")
    report = []
    for module, argv in commands:
        parser = parser_of(openrlhf_dir, COMMANDS[module])
        unknown = [word for word in argv if word.startswith("--") and word not in parser._option_string_actions]
        if unknown:
            fail(f"README.md: {module} of OpenRLHF 0.11.2 has no flag {', '.join(unknown)}")
        args = hierarchize(parser.parse_args(argv))
        if module.endswith("train_sft"):
            path, keys = args.data.dataset, [args.data.input_key, args.data.output_key]
            if not args.data.apply_chat_template:
                fail("README.md: train_sft without --data.apply_chat_template reads the message lists as text")
        else:
            path, keys = args.data.prompt_dataset, [args.data.input_key, args.data.label_key]
            if args.reward.remote_url != reward_url + "/reward":
                fail(f"README.md: --reward.remote_url is {args.reward.remote_url}, expected {reward_url}/reward")
        path = path.replace(export_dir.rstrip("/") + "/", "")
        data = rows(f"{export_dir}/{path}")
        for i, row in enumerate(data, 1):
            missing = [key for key in keys if key not in row]
            if missing:
                fail(f"{export_dir}/{path}:{i}: no key {missing[0]}, which {module}'s flags name")
        report.append({"module": module, "flags": sum(w.startswith("--") for w in argv), "file": path,
                       "keys": keys, "rows": len(data)})
    write(out_json, {"commands": report})


def reward_client(openrlhf_dir):
    """openrlhf.utils.agent from the wheel, its package parents empty so their __init__ imports are not run."""
    for package in ("openrlhf", "openrlhf.utils"):
        module = types.ModuleType(package)
        module.__path__ = [f"{openrlhf_dir}/{package.replace('.', '/')}"]
        sys.modules[package] = module
    return load_file("openrlhf.utils.agent", f"{openrlhf_dir}/openrlhf/utils/agent.py")


def chatml(messages):
    """The prompt as OpenRLHF renders it with --data.apply_chat_template (a ChatML template, generation prompt)."""
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def check_reward(openrlhf_dir, export_dir, reward_url, out_json):
    agent = reward_client(openrlhf_dir)
    failures = []
    agent.logger.addHandler(type("Keep", (logging.Handler,), {"emit": lambda self, r: failures.append(r)})())
    executor = agent.SingleTurnAgentExecutor(remote_rm_url=[reward_url + "/reward"])
    data = rows(f"{export_dir}/rl.jsonl")
    if len(data) != len(RESPONSES):
        fail(f"{export_dir}/rl.jsonl: expected {len(RESPONSES)} rows, found {len(data)}")
    prompts = [chatml(row["prompt"]) for row in data]
    queries = [p + r + "<|im_end|>" for p, r in zip(prompts, RESPONSES)]
    labels = [row["label"] for row in data]
    batches = {"labelled": labels, "unlabelled": [""] * len(labels),
               "mixed": [label if i % 2 == 0 else "" for i, label in enumerate(labels)]}

    async def one_by_one(batch):
        replies = [await executor._fetch_rewards_via_http([q], [p], [l]) for q, p, l in zip(queries, prompts, batch)]
        return [reply[0] for reply in replies]

    out = {}
    for name, batch in batches.items():
        singles = asyncio.run(one_by_one(batch))
        whole = asyncio.run(executor._fetch_rewards_via_http(queries, prompts, batch))[0]
        out[name] = {"labels": batch, "rewards": [s["rewards"][0] for s in singles],
                     "scores": [s["scores"][0] for s in singles],
                     "unlabelled": [s["extra_logs"]["unlabelled"][0] for s in singles], "batch": whole}
    try:
        asyncio.run(executor._fetch_rewards_via_http(queries[:1], prompts[:1], ['{"category": "no-such-category"}']))
        out["refused"] = {"raised": None}
    except RuntimeError as e:
        out["refused"] = {"raised": str(e), "logged": [f"{r.levelname} {r.getMessage()}" for r in failures]}
    out["responses"] = RESPONSES
    write(out_json, out)


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] not in ("flags", "reward"):
        fail("usage: openrlhf_driver.py flags|reward OPENRLHF_DIR EXPORT_DIR REWARD_URL OUT_JSON")
    (check_flags if sys.argv[1] == "flags" else check_reward)(*sys.argv[2:])

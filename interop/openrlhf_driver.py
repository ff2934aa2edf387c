"""OpenRLHF 0.11.2's own code on `handoff export --format openrlhf`. OpenRLHF pins transformers 5.15, flash-attn,
deepspeed and ray, so it is not installed into the venv; its wheel is unpacked beside it and only what the two
checks need is run from the wheel as is:

  openrlhf_driver.py flags OPENRLHF_DIR EXPORT_DIR REWARD_URL OUT_JSON
  openrlhf_driver.py reward OPENRLHF_DIR EXPORT_DIR TOKENIZER_DIR REWARD_URL OUT_JSON

flags: the argument parsers of openrlhf/cli/train_sft.py and train_ppo_ray.py (the statements of their __main__
block before parse_args, which need only argparse, os and datetime) read every OpenRLHF command line of
EXPORT_DIR/README.md. Each flag must be one of the parser's own option strings, spelt out (argparse would accept
an abbreviation), the line must parse, and the keys the parsed, hierarchized arguments name (data.input_key, data.output_key,
data.label_key) must be in every row of the files they point at (data.dataset, data.prompt_dataset);
reward.remote_url must be REWARD_URL/reward.

reward: OpenRLHF's rollout path for a single-turn sample, from the wheel: prompts_dataset.preprocess_data makes
(prompt, label) from each rl.jsonl row with --data.apply_chat_template (TOKENIZER_DIR's chat template, through
transformers), and SingleTurnAgentExecutor (openrlhf/utils/agent.py, the remote reward client, which needs
aiohttp; its package parents are made empty so openrlhf/utils/__init__.py, which needs sympy and pylatexenc, is
not run) tokenizes it, takes the response from a scripted engine (vLLM is not run), decodes prompt and response
as the query and posts it to REWARD_URL/reward, one sample per request, as rollouts do. Labelled (the label key),
unlabelled (no label key: every label "") and mixed runs, the same queries also posted as one batch through the
client's HTTP function, and a run whose label names no category (the server answers 400), to see what OpenRLHF
does with a failed request.

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
# The command lines the README gives: the module, its file in the wheel, and the export file its dataset flag names.
COMMANDS = {"openrlhf.cli.train_sft": ("train_sft.py", "sft.jsonl"),
            "openrlhf.cli.train_ppo_ray": ("train_ppo_ray.py", "rl.jsonl")}


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
        cli_file, exported = COMMANDS[module]
        parser = parser_of(openrlhf_dir, cli_file)
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
        if os.path.normpath(path) != os.path.normpath(f"{export_dir}/{exported}"):
            fail(f"README.md: {module} reads {path}, expected {export_dir}/{exported}")
        path = exported
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


class ScriptedEngine:
    """Stands in for vLLM, the one piece not run here: answers each prompt with its scripted response and the
    template's end-of-turn token, as a finished generation ends."""

    def __init__(self, tokenizer, responses_by_prompt):
        self.tokenizer, self.responses_by_prompt = tokenizer, responses_by_prompt

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        prompt = self.tokenizer.decode(prompt_token_ids, skip_special_tokens=False)
        text = self.responses_by_prompt[prompt] + self.tokenizer.eos_token
        ids = self.tokenizer(text=text, add_special_tokens=False)["input_ids"]
        output = types.SimpleNamespace(token_ids=ids, text=text, finish_reason="stop", logprobs=None)
        return types.SimpleNamespace(outputs=[output])


def check_reward(openrlhf_dir, export_dir, tokenizer_dir, reward_url, out_json):
    from transformers import AutoTokenizer

    agent = reward_client(openrlhf_dir)
    prompts_dataset = load_file("openrlhf.datasets.prompts_dataset", f"{openrlhf_dir}/openrlhf/datasets/prompts_dataset.py")
    logged = []
    agent.logger.addHandler(type("Keep", (logging.Handler,), {"emit": lambda self, r: logged.append(r)})())
    # As train_ppo_ray hands --reward.remote_url (split at commas) to the vLLM engines' executor.
    executor = agent.SingleTurnAgentExecutor(remote_rm_url=[reward_url + "/reward"])
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    data = rows(f"{export_dir}/rl.jsonl")
    if len(data) != len(RESPONSES):
        fail(f"{export_dir}/rl.jsonl: expected {len(RESPONSES)} rows, found {len(data)}")
    # labelled: --data.label_key label; unlabelled: no label key, so OpenRLHF's label is ""; mixed: the label key,
    # and every other row's label empty.
    runs = {"labelled": (data, "label"), "unlabelled": (data, None),
            "mixed": ([dict(row, label=row["label"] if i % 2 == 0 else "") for i, row in enumerate(data)], "label"),
            "refused": ([dict(data[0], label='{"category": "no-such-category"}')], "label")}
    sampling = types.SimpleNamespace(max_tokens=256, logprobs=None)
    out = {"responses": RESPONSES}
    for name, (dataset, label_key) in runs.items():
        samples = [prompts_dataset.preprocess_data(row, None, "prompt", label_key, tokenizer.apply_chat_template)
                   for row in dataset]
        engine = ScriptedEngine(tokenizer, {prompt: response for (prompt, _), response in zip(samples, RESPONSES)})
        del logged[:]

        async def rollouts():
            return [await executor.execute(prompt, label, sampling, 4096, tokenizer, engine) for prompt, label in samples]

        outputs = asyncio.run(rollouts())
        queries = [tokenizer.decode(o["observation_tokens"], skip_special_tokens=False) for o in outputs]
        labels = [label for _, label in samples]
        whole = None if name == "refused" else asyncio.run(
            executor._fetch_rewards_via_http(queries, [p for p, _ in samples], labels))[0]
        out[name] = {"labels": labels, "rewards": [o["reward"] for o in outputs], "scores": [o["scores"] for o in outputs],
                     "unlabelled": [(o["extra_logs"].get("unlabelled") or [None])[0] for o in outputs],
                     "batch": whole, "logged": [f"{r.levelname} {r.getMessage()}" for r in logged]}
    write(out_json, out)


if __name__ == "__main__":
    if sys.argv[1:2] == ["flags"] and len(sys.argv) == 6:
        check_flags(*sys.argv[2:])
    elif sys.argv[1:2] == ["reward"] and len(sys.argv) == 7:
        check_reward(*sys.argv[2:])
    else:
        fail("usage: openrlhf_driver.py flags OPENRLHF_DIR EXPORT_DIR REWARD_URL OUT_JSON | "
             "reward OPENRLHF_DIR EXPORT_DIR TOKENIZER_DIR REWARD_URL OUT_JSON")

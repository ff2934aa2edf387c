"""TRL on what `deliberate handoff export --format trl` wrote. Thin: TRL's trainers do the work; this file sets
them up as the exported README does and prints what the check compares.

Subcommands:
  sft MODEL EXPORT OUT STEPS       SFTTrainer with assistant_only_loss=True on EXPORT/sft.jsonl, all rows in one
                                   batch (so its first-step loss is the mean over the same tokens as ours), STEPS
                                   steps; saves the model to OUT; prints one JSON line {"losses": [...],
                                   "assistant_tokens": N, "tokens": N}
  grpo MODEL EXPORT OUT            GRPOTrainer, one step, with deliberate_reward imported from EXPORT/reward_trl.py
                                   (DELIBERATE_REWARD_URL says where serve-reward runs); prints one JSON line of the
                                   step's logged numbers
"""

import json
import sys

import torch
from datasets import load_dataset


def sft(model_dir, export_dir, out, steps):
    from trl import SFTConfig, SFTTrainer
    data = load_dataset("json", data_files=f"{export_dir}/sft.jsonl", split="train")
    args = SFTConfig(output_dir=out, assistant_only_loss=True, per_device_train_batch_size=len(data),
                     gradient_accumulation_steps=1, max_steps=int(steps), learning_rate=2e-3,
                     lr_scheduler_type="constant", warmup_steps=0, weight_decay=0.0, max_grad_norm=1.0,
                     logging_steps=1, save_strategy="no", report_to="none", use_cpu=True, seed=0,
                     dataloader_drop_last=False, bf16=False, fp16=False)
    trainer = SFTTrainer(model=model_dir, train_dataset=data, args=args)
    rows = trainer.train_dataset
    # TRL folds the assistant mask into labels: -100 everywhere it puts no loss (the first position never has one).
    assistant_tokens = sum(sum(1 for label in labels[1:] if label != -100) for labels in rows["labels"])
    tokens = sum(len(ids) for ids in rows["input_ids"])
    trainer.train()
    trainer.save_model(out)
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    print(json.dumps({"losses": losses, "assistant_tokens": assistant_tokens, "tokens": tokens}))


def grpo(model_dir, export_dir, out):
    sys.path.insert(0, export_dir)
    from reward_trl import deliberate_reward
    from trl import GRPOConfig, GRPOTrainer
    rl = load_dataset("json", data_files=f"{export_dir}/rl.jsonl", split="train")
    args = GRPOConfig(output_dir=out, num_generations=2, per_device_train_batch_size=2 * len(rl),
                      gradient_accumulation_steps=1, max_completion_length=192, max_steps=1, beta=0.04,
                      learning_rate=1e-5, logging_steps=1, save_strategy="no", report_to="none", use_cpu=True,
                      seed=0, bf16=False, fp16=False)
    trainer = GRPOTrainer(model=model_dir, reward_funcs=[deliberate_reward], train_dataset=rl, args=args)
    trainer.train()
    logged = [entry for entry in trainer.state.log_history if "loss" in entry]
    print(json.dumps(logged[0] if logged else {}))


def main(argv):
    torch.set_num_threads(1)
    command, args = argv[1], argv[2:]
    if command == "sft":
        sft(*args)
    elif command == "grpo":
        grpo(*args)
    else:
        sys.exit(f"error: trl_driver.py: unknown subcommand {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

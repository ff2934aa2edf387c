package dev.deliberate.handoff;

import java.net.URI;
import java.nio.file.Path;

/** The README written beside an exported dataset: what the files are and the command lines that use them. */
final class HandoffReadme {
  private HandoffReadme() {}

  /**
   * @param dir the export directory, as the user named it (paths in commands are relative to where they ran it)
   * @param serve how to start the reward server, e.g. {@code deliberate serve-reward --judge reference --spec ...}
   */
  static String text(HandoffFormat format, Path dir, boolean hasRl, String rewardUrl, String serve) {
    String d = dir.toString();
    StringBuilder out = new StringBuilder();
    out.append("# Deliberative alignment data for ").append(title(format)).append("\n\n");
    out.append("Written by `deliberate handoff export --format ").append(format.wireName()).append("`.\n\n");
    out.append("- `sft.jsonl`: supervised examples. The assistant turn is the chain of thought in a `<think>` block, "
        + "then the answer; the spec is not in the context, so the model learns to recall it.\n");
    if (hasRl) {
      out.append("- `rl.jsonl`: RL prompts, each labelled with its spec category (and expected behaviour when known).\n");
    }
    out.append('\n');
    switch (format) {
      case TRL -> trl(out, d, hasRl);
      case OPENRLHF -> openRlhf(out, d, hasRl, rewardUrl);
      case VERL -> verl(out, d, hasRl);
    }
    if (hasRl) {
      out.append("\n## The reward\n\n");
      out.append("Start the judge as a reward server before training, on the machine that computes rewards:\n\n");
      out.append("```\n").append(serve).append(" --port ").append(port(rewardUrl)).append("\n```\n\n");
      out.append("The server cuts the chain of thought (`<think>` blocks) out of every response before the judge sees it,"
          + " and judges the answer against spec(category). It listens on 127.0.0.1 unless given `--host`; with "
          + "`--api-key-env VAR` it requires `Authorization: Bearer $VAR`, which the reward scripts here send when "
          + "`DELIBERATE_REWARD_KEY` is set. `DELIBERATE_REWARD_URL` (default `" + rewardUrl + "`) moves them to "
          + "another server.\n");
    }
    return out.toString();
  }

  private static void trl(StringBuilder out, String d, boolean hasRl) {
    out.append("Columns: `sft.jsonl` has `messages` (SFTTrainer's conversational format)");
    if (hasRl) {
      out.append("; `rl.jsonl` has `prompt` (messages) and the extra columns `category` and `expected`, which "
          + "GRPOTrainer hands to reward functions as keyword arguments; `reward_trl.py` is that reward function");
    }
    out.append(".\n\n`assistant_only_loss=True` needs `{% generation %}` markers in BASE_MODEL's chat template: the tiny "
        + "model has them, `deliberate model import` adds them to standard ChatML templates (SmolLM2's), and TRL adds "
        + "them to the templates of the model families it knows; for another model, put them around the assistant's "
        + "content and its end-of-turn token.\n");
    out.append("\n## Training\n\n```python\n");
    out.append("from datasets import load_dataset\n");
    out.append("from trl import SFTConfig, SFTTrainer\n");
    out.append("sft = load_dataset(\"json\", data_files=\"").append(d).append("/sft.jsonl\", split=\"train\")\n");
    out.append("# assistant_only_loss: the loss on the assistant turn only (its reasoning and answer), as deliberate's\n");
    out.append("# trainer and the paper train; TRL's default also trains the model to write the prompts.\n");
    out.append("SFTTrainer(model=\"BASE_MODEL\", train_dataset=sft,\n");
    out.append("           args=SFTConfig(output_dir=\"ckpt/sft\", assistant_only_loss=True)).train()\n");
    if (hasRl) {
      out.append("\nimport sys; sys.path.insert(0, \"").append(d).append("\")\n");
      out.append("from reward_trl import deliberate_reward\n");
      out.append("from trl import GRPOConfig, GRPOTrainer\n");
      out.append("rl = load_dataset(\"json\", data_files=\"").append(d).append("/rl.jsonl\", split=\"train\")\n");
      out.append("GRPOTrainer(model=\"ckpt/sft\", reward_funcs=[deliberate_reward], train_dataset=rl,\n");
      out.append("            args=GRPOConfig(output_dir=\"ckpt/rl\", num_generations=8, beta=0.04)).train()\n");
    }
    out.append("```\n");
  }

  private static void openRlhf(StringBuilder out, String d, boolean hasRl, String rewardUrl) {
    out.append("Keys: `sft.jsonl` has `prompt` and `response` (message lists)");
    if (hasRl) {
      out.append("; `rl.jsonl` has `prompt` (messages) and `label`, the JSON text `{\"category\": ..., \"expected\": ...}`"
          + " that the reward server reads from OpenRLHF's `labels`");
    }
    out.append(".\n\n## Training\n\nFlag names are OpenRLHF 0.11.2's (dotted since 0.10.2); check `--help` of yours.\n\n```\n");
    out.append("deepspeed --module openrlhf.cli.train_sft \\\n");
    out.append("  --model.model_name_or_path BASE_MODEL --data.dataset ").append(d).append("/sft.jsonl \\\n");
    out.append("  --data.input_key prompt --data.output_key response --data.apply_chat_template \\\n");
    out.append("  --train.max_epochs 1 --adam.lr 5e-6 --train.batch_size 64 --train.micro_batch_size 2 \\\n");
    out.append("  --ds.zero_stage 2 --ckpt.output_dir ckpt/sft\n");
    if (hasRl) {
      out.append("\npython3 -m openrlhf.cli.train_ppo_ray \\\n");
      out.append("  --actor.model_name_or_path ckpt/sft --reward.remote_url ").append(rewardUrl).append("/reward \\\n");
      out.append("  --data.prompt_dataset ").append(d)
          .append("/rl.jsonl --data.input_key prompt --data.label_key label --data.apply_chat_template \\\n");
      out.append("  --algo.advantage.estimator group_norm --rollout.n_samples_per_prompt 8 --algo.kl.use_loss "
          + "--algo.kl.init_coef 0.01 \\\n");
      out.append("  --rollout.batch_size 64 --train.batch_size 256 --rollout.micro_batch_size 8 "
          + "--train.micro_batch_size 4 \\\n");
      out.append("  --data.max_len 3072 --rollout.max_new_tokens 2048 --actor.adam.lr 1e-6 --ckpt.output_dir ckpt/rl\n");
    }
    out.append("```\n");
    if (hasRl) {
      out.append("\nOpenRLHF posts `{\"query\", \"prompts\", \"labels\"}`, one sample per request, and sends no "
          + "authorization header: run the server without `--api-key-env` on a private address, or point "
          + "`--reward.remote_url` at a Python reward file (`reward_func(queries, prompts, labels)`) that adds the header. "
          + "Without `--data.label_key` every label is `\"\"` and the server classifies the prompt (the reference judge "
          + "gives such prompts a neutral 0.5). A request that fails (server down, HTTP 400 or 502) is tried 5 times, "
          + "a second apart; then OpenRLHF logs it at INFO level and leaves that sample's reward `None`, and "
          + "training goes on: watch the server's log and OpenRLHF's `Failed to fetch reward` lines. `extra_logs` carries the "
          + "judge's criteria per sample, so they appear in OpenRLHF's logs.\n");
    }
  }

  private static void verl(StringBuilder out, String d, boolean hasRl) {
    out.append("Columns: `sft.jsonl` has `messages` (multi-turn SFT)");
    if (hasRl) {
      out.append("; `rl.jsonl` has verl's `data_source`, `prompt` (messages), `ability`, `reward_model` "
          + "(`ground_truth` is the category label) and `extra_info` (`prompt` text, `category`, `expected`, `id`), "
          + "which verl passes to `compute_score` in `reward_verl.py`");
    }
    out.append(".\n\nverl reads Parquet, which this toolkit does not write. Convert once (pandas and pyarrow):\n\n```\n");
    out.append("python3 -c \"import pandas as pd; [pd.read_json(f'").append(d).append("/{n}.jsonl', lines=True).to_parquet(f'")
        .append(d).append("/{n}.parquet') for n in (").append(hasRl ? "'sft', 'rl'" : "'sft',").append(")]\"\n```\n\n");
    out.append("## Training\n\nKeys follow recent verl releases; check your version's config.\n\n```\n");
    out.append("torchrun --standalone --nproc_per_node=1 -m verl.trainer.fsdp_sft_trainer \\\n");
    out.append("  data.train_files=").append(d).append("/sft.parquet data.val_files=").append(d).append("/sft.parquet \\\n");
    out.append("  data.multiturn.enable=true data.multiturn.messages_key=messages \\\n");
    out.append("  model.partial_pretrain=BASE_MODEL trainer.default_local_dir=ckpt/sft trainer.total_epochs=1\n");
    if (hasRl) {
      out.append("\npython3 -m verl.trainer.main_ppo algorithm.adv_estimator=grpo \\\n");
      out.append("  data.train_files=").append(d).append("/rl.parquet data.val_files=").append(d).append("/rl.parquet \\\n");
      out.append("  data.prompt_key=prompt data.max_prompt_length=1024 data.max_response_length=2048 \\\n");
      out.append("  actor_rollout_ref.model.path=SFT_MODEL actor_rollout_ref.rollout.name=vllm actor_rollout_ref.rollout.n=8 \\\n");
      out.append("  actor_rollout_ref.actor.use_kl_loss=True actor_rollout_ref.actor.kl_loss_coef=0.01 \\\n");
      out.append("  custom_reward_function.path=").append(d).append("/reward_verl.py custom_reward_function.name=compute_score \\\n");
      out.append("  trainer.n_gpus_per_node=1 trainer.nnodes=1\n");
    }
    out.append("```\n");
    if (hasRl) {
      out.append("\n`SFT_MODEL` is the Hugging Face model directory the SFT run saved (under `ckpt/sft`). verl's default "
          + "reward manager calls `compute_score` once per response; with a model judge, a parallel reward manager "
          + "keeps the server's `--concurrency` busy.\n");
    }
  }

  private static String title(HandoffFormat format) {
    return switch (format) {
      case TRL -> "TRL";
      case OPENRLHF -> "OpenRLHF";
      case VERL -> "verl";
    };
  }

  private static int port(String url) {
    int port = URI.create(url).getPort();
    return port < 0 ? 80 : port;
  }
}

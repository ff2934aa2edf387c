/**
 * Training: {@link dev.deliberate.engine.training.SftTrainer} (loss on the assistant's turn only, checkpoints that a
 * rerun resumes from) on {@link dev.deliberate.engine.training.SftExample}s read from SFT JSONL, behind {@link
 * dev.deliberate.engine.training.DirectoryTrainer}; {@link dev.deliberate.engine.training.GrpoTrainer} (RL with
 * the judge as reward through {@link dev.deliberate.engine.training.JudgeReward}) and the GRPO objective as pure
 * functions ({@link dev.deliberate.engine.training.Grpo}); the optimiser {@link
 * dev.deliberate.engine.training.AdamW}.
 */
package dev.deliberate.engine.training;

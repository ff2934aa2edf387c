/**
 * Training: {@link dev.deliberate.engine.training.EngineTrainer} (the pipeline's training seam: a job in, the data
 * it asks for prepared, a model directory out); {@link dev.deliberate.engine.training.SftTrainer} (loss on the
 * assistant's turn only, checkpoints that a rerun resumes from) on {@link
 * dev.deliberate.engine.training.SupervisedTurn}s read from SFT JSONL; {@link
 * dev.deliberate.engine.training.GrpoTrainer} (RL with the judge as reward through {@link
 * dev.deliberate.engine.training.JudgeReward}) and the GRPO objective as pure functions ({@link
 * dev.deliberate.engine.training.Grpo}); the optimiser {@link dev.deliberate.engine.training.AdamW}.
 */
package dev.deliberate.engine.training;

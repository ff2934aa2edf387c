/**
 * What every stage shares: the one model factory ({@link dev.deliberate.run.StageModels}: a model string and its
 * {@link dev.deliberate.run.ModelSettings} in, a model with the machinery below around it out), the run directory and its versioned {@code manifest.json} ({@link
 * dev.deliberate.run.RunDirectory}, {@link dev.deliberate.run.Manifest}), the SQLite response cache ({@link
 * dev.deliberate.run.ResponseCache}, which keeps only replies that were used: a reply a stage could not use is
 * forgotten, so a rerun asks again), calling a model with cache, retries, budgets and rate limits ({@link
 * dev.deliberate.run.ModelCaller}), usage and cost ({@link dev.deliberate.run.Accounting}), progress, and the
 * resumable per-record executor every stage runs on ({@link dev.deliberate.run.StageExecutor}), which reuses a
 * record only while what made it is unchanged and records a reply the stage cannot use ({@link
 * dev.deliberate.run.UnusableReply}) as failed, and the gathering of concurrent calls into batches for a model
 * that batches ({@link dev.deliberate.run.BatchingChatModel}).
 */
package dev.deliberate.run;

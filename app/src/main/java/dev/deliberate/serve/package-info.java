/**
 * HTTP servers over the toolkit's models and judges, built on the JDK's own HTTP server ({@link
 * dev.deliberate.serve.BoundedHttpServer}: bounded workers and queue, 503 beyond) with no framework to configure.
 * {@link dev.deliberate.serve.ChatCompletionsServer} is an OpenAI-compatible chat completions endpoint over a local
 * model or over the {@link dev.deliberate.serve.Gateway}, which puts spec(category) and our deliberation
 * instructions in front of a model that was not trained on the spec. The reward server ({@link
 * dev.deliberate.serve.RewardServer}) lets external RL frameworks (OpenRLHF, verl, TRL) use the spec judge as their
 * reward: it cuts the chain of thought out of each response before the judge sees it.
 */
package dev.deliberate.serve;

/** Stage 1: spec-in-context generation prompts, sampling, CoT/answer parsing, the reference generator. */
package dev.deliberate.generate;

/**
 * Hand-off to training outside this toolkit: datasets laid out for TRL, OpenRLHF and verl (with a README that wires
 * their reward to {@code deliberate serve-reward}), and the pure parts of OpenAI fine-tuning jobs (reinforcement
 * training rows, and the score-model grader built from the spec, which never sees the chain of thought).
 */
package dev.deliberate.handoff;

package dev.deliberate.app;

/**
 * How big a quickstart run is. The two plans run the same stages; {@link #SMALL} has fewer prompts and steps. The
 * four students share every training number that applies to them (same prompts, same steps, same batch).
 *
 * @param name the default run directory's name
 * @param pipeline the built-in pipeline file (a resource beside this class)
 * @param maxPromptTokens longest training prompt (SFT and RL) in tokens: the tiny model learns far more per second
 *     from short sequences; evaluation prompts are not limited this way
 * @param benignShare share of benign prompts (expected comply) in the SFT safety examples
 * @param rlBenignShare share of benign prompts in the RL prompts
 * @param sftExamples safety examples (from the filtered pipeline output) in the SFT mix
 * @param ordinaryExamples ordinary requests from the base model's own instruction mix, added so that SFT does not
 *     forget how to answer them
 * @param sftSteps optimizer steps of each SFT run
 * @param sftBatch examples per SFT step
 * @param sftLearningRate peak SFT learning rate
 * @param rlSteps GRPO rounds
 * @param rlPrompts prompts per GRPO round
 * @param rlGroup answers sampled per prompt
 * @param rlLearningRate GRPO learning rate
 * @param rlMaxNewTokens token budget of a GRPO answer
 * @param evalRequests held-out StrongREJECT requests evaluated (each under every attack and plain)
 * @param evalXsTest held-out XSTest prompts evaluated (plain; safe and unsafe)
 * @param evalMaxNewTokens token budget of an evaluated answer
 */
record QuickstartPlan(String name, String pipeline, int maxPromptTokens, double benignShare, double rlBenignShare,
    int sftExamples, int ordinaryExamples, int sftSteps, int sftBatch, double sftLearningRate, int rlSteps, int rlPrompts, int rlGroup, double rlLearningRate, int rlMaxNewTokens,
    int evalRequests, int evalXsTest, int evalMaxNewTokens) {

  static final QuickstartPlan FULL = new QuickstartPlan("quickstart", "quickstart.yaml",
      128, 0.6, 0.6, 800, 300, 300, 8, 2e-3, 24, 4, 4, 1e-4, 192, 24, 140, 256);

  static final QuickstartPlan SMALL = new QuickstartPlan("quickstart-small", "quickstart-small.yaml",
      128, 0.6, 0.6, 240, 60, 80, 8, 2e-3, 3, 2, 4, 1e-4, 192, 6, 24, 256);
}

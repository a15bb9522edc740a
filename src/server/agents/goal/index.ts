import { type NetworkGuard, networkGuard } from "../network-guard";
import type { Agent } from "../types";
import type { LlmClientOptions } from "./llm-client";
import { type LlmSettings, llmSettings } from "./llm-config";
import { runGoal } from "./run";

/**
 * The goal-driven engine ("agent"): a language model pursues each row's goal in the guarded Chromium, one action per
 * step, narrating each on the live card, until it answers (the job's extracted data), gives up, or meets a limit.
 */

export interface GoalAgentOptions {
  guard?: NetworkGuard;
  /** The model server; read from the environment (LLM_*) at each job by default. */
  settings?: LlmSettings | (() => LlmSettings);
  /** Retries and waits of model calls (tests shorten them). */
  client?: LlmClientOptions;
  /** The page snapshot's size limit in characters (DEFAULT_SNAPSHOT_CHARS). */
  snapshotChars?: number;
}

export function createGoalAgent(options: GoalAgentOptions = {}): Agent {
  const { settings } = options;
  const readSettings = typeof settings === "function" ? settings : settings ? () => settings : () => llmSettings();
  return {
    run: (job, ctx) =>
      runGoal(job, ctx, {
        guard: options.guard ?? networkGuard,
        settings: readSettings,
        client: options.client,
        snapshotChars: options.snapshotChars,
      }),
  };
}

export const goalAgent = createGoalAgent();

export { HOW_TO_CONFIGURE_A_MODEL, type LlmSettings, llmSettings, modelAvailability } from "./llm-config";
export { DEFAULT_MAX_TOKENS_PER_JOB } from "./run";

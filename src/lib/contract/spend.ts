/** What a language model cost: tokens as the provider counted them, cost from the configured prices. */
export interface Spend {
  inputTokens: number;
  outputTokens: number;
  /** US dollars; 0 when no price is configured for the model. */
  costUsd: number;
}

/** One job's spend on its model. */
export interface JobUsage extends Spend {
  model: string;
  /** True when the provider reported no usage and the tokens were estimated (about 4 characters a token). */
  estimated?: boolean;
}

/** One step of a goal-driven agent, for the job's transcript. Every text is short (cut). */
export interface TranscriptStep {
  /** 1-based. */
  step: number;
  /** What the agent saw: the page title, URL and how many elements it could act on. */
  observation: string;
  reason: string;
  /** The action in short form: "click e12", "type e7 'SW1A 1AA'". */
  action: string;
  /** What came of it: "clicked", "refused: private address", an error. */
  result: string;
  url: string;
  inputTokens: number;
  outputTokens: number;
}

export const NO_SPEND: Spend = Object.freeze({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

export const addSpend = (a: Spend, b: Spend): Spend => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  costUsd: a.costUsd + b.costUsd,
});

/** Why an execution paused itself when its spend reached its maxCost. */
export const BUDGET_REACHED = "budget reached";

/**
 * The cost an execution will have reached when its remaining jobs are done: the spend so far plus the average spend
 * of a finished job for each job left. Equal to the spend while nothing has finished (there is no average yet).
 */
export function projectedCost(spentUsd: number, finishedJobs: number, remainingJobs: number): number {
  if (finishedJobs === 0) return spentUsd;
  return spentUsd + (spentUsd / finishedJobs) * remainingJobs;
}

import { z } from "./zod";

const tokens = z.number().int().min(0);

/** What a language model cost: tokens as the provider counted them, cost from the configured prices. */
export const spendSchema = z
  .object({
    inputTokens: tokens,
    outputTokens: tokens,
    costUsd: z.number().min(0).meta({ description: "US dollars; 0 when no price is configured for the model." }),
  })
  .meta({
    id: "Spend",
    description: "What a language model cost: tokens as the provider counted them, cost from the configured prices.",
  });
export type Spend = z.infer<typeof spendSchema>;

/** One job's spend on its model. */
export const jobUsageSchema = spendSchema
  .extend({
    model: z.string(),
    estimated: z.boolean().optional().meta({
      description:
        "True when the provider reported no usage and the tokens were estimated (about 4 characters a token).",
    }),
  })
  .meta({ id: "JobUsage", description: "One job's spend on its model (its last attempt)." });
export type JobUsage = z.infer<typeof jobUsageSchema>;

/** One step of a goal-driven agent, for the job's transcript. Every text is short (cut). */
export const transcriptStepSchema = z
  .object({
    step: z.number().int().min(1).meta({ description: "1-based." }),
    observation: z.string().meta({
      description: "What the agent saw: the page title, URL and how many elements it could act on.",
    }),
    reason: z.string(),
    action: z.string().meta({ description: `The action in short form: "click e12", "type e7 'SW1A 1AA'".` }),
    result: z.string().meta({ description: `What came of it: "clicked", "refused: private address", an error.` }),
    url: z.string(),
    inputTokens: tokens,
    outputTokens: tokens,
  })
  .meta({
    id: "TranscriptStep",
    description: "One step of a goal-driven agent, for the job's transcript. Every text is short (cut).",
  });
export type TranscriptStep = z.infer<typeof transcriptStepSchema>;

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

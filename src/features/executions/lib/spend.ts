import type { ExecutionView, RunningJob } from "@/lib/client/execution-state";
import { projectedCost } from "@/lib/contract/spend";
import type { JobCounts } from "@/lib/contract/stats";
import { formatSpend } from "@/lib/format";

/** Model spend as the live view shows it: pure, from the live state alone (no request per event). */

/** The contract's highest spend cap (maxCostSchema). */
export const MAX_SPEND_CAP_USD = 1_000_000;

export interface SpendSummary {
  /** Finished jobs' spend plus what the running jobs have spent so far (USD). */
  spentUsd: number;
  /** The finished jobs' average carried over every job not finished yet; never below what is spent. */
  projectedUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** The spend cap, or null for none. */
  capUsd: number | null;
}

type SpendState = Pick<ExecutionView, "spend" | "maxCost">;

/**
 * Spend so far: the execution's counters hold the finished jobs (every attempt), each running job reports its own so
 * far. The projection counts the running jobs as remaining, since their spend is not final.
 */
export function spendSummary(
  execution: SpendState,
  stats: Pick<JobCounts, "total" | "completed" | "failed" | "cancelled">,
  runningJobs: Iterable<Pick<RunningJob, "usage">>,
): SpendSummary {
  let spentUsd = execution.spend.costUsd;
  let inputTokens = execution.spend.inputTokens;
  let outputTokens = execution.spend.outputTokens;
  for (const job of runningJobs) {
    if (!job.usage) continue;
    spentUsd += job.usage.costUsd;
    inputTokens += job.usage.inputTokens;
    outputTokens += job.usage.outputTokens;
  }
  const finished = stats.completed + stats.failed;
  const remaining = Math.max(0, stats.total - finished - stats.cancelled);
  const projectedUsd = Math.max(spentUsd, projectedCost(execution.spend.costUsd, finished, remaining));
  return { spentUsd, projectedUsd, inputTokens, outputTokens, capUsd: execution.maxCost };
}

/** Whether the live view shows spend at all: a goal batch always, any other once it has spent something. */
export const showsSpend = (engine: string | null, summary: SpendSummary) =>
  engine === "agent" || summary.spentUsd > 0 || summary.inputTokens > 0;

/**
 * A dollar amount as typed ("1", "0.5", "$2.50", "1,000"): the number, or null when it is not one greater than 0 and
 * at most the contract's maximum.
 */
export function parseUsd(text: string): number | null {
  const cleaned = text
    .trim()
    .replace(/^\$\s*/, "")
    .replace(/,/g, "");
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) && value > 0 && value <= MAX_SPEND_CAP_USD ? value : null;
}

/** What the raise-the-cap dialog proposes: twice the cap (or the spend, if higher), in whole cents. */
export function suggestedCap(spentUsd: number, capUsd: number | null): number {
  const base = Math.max(capUsd ?? 0, spentUsd);
  const doubled = base > 0 ? base * 2 : 1;
  return Math.min(MAX_SPEND_CAP_USD, Math.ceil(doubled * 100 - 1e-6) / 100);
}

/** "Paused: the $1.00 spend cap is reached — $1.01 spent": the banner every tab watching the run shows. */
export function budgetPauseTitle(capUsd: number | null, spentUsd: number): string {
  const cap = capUsd !== null ? `the ${formatSpend(capUsd)} spend cap` : "the spend cap";
  return `Paused: ${cap} is reached — ${formatSpend(spentUsd)} spent`;
}

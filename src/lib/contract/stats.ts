import { z } from "./zod";

const count = z.number().int().min(0);

/** How many of an execution's jobs are in each state: the one counts shape of the REST API, the live view and events. */
export const jobCountsSchema = z
  .object({ total: count, running: count, queued: count, completed: count, failed: count, cancelled: count })
  .meta({
    id: "JobCounts",
    description: "How many of an execution's jobs are in each state.",
  });
export type JobCounts = z.infer<typeof jobCountsSchema>;

/**
 * Percent (0-100) of the finished jobs, completed or failed, that completed; 0 before any has finished.
 * Cancelled jobs never ran, so they count neither way. `decimals` rounds for display (REST answers one decimal).
 */
export function successRate(counts: Pick<JobCounts, "completed" | "failed">, decimals?: number): number {
  const finished = counts.completed + counts.failed;
  if (finished === 0) return 0;
  const rate = (counts.completed / finished) * 100;
  if (decimals === undefined) return rate;
  const scale = 10 ** decimals;
  return Math.round(rate * scale) / scale;
}

/** Mean run time of the finished jobs, in whole milliseconds; 0 before any has finished. */
export function averageDurationMs(counts: Pick<JobCounts, "completed" | "failed">, totalDurationMs: number): number {
  const finished = counts.completed + counts.failed;
  return finished === 0 ? 0 : Math.round(totalDurationMs / finished);
}

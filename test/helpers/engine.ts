import { eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { executions, jobs } from "@/server/db/schema";
import { eventsAfter } from "@/server/repos/events";

/** The execution's counters next to a count of its jobs by status: they must always agree. */
export async function countersAndTruth(db: Db, executionId: string) {
  const [row] = await db.select().from(executions).where(eq(executions.id, executionId));
  const grouped = await db
    .select({ status: jobs.status, n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(eq(jobs.executionId, executionId))
    .groupBy(jobs.status);
  const truth = Object.fromEntries(
    ["queued", "running", "completed", "failed", "cancelled"].map((s) => [
      s,
      grouped.find((g) => g.status === s)?.n ?? 0,
    ]),
  );
  const counters = {
    queued: row!.queuedCount,
    running: row!.runningCount,
    completed: row!.completedCount,
    failed: row!.failedCount,
    cancelled: row!.cancelledCount,
  };
  return { execution: row!, counters, truth };
}

/** The retained log must be 1..N with no gap; returns it. */
export async function gapFreeLog(db: Db, executionId: string) {
  const events = await eventsAfter(db, executionId, 0, 1_000_000);
  events.forEach((e, i) => {
    if (e.seq !== i + 1) throw new Error(`event log has a gap at ${i + 1}: got seq ${e.seq}`);
  });
  return events;
}

/** The highest number of jobs running at once, replayed from the log (its order is commit order). */
export function peakRunning(events: { type: string; data: Record<string, unknown> }[]): number {
  let running = 0;
  let peak = 0;
  for (const e of events) {
    if (e.type === "job_started") running++;
    if (e.type === "job_completed" || e.type === "job_failed") running--;
    peak = Math.max(peak, running);
  }
  return peak;
}

import { sql } from "drizzle-orm";
import { JOB_STATUSES, type JobStatus } from "@/lib/contract/resources";
import type { DbOrTx } from "../db/client";
import { jobs } from "../db/schema";

/** How many jobs of all executions are in each status (every status present, 0 when none), in one query. */
export async function countJobsByStatus(db: DbOrTx): Promise<Record<JobStatus, number>> {
  const rows = await db
    .select({ status: jobs.status, count: sql<number>`count(*)::int` })
    .from(jobs)
    .groupBy(jobs.status);
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { jobScreenshots } from "../db/schema";
import { isUuid } from "./projects";

/** Keeps only the latest thumbnail of a job: the live card shows now, not a history. */
export async function saveScreenshot(db: DbOrTx, jobId: string, jpeg: Buffer): Promise<void> {
  const takenAt = new Date();
  await db
    .insert(jobScreenshots)
    .values({ jobId, jpeg, takenAt })
    .onConflictDoUpdate({ target: jobScreenshots.jobId, set: { jpeg, takenAt } });
}

export async function findScreenshot(db: DbOrTx, jobId: string): Promise<{ jpeg: Buffer; takenAt: Date } | undefined> {
  if (!isUuid(jobId)) return undefined;
  const [row] = await db
    .select({ jpeg: jobScreenshots.jpeg, takenAt: jobScreenshots.takenAt })
    .from(jobScreenshots)
    .where(eq(jobScreenshots.jobId, jobId));
  return row;
}

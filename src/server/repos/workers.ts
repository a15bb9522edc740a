import { and, asc, eq, getTableColumns, inArray, lt, ne, notInArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { type WorkerStatus, workers } from "../db/schema";

export type WorkerRow = typeof workers.$inferSelect;

/** The statuses of a worker that is still there (its running jobs are its own). */
const PRESENT: WorkerStatus[] = ["alive", "stopping"];

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  slots: number;
  version: string;
}

const since = (ms: number) => sql`now() - make_interval(secs => ${ms / 1000})`;

/**
 * Registers the worker or records its beat. An upsert, so a worker whose row was marked dead (it was
 * silent too long, e.g. stalled) or removed comes back by beating again.
 */
export async function beat(
  db: DbOrTx,
  worker: WorkerIdentity,
  status: "alive" | "stopping",
  runningCount: number,
): Promise<void> {
  await db
    .insert(workers)
    .values({ ...worker, status, runningCount })
    .onConflictDoUpdate({
      target: workers.id,
      set: { status, runningCount, lastBeatAt: sql`now()`, stoppedAt: null },
    });
}

/** Other workers that claim jobs and beat on time, with their slots. */
export async function livePeers(
  db: DbOrTx,
  selfId: string,
  deadAfterMs: number,
): Promise<{ id: string; slots: number }[]> {
  return db
    .select({ id: workers.id, slots: workers.slots })
    .from(workers)
    .where(
      and(eq(workers.status, "alive"), ne(workers.id, selfId), sql`${workers.lastBeatAt} >= ${since(deadAfterMs)}`),
    )
    .orderBy(asc(workers.id));
}

/** Marks the workers silent for `deadAfterMs` dead; returns them (each is marked by one caller only). */
export async function markSilentDead(db: DbOrTx, deadAfterMs: number): Promise<WorkerRow[]> {
  return db
    .update(workers)
    .set({ status: "dead", stoppedAt: sql`now()` })
    .where(and(inArray(workers.status, PRESENT), lt(workers.lastBeatAt, since(deadAfterMs))))
    .returning();
}

/** Marks every other worker dead, for a caller that knows it is the only process (the embedded data-folder lock). */
export async function markOthersDead(db: DbOrTx, selfId: string): Promise<WorkerRow[]> {
  return db
    .update(workers)
    .set({ status: "dead", stoppedAt: sql`now()` })
    .where(and(inArray(workers.status, PRESENT), ne(workers.id, selfId)))
    .returning();
}

export async function markStopped(db: DbOrTx, id: string): Promise<void> {
  await db.update(workers).set({ status: "stopped", stoppedAt: sql`now()`, runningCount: 0 }).where(eq(workers.id, id));
}

/** Drops the rows of workers gone for longer than `keepMs`, so the registry stays small. */
export async function pruneGone(db: DbOrTx, keepMs: number): Promise<void> {
  await db.delete(workers).where(and(notInArray(workers.status, PRESENT), lt(workers.stoppedAt, since(keepMs))));
}

/** Every registered worker, present ones first, newest first. */
export async function listWorkers(db: DbOrTx): Promise<WorkerRow[]> {
  return db
    .select()
    .from(workers)
    .orderBy(sql`${workers.status} in ('alive', 'stopping') desc`, sql`${workers.startedAt} desc`);
}

/**
 * Every registered worker as `listWorkers` orders them, each with whether it has been silent for `deadAfterMs` (by
 * the database's clock, like the beats): a present row that went silent is dead even before a peer marks it.
 */
export async function listWorkersWithSilence(
  db: DbOrTx,
  deadAfterMs: number,
): Promise<(WorkerRow & { silent: boolean })[]> {
  return db
    .select({ ...getTableColumns(workers), silent: sql<boolean>`${workers.lastBeatAt} < ${since(deadAfterMs)}` })
    .from(workers)
    .orderBy(sql`${workers.status} in ('alive', 'stopping') desc`, sql`${workers.startedAt} desc`);
}

/** How many workers claim jobs and beat on time (alive, with a beat within `deadAfterMs`). */
export async function countLive(db: DbOrTx, deadAfterMs: number): Promise<number> {
  const [row] = await db
    .select({ live: sql<number>`count(*)::int` })
    .from(workers)
    .where(and(eq(workers.status, "alive"), sql`${workers.lastBeatAt} >= ${since(deadAfterMs)}`));
  return row?.live ?? 0;
}

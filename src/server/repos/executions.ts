import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { ExecutionStatus } from "@/lib/contract/resources";
import type { Spend } from "@/lib/contract/spend";
import type { DbOrTx } from "../db/client";
import { agentConfigs, batches, batchInputs, executions, jobs } from "../db/schema";
import { isUuid } from "./projects";
import { type RowSelection, selectedInputIds } from "./rerun-selection";

export type ExecutionRow = typeof executions.$inferSelect;
/** Any column but the status, which only the execution's state machine writes (setExecutionStatus). */
type ExecutionPatch = Partial<Omit<typeof executions.$inferInsert, "id" | "status">>;

export async function findExecution(db: DbOrTx, id: string): Promise<ExecutionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(executions).where(eq(executions.id, id));
  return row;
}

/** Takes the execution row's lock: every state change of an execution or its jobs starts here. */
export async function lockExecution(tx: DbOrTx, id: string): Promise<ExecutionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await tx.select().from(executions).where(eq(executions.id, id)).for("update");
  return row;
}

/**
 * Takes the locks of several executions, in id order (so two such transactions never wait on each other in a
 * circle; every other transaction holds one execution's lock at most).
 */
export async function lockExecutions(tx: DbOrTx, ids: string[]): Promise<ExecutionRow[]> {
  if (ids.length === 0) return [];
  return tx.select().from(executions).where(inArray(executions.id, ids)).orderBy(asc(executions.id)).for("update");
}

export async function updateExecution(tx: DbOrTx, id: string, patch: ExecutionPatch): Promise<ExecutionRow> {
  const [row] = await tx.update(executions).set(patch).where(eq(executions.id, id)).returning();
  return row!;
}

/** Writes a status the state machine (executions/machine.ts) chose; the caller holds the row's lock. */
export async function setExecutionStatus(
  tx: DbOrTx,
  id: string,
  status: ExecutionStatus,
  patch: ExecutionPatch,
): Promise<ExecutionRow> {
  const [row] = await tx
    .update(executions)
    .set({ ...patch, status })
    .where(eq(executions.id, id))
    .returning();
  return row!;
}

export interface CounterDelta {
  running?: number;
  queued?: number;
  completed?: number;
  failed?: number;
  cancelled?: number;
  durationMs?: number;
  /** A finished attempt's model spend. */
  spend?: Spend;
}

/** Moves the execution's counters in the same transaction as the job rows they count. */
export async function addToCounters(tx: DbOrTx, id: string, d: CounterDelta): Promise<ExecutionRow> {
  const [row] = await tx
    .update(executions)
    .set({
      runningCount: sql`${executions.runningCount} + ${d.running ?? 0}`,
      queuedCount: sql`${executions.queuedCount} + ${d.queued ?? 0}`,
      completedCount: sql`${executions.completedCount} + ${d.completed ?? 0}`,
      failedCount: sql`${executions.failedCount} + ${d.failed ?? 0}`,
      cancelledCount: sql`${executions.cancelledCount} + ${d.cancelled ?? 0}`,
      totalDurationMs: sql`${executions.totalDurationMs} + ${Math.round(d.durationMs ?? 0)}`,
      ...(d.spend
        ? {
            costUsd: sql`${executions.costUsd} + ${d.spend.costUsd}`,
            inputTokens: sql`${executions.inputTokens} + ${Math.round(d.spend.inputTokens)}`,
            outputTokens: sql`${executions.outputTokens} + ${Math.round(d.spend.outputTokens)}`,
          }
        : {}),
      lastActivityAt: sql`now()`,
    })
    .where(eq(executions.id, id))
    .returning();
  return row!;
}

/** A new execution is `pending` (the column's default) until its state machine starts it. */
export async function insertExecution(
  tx: DbOrTx,
  values: Omit<typeof executions.$inferInsert, "status">,
): Promise<ExecutionRow> {
  const [row] = await tx.insert(executions).values(values).returning();
  return row!;
}

/** The rows an execution runs: the batch's in input order (up to `limit`), or the rows a re-run takes from its parent. */
export type JobRows = { limit: number | null } | { rerun: RowSelection };

/** One statement: a queued job per selected batch input, in input order. */
export async function insertJobsFromInputs(
  tx: DbOrTx,
  executionId: string,
  batchId: string,
  rows: JobRows,
): Promise<number> {
  const pick =
    "rerun" in rows
      ? sql`and id in (${selectedInputIds(rows.rerun)}) order by row_index`
      : sql`order by row_index ${rows.limit === null ? sql`` : sql`limit ${rows.limit}`}`;
  const result = await tx.execute(sql`
    insert into ${jobs} (execution_id, batch_input_id, row_index, input_id, site_url, goal)
    select ${executionId}, id, row_index, input_id, site_url, goal
    from ${batchInputs} where batch_id = ${batchId} ${pick}`);
  const r = result as unknown as { affectedRows?: number; rowCount?: number | null };
  return r.affectedRows ?? r.rowCount ?? 0;
}

export async function listExecutionsOfBatch(db: DbOrTx, batchId: string): Promise<ExecutionRow[]> {
  if (!isUuid(batchId)) return [];
  return db.select().from(executions).where(eq(executions.batchId, batchId)).orderBy(desc(executions.createdAt));
}

/** Executions that could start a job now: running, with a free slot and something queued. */
export async function claimableExecutionIds(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: executions.id })
    .from(executions)
    .where(
      and(
        eq(executions.status, "running"),
        gt(executions.queuedCount, 0),
        lt(executions.runningCount, executions.concurrency),
      ),
    )
    .orderBy(executions.createdAt);
  return rows.map((r) => r.id);
}

/** Average finished-job duration of a batch's (else its project's) past executions, from the counters. */
export async function averageJobDurationMs(db: DbOrTx, batchId: string): Promise<number | null> {
  const own = await db
    .select({
      total: sql<string>`coalesce(sum(${executions.totalDurationMs}), 0)`,
      n: sql<string>`coalesce(sum(${executions.completedCount} + ${executions.failedCount}), 0)`,
    })
    .from(executions)
    .where(eq(executions.batchId, batchId));
  if (Number(own[0]?.n) > 0) return Number(own[0]!.total) / Number(own[0]!.n);
  const [batch] = await db.select({ projectId: batches.projectId }).from(batches).where(eq(batches.id, batchId));
  if (!batch) return null;
  const siblings = db.select({ id: batches.id }).from(batches).where(eq(batches.projectId, batch.projectId));
  const project = await db
    .select({
      total: sql<string>`coalesce(sum(${executions.totalDurationMs}), 0)`,
      n: sql<string>`coalesce(sum(${executions.completedCount} + ${executions.failedCount}), 0)`,
    })
    .from(executions)
    .where(inArray(executions.batchId, siblings));
  return Number(project[0]?.n) > 0 ? Number(project[0]!.total) / Number(project[0]!.n) : null;
}

/** The model spend per finished job of this batch's executions (USD), or null before any job of it finished. */
export async function averageJobCostUsd(db: DbOrTx, batchId: string): Promise<number | null> {
  const [own] = await db
    .select({
      total: sql<string>`coalesce(sum(${executions.costUsd}), 0)`,
      n: sql<string>`coalesce(sum(${executions.completedCount} + ${executions.failedCount}), 0)`,
    })
    .from(executions)
    .where(eq(executions.batchId, batchId));
  return Number(own?.n) > 0 ? Number(own!.total) / Number(own!.n) : null;
}

/**
 * The agent config an execution runs: the version of its batch's config it recorded when it started (an edit made
 * since then never reaches it). Undefined for an unknown execution; a recorded version that is missing is a bug.
 */
export async function agentOfExecution(db: DbOrTx, executionId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ batchId: executions.batchId, version: executions.configVersion, config: agentConfigs.config })
    .from(executions)
    .leftJoin(
      agentConfigs,
      and(eq(agentConfigs.batchId, executions.batchId), eq(agentConfigs.version, executions.configVersion)),
    )
    .where(eq(executions.id, executionId));
  if (!row) return undefined;
  if (!row.config) {
    throw new Error(
      `Execution ${executionId} runs version ${row.version} of batch ${row.batchId}'s agent config, which does not exist`,
    );
  }
  return row.config;
}

/** The re-runs of an execution, newest first. */
export async function listRerunsOf(db: DbOrTx, parentId: string): Promise<ExecutionRow[]> {
  if (!isUuid(parentId)) return [];
  return db
    .select()
    .from(executions)
    .where(eq(executions.parentExecutionId, parentId))
    .orderBy(desc(executions.createdAt));
}

/** Executions of a project that are running, paused or stopping. */
export async function countActiveExecutionsOfProject(db: DbOrTx, projectId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(executions)
    .innerJoin(batches, eq(batches.id, executions.batchId))
    .where(and(eq(batches.projectId, projectId), inArray(executions.status, ["running", "paused", "stopping"])));
  return row?.n ?? 0;
}

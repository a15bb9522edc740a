import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt, ne, type SQL, sql } from "drizzle-orm";
import type { JobStatus } from "@/lib/contract/resources";
import type { DbOrTx } from "../db/client";
import { rowsOf } from "../db/rows";
import { batchInputs, executions, jobScreenshots, jobSteps, jobs, type WorkerStatus, workers } from "../db/schema";
import { isUuid } from "./projects";

export type JobRow = typeof jobs.$inferSelect;
export type StepRow = typeof jobSteps.$inferSelect;
/** Any column but the status, which moves only with a JobMove. */
type JobPatch = Partial<Omit<typeof jobs.$inferInsert, "id" | "status">>;

/** A compare-and-set of a job's status, taken from the job state machine (jobs/machine.ts). */
export interface JobMove {
  from: JobStatus;
  to: JobStatus;
}

export async function findJob(db: DbOrTx, id: string): Promise<JobRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

export async function hasScreenshot(db: DbOrTx, jobId: string): Promise<boolean> {
  const [row] = await db
    .select({ jobId: jobScreenshots.jobId })
    .from(jobScreenshots)
    .where(eq(jobScreenshots.jobId, jobId));
  return row !== undefined;
}

export async function stepsOfJob(db: DbOrTx, jobId: string): Promise<StepRow[]> {
  return db.select().from(jobSteps).where(eq(jobSteps.jobId, jobId)).orderBy(asc(jobSteps.id));
}

/** A claimed job with the input row it came from, for {{column}} templating. */
export type ClaimedRow = JobRow & { row: Record<string, string> };

/**
 * Claims up to `limit` due jobs of an execution in `move.from` (queued) in input order. The caller holds the
 * execution's lock (so the count it checked cannot change); SKIP LOCKED keeps two claimers off the same rows.
 */
export async function claimQueued(
  tx: DbOrTx,
  executionId: string,
  move: JobMove,
  claim: { limit: number; workerId: string; leaseSeconds: number },
): Promise<ClaimedRow[]> {
  const { limit, ...by } = claim;
  return (await claimQueuedAcross(tx, [{ executionId, limit }], move, by)).get(executionId) ?? [];
}

/**
 * `claimQueued` for several executions in one statement, which also reads each job's input row; answers the
 * claimed jobs per execution, in input order.
 */
export async function claimQueuedAcross(
  tx: DbOrTx,
  picks: { executionId: string; limit: number }[],
  move: JobMove,
  { workerId, leaseSeconds }: { workerId: string; leaseSeconds: number },
): Promise<Map<string, ClaimedRow[]>> {
  const wanted = picks.filter((p) => p.limit > 0);
  if (wanted.length === 0) return new Map();
  const list = JSON.stringify(wanted.map((p) => ({ execution_id: p.executionId, lim: p.limit })));
  const rows = await tx
    .update(jobs)
    .set({
      status: move.to,
      workerId,
      leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})`,
      startedAt: sql`now()`,
      completedAt: null,
      currentStep: "Starting…",
      currentUrl: jobs.siteUrl,
      progressPercentage: 0,
      runAfter: null,
      updatedAt: sql`now()`,
    })
    // ARRAY(…) runs the locking subquery once (an InitPlan). As `IN (…)` it may run again per row, and each run
    // skips the rows this statement has just claimed and locks the next ones: far more than the limits.
    .where(
      sql`${jobs.id} = any(array(
        select picked.id from jsonb_to_recordset(${list}::jsonb) as p(execution_id uuid, lim integer)
        cross join lateral (
          select q.id from ${jobs} as q
          where q.execution_id = p.execution_id and q.status = ${move.from}
            and (q.run_after is null or q.run_after <= now())
          -- (status, row_index) as the index jobs_execution_status_row_idx has them: the queued rows come
          -- first, not after a walk over every finished job of the execution
          order by q.status, q.row_index limit p.lim
          for update of q skip locked
        ) as picked))`,
    )
    .returning({
      ...getTableColumns(jobs),
      row: sql<Record<
        string,
        string
      > | null>`(select ${batchInputs.data} from ${batchInputs} where ${batchInputs.id} = ${jobs.batchInputId})`,
    });
  const claimed = new Map<string, ClaimedRow[]>();
  for (const r of rows.sort((a, b) => a.rowIndex - b.rowIndex)) {
    const of = claimed.get(r.executionId) ?? [];
    of.push({ ...r, row: r.row ?? {} });
    claimed.set(r.executionId, of);
  }
  return claimed;
}

/**
 * The earliest `run_after` of a backed-off job that could start once due: its execution is running
 * with a free slot. It may already be in the past (it came due while the claim ran).
 */
export async function nextRunAfter(db: DbOrTx): Promise<Date | null> {
  const [row] = await db
    .select({ at: sql<Date | string | null>`min(${jobs.runAfter})` })
    .from(jobs)
    .innerJoin(executions, eq(executions.id, jobs.executionId))
    .where(
      and(
        eq(jobs.status, "queued"),
        isNotNull(jobs.runAfter),
        eq(executions.status, "running"),
        lt(executions.runningCount, executions.concurrency),
      ),
    );
  return row?.at ? new Date(row.at) : null;
}

/** Rows of the input each claimed job came from, for {{column}} templating. */
export async function inputRows(db: DbOrTx, batchInputIds: string[]): Promise<Map<string, Record<string, string>>> {
  if (batchInputIds.length === 0) return new Map();
  const rows = await db
    .select({ id: batchInputs.id, data: batchInputs.data })
    .from(batchInputs)
    .where(inArray(batchInputs.id, batchInputIds));
  return new Map(rows.map((r) => [r.id, r.data]));
}

/**
 * Moves a job its worker holds (`heldBy`; null for a job held by nobody) out of `move.from`, and lets go of
 * it: worker and lease are cleared. Undefined when the job is no longer there (its lease was lost).
 */
export async function moveHeldJob(
  tx: DbOrTx,
  jobId: string,
  heldBy: string | null,
  move: JobMove,
  patch: JobPatch,
): Promise<JobRow | undefined> {
  const [row] = await tx
    .update(jobs)
    .set({ ...patch, status: move.to, workerId: null, leaseExpiresAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(jobs.id, jobId),
        eq(jobs.status, move.from),
        heldBy === null ? isNull(jobs.workerId) : eq(jobs.workerId, heldBy),
      ),
    )
    .returning();
  return row;
}

/** Moves every job of an execution in `move.from` (queued) in one statement, as ended now; returns how many. */
/** A held job's end (completed, or failed for good) in a batch of ends: see endHeldJobs. */
export interface JobEnd {
  id: string;
  move: JobMove;
  completedAt: Date;
  /** "Done" or "Failed": what the job's row shows as its last step. */
  currentStep: string;
  /** Written for a completed job; a failed one keeps what it had. */
  extractedData: Record<string, unknown> | null;
  errorMessage: string | null;
  executionDurationMs: number;
  finalUrl: string | null;
  httpStatus: number | null;
  /** A goal-driven agent's spend and transcript of this attempt; absent, the row keeps its own. */
  spent?: { usage: unknown; transcript: unknown };
}

/**
 * Ends many jobs `heldBy` holds in one statement, each with its own values, lets go of them (worker and lease
 * cleared) and appends their step logs. Answers when each moved, by id; a job no longer where its move expects (its
 * lease was lost) is absent, and its steps are not written.
 */
export async function endHeldJobs(
  tx: DbOrTx,
  heldBy: string,
  ends: JobEnd[],
  logs: { jobId: string; steps: StepEntry[] }[],
): Promise<Map<string, Date>> {
  if (ends.length === 0) return new Map();
  const steps = logs.flatMap(({ jobId, steps }) =>
    steps.map((s) => ({ job_id: jobId, at: s.at.toISOString(), step: s.step, url: s.url, percent: s.percent })),
  );
  const values = ends.map((e) => ({
    id: e.id,
    from_status: e.move.from,
    to_status: e.move.to,
    completed_at: e.completedAt.toISOString(),
    current_step: e.currentStep,
    completed: e.move.to === "completed",
    extracted_data: e.extractedData,
    error_message: e.errorMessage,
    execution_duration_ms: e.executionDurationMs,
    final_url: e.finalUrl,
    http_status: e.httpStatus,
    spent: e.spent !== undefined,
    usage: e.spent?.usage ?? null,
    transcript: e.spent?.transcript ?? null,
  }));
  // One statement: the job rows, and the step logs of the jobs that did move (a lost job's steps are dropped).
  const result = await tx.execute(sql`
    with ended as (
    update ${jobs} set
      status = v.to_status,
      completed_at = v.completed_at,
      current_step = v.current_step,
      progress_percentage = case when v.completed then 100 else ${jobs.progressPercentage} end,
      extracted_data = case when v.completed then v.extracted_data else ${jobs.extractedData} end,
      error_message = v.error_message,
      execution_duration_ms = v.execution_duration_ms,
      final_url = v.final_url,
      http_status = v.http_status,
      usage = case when v.spent then v.usage else ${jobs.usage} end,
      transcript = case when v.spent then v.transcript else ${jobs.transcript} end,
      worker_id = null,
      lease_expires_at = null,
      updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(
      id uuid, from_status text, to_status text, completed_at timestamptz, current_step text, completed boolean,
      extracted_data jsonb, error_message text, execution_duration_ms integer, final_url text, http_status smallint,
      spent boolean, usage jsonb, transcript jsonb)
    where ${jobs.id} = v.id and ${jobs.status} = v.from_status and ${jobs.workerId} = ${heldBy}
      -- the ids again, as a list: the rows come by primary key, not from a scan of every job
      and ${inArray(
        jobs.id,
        ends.map((e) => e.id),
      )}
    returning ${jobs.id} as id, ${jobs.completedAt} as completed_at
    ), logged as (
      insert into ${jobSteps} (job_id, at, step, url, percent)
      select s.job_id, s.at, s.step, s.url, s.percent
      from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb)
        as s(job_id uuid, at timestamptz, step text, url text, percent smallint)
      where s.job_id in (select id from ended)
    )
    select id, completed_at from ended`);
  return new Map(
    rowsOf<{ id: string; completed_at: Date | string }>(result).map((r) => [r.id, new Date(r.completed_at)]),
  );
}

export async function endAllJobs(tx: DbOrTx, executionId: string, move: JobMove): Promise<number> {
  const rows = await tx
    .update(jobs)
    .set({ status: move.to, completedAt: sql`now()`, currentStep: null, updatedAt: sql`now()` })
    .where(and(eq(jobs.executionId, executionId), eq(jobs.status, move.from)))
    .returning({ id: jobs.id });
  return rows.length;
}

export async function renewLeases(
  db: DbOrTx,
  jobIds: string[],
  workerId: string,
  leaseSeconds: number,
): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const rows = await db
    .update(jobs)
    .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(and(inArray(jobs.id, jobIds), eq(jobs.status, "running"), eq(jobs.workerId, workerId)))
    .returning({ id: jobs.id });
  return new Set(rows.map((r) => r.id));
}

export async function expiredLeases(db: DbOrTx, limit = 500): Promise<{ id: string; executionId: string }[]> {
  return db
    .select({ id: jobs.id, executionId: jobs.executionId })
    .from(jobs)
    .where(and(eq(jobs.status, "running"), lt(jobs.leaseExpiresAt, sql`now()`)))
    .limit(limit);
}

/** Running jobs whose worker is gone (declared dead, or stopped without releasing them). */
export async function runningOfGoneWorkers(
  db: DbOrTx,
  limit = 500,
): Promise<{ id: string; executionId: string; workerId: string; workerStatus: WorkerStatus }[]> {
  return db
    .select({
      id: jobs.id,
      executionId: jobs.executionId,
      workerId: sql<string>`${jobs.workerId}`,
      workerStatus: workers.status,
    })
    .from(jobs)
    .innerJoin(workers, eq(workers.id, jobs.workerId))
    .where(and(eq(jobs.status, "running"), inArray(workers.status, ["stopped", "dead"])))
    .limit(limit);
}

/** Running jobs held by anyone but `selfId`: for the only process there is (embedded), a previous owner's. */
export async function runningNotOf(
  db: DbOrTx,
  selfId: string,
): Promise<{ id: string; executionId: string; workerId: string }[]> {
  return db
    .select({ id: jobs.id, executionId: jobs.executionId, workerId: sql<string>`${jobs.workerId}` })
    .from(jobs)
    .where(and(eq(jobs.status, "running"), ne(jobs.workerId, selfId)));
}

/** Locks a job that is still running on `workerId` (checked again under the execution's lock). */
export async function lockRunningOf(tx: DbOrTx, jobId: string, workerId: string): Promise<JobRow | undefined> {
  const [row] = await tx
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running"), eq(jobs.workerId, workerId)))
    .for("update");
  return row;
}

/** For each of `workerIds`: its running jobs in all, and those of one execution. */
export async function runningByWorker(
  tx: DbOrTx,
  executionId: string,
  workerIds: string[],
): Promise<Map<string, { total: number; inExecution: number }>> {
  if (workerIds.length === 0) return new Map();
  const rows = await tx
    .select({
      workerId: sql<string>`${jobs.workerId}`,
      total: sql<number>`count(*)::int`,
      inExecution: sql<number>`(count(*) filter (where ${jobs.executionId} = ${executionId}))::int`,
    })
    .from(jobs)
    .where(and(eq(jobs.status, "running"), inArray(jobs.workerId, workerIds)))
    .groupBy(jobs.workerId);
  return new Map(rows.map((r) => [r.workerId, { total: Number(r.total), inExecution: Number(r.inExecution) }]));
}

/** Locks a running job whose lease has expired (checked again under the execution's lock). */
export async function lockExpiredJob(tx: DbOrTx, jobId: string): Promise<JobRow | undefined> {
  const [row] = await tx
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running"), lt(jobs.leaseExpiresAt, sql`now()`)))
    .for("update");
  return row;
}

export interface StepEntry {
  step: string;
  url: string | null;
  percent: number | null;
  at: Date;
}

/** Latest progress of a running job; written at most a few times a second per job. */
export async function saveProgress(
  db: DbOrTx,
  jobId: string,
  p: { currentStep: string; currentUrl: string | null; progressPercentage: number },
  steps: StepEntry[],
) {
  await db
    .update(jobs)
    .set({ ...p, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running")));
  await appendSteps(db, jobId, steps);
}

export async function appendSteps(db: DbOrTx, jobId: string, steps: StepEntry[]) {
  if (steps.length > 0) await db.insert(jobSteps).values(steps.map((s) => ({ jobId, ...s })));
}

export interface JobPage {
  rows: JobRow[];
  next: { key: string; id: string } | null;
}

const FINISHED: JobStatus[] = ["completed", "failed", "cancelled"];

/**
 * Keyset pages of an execution's jobs. Finished-only filters list newest finished first (the results
 * table); anything else lists in input order.
 */
export async function listJobs(
  db: DbOrTx,
  executionId: string,
  statuses: JobStatus[] | null,
  limit: number,
  after: { key: string; id: string } | null,
): Promise<JobPage> {
  const finishedOrder = statuses?.every((s) => FINISHED.includes(s));
  const filters: SQL[] = [eq(jobs.executionId, executionId)];
  if (statuses) filters.push(inArray(jobs.status, statuses));
  if (after) {
    filters.push(
      finishedOrder
        ? sql`(coalesce(${jobs.completedAt}, 'epoch'::timestamptz), ${jobs.id}) < (${after.key}::timestamptz, ${after.id}::uuid)`
        : sql`(${jobs.rowIndex}, ${jobs.id}) > (${Number(after.key)}, ${after.id}::uuid)`,
    );
  }
  const order = finishedOrder
    ? [desc(sql`coalesce(${jobs.completedAt}, 'epoch'::timestamptz)`), desc(jobs.id)]
    : [asc(jobs.rowIndex), asc(jobs.id)];
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...filters))
    .orderBy(...order)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last
      ? { key: finishedOrder ? (last.completedAt ?? new Date(0)).toISOString() : String(last.rowIndex), id: last.id }
      : null;
  return { rows: page, next };
}

/** Distinct keys of the extracted data of an execution's jobs: the export's field columns. */
export async function extractedKeys(db: DbOrTx, executionId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ key: sql<string>`jsonb_object_keys(${jobs.extractedData})` })
    .from(jobs)
    .where(and(eq(jobs.executionId, executionId), sql`jsonb_typeof(${jobs.extractedData}) = 'object'`));
  return rows.map((r) => r.key).sort();
}

/** A page of an execution's jobs in input order, each with its input row: the export's rows. */
export async function exportPage(db: DbOrTx, executionId: string, afterRowIndex: number, limit: number) {
  return db
    .select({ job: jobs, data: batchInputs.data })
    .from(jobs)
    .innerJoin(batchInputs, eq(batchInputs.id, jobs.batchInputId))
    .where(and(eq(jobs.executionId, executionId), sql`${jobs.rowIndex} > ${afterRowIndex}`))
    .orderBy(asc(jobs.rowIndex))
    .limit(limit);
}

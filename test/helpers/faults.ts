import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/server/db/client";
import { executionEvents, jobs } from "@/server/db/schema";
import { countersAndTruth, gapFreeLog, peakRunning } from "./engine";
import type { RunningServer } from "./server";

/**
 * Checks for fault tests, read from the database after (or during) a run: each job attempt with the
 * worker that ran it and when, from the `job_started` / `job_completed` / `job_failed` events.
 */

export interface Attempt {
  executionId: string;
  jobId: string;
  workerId: string;
  /** Database clock, microseconds: the start and end of the attempt's transactions. */
  startUs: number;
  /** null while it runs. */
  endUs: number | null;
  /** Why it ended, for a requeued attempt. */
  error: string | null;
}

/** Every job attempt of these executions, in each execution's event order. */
export async function attemptsOf(db: Db, executionIds: string[]): Promise<Attempt[]> {
  const rows = await db
    .select({
      executionId: executionEvents.executionId,
      type: executionEvents.type,
      data: executionEvents.data,
      // Microseconds, not the millisecond Date a timestamp column maps to: ties at 1 ms would hide overlaps.
      atUs: sql<string>`(extract(epoch from ${executionEvents.createdAt}) * 1000000)::bigint::text`,
    })
    .from(executionEvents)
    .where(
      and(
        inArray(executionEvents.executionId, executionIds),
        inArray(executionEvents.type, ["job_started", "job_completed", "job_failed"]),
      ),
    )
    .orderBy(asc(executionEvents.executionId), asc(executionEvents.seq));
  const open = new Map<string, Attempt>();
  const attempts: Attempt[] = [];
  for (const row of rows) {
    const jobId = String(row.data.jobId);
    const at = Number(row.atUs);
    if (row.type === "job_started") {
      const workerId = row.data.workerId;
      if (typeof workerId !== "string") throw new Error(`job_started of ${jobId} does not say which worker claimed it`);
      const attempt: Attempt = { executionId: row.executionId, jobId, workerId, startUs: at, endUs: null, error: null };
      open.set(jobId, attempt);
      attempts.push(attempt);
    } else {
      const attempt = open.get(jobId);
      if (!attempt) throw new Error(`${row.type} of ${jobId} without a job_started before it`);
      attempt.endUs = at;
      attempt.error = typeof row.data.error === "string" ? row.data.error : null;
      open.delete(jobId);
    }
  }
  return attempts;
}

/**
 * The most attempts each worker ran at one instant. An attempt is stamped with the start times of the
 * transactions that claimed and ended it; a worker books its slot before the claiming transaction begins
 * and frees it after the ending one commits, so each stamped interval lies inside the worker's own hold
 * on the slot, and overlaps here are real. (An execution's limit is checked in commit order instead, by
 * seq: its claims queue on the execution's lock, and a transaction that began earlier may take it later.)
 * A slot handed over in one transaction ends one attempt as the next starts, so ends count first.
 */
export function peakPerWorker(attempts: Attempt[]): Map<string, number> {
  const edges: { worker: string; at: number; delta: 1 | -1 }[] = [];
  for (const a of attempts) {
    edges.push({ worker: a.workerId, at: a.startUs, delta: 1 });
    if (a.endUs !== null) edges.push({ worker: a.workerId, at: a.endUs, delta: -1 });
  }
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta);
  const now = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const e of edges) {
    const n = (now.get(e.worker) ?? 0) + e.delta;
    now.set(e.worker, n);
    peak.set(e.worker, Math.max(peak.get(e.worker) ?? 0, n));
  }
  return peak;
}

/** Running jobs of an execution per worker, from the job rows. */
export async function runningPerWorker(db: Db, executionId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ workerId: jobs.workerId, n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(and(eq(jobs.executionId, executionId), eq(jobs.status, "running")))
    .groupBy(jobs.workerId);
  return new Map(rows.map((r) => [r.workerId ?? "", Number(r.n)]));
}

export interface RunReport {
  jobs: number;
  attempts: number;
  peakPerExecution: number;
  peakPerWorker: number;
  workers: number;
}

/**
 * What every fault test asserts once its executions finished: each completed with every job completed
 * exactly once, gap-free event logs, counters equal to the job rows, and neither the execution's
 * concurrency nor any worker's slots ever exceeded.
 */
export async function expectRunIntact(
  db: Db,
  executions: { id: string; concurrency: number; jobs: number }[],
  slots: number,
): Promise<RunReport> {
  let peakPerExecution = 0;
  for (const { id, concurrency, jobs: total } of executions) {
    const { execution, counters, truth } = await countersAndTruth(db, id);
    expect(execution.status).toBe("completed");
    expect(counters).toEqual(truth);
    expect(truth).toMatchObject({ completed: total, running: 0, queued: 0, failed: 0, cancelled: 0 });
    const events = await gapFreeLog(db, id);
    const completed = events.filter((e) => e.type === "job_completed").map((e) => e.data.jobId);
    expect(completed).toHaveLength(total);
    expect(new Set(completed).size).toBe(total);
    expect(events.filter((e) => e.type === "execution_completed")).toHaveLength(1);
    expect(peakRunning(events)).toBeLessThanOrEqual(concurrency);
    peakPerExecution = Math.max(peakPerExecution, peakRunning(events));
  }
  const attempts = await attemptsOf(
    db,
    executions.map((e) => e.id),
  );
  expect(attempts.filter((a) => a.endUs === null)).toEqual([]);
  const perWorker = peakPerWorker(attempts);
  for (const [worker, peak] of perWorker) expect({ worker, peak }).toEqual({ worker, peak: Math.min(peak, slots) });
  return {
    jobs: executions.reduce((n, e) => n + e.jobs, 0),
    attempts: attempts.length,
    peakPerExecution,
    peakPerWorker: Math.max(0, ...perWorker.values()),
    workers: perWorker.size,
  };
}

/** Every process the test expects to be running still is (none exited or was killed behind its back). */
export function expectAlive(processes: RunningServer[]): void {
  for (const p of processes)
    expect({ pid: p.process.pid, exitCode: p.process.exitCode, signal: p.process.signalCode }).toEqual({
      pid: p.process.pid,
      exitCode: null,
      signal: null,
    });
}

/** Seconds with one decimal, for the summaries fault tests print. */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

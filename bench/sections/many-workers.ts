/**
 * `npm run bench -- --only workers`: what more worker processes buy on one PostgreSQL database, and how an execution
 * of 100,000 jobs reads and exports. Worker processes are the real `server.ts` in the worker role (test/helpers/fleet.ts);
 * executions are created by a web-role runtime in this process, through the product's startExecution.
 */
import { performance } from "node:perf_hooks";
import { and, count, eq, inArray, max, notInArray, sql } from "drizzle-orm";
import type { ExecutionEvent } from "@/lib/contract/events";
import type { Db } from "@/server/db/client";
import { batches, executions } from "@/server/db/schema";
import { noteBulkInsert, settledStatistics } from "@/server/db/statistics";
import { exportResults } from "@/server/executions/export";
import { getExecution, listJobs, liveStats, startExecution } from "@/server/executions/service";
import { eventsAfter } from "@/server/repos/events";
import { Scheduler } from "@/server/scheduler/scheduler";
import { insertFixture } from "../../test/helpers/fixtures";
import { Fleet } from "../../test/helpers/fleet";
import type { SectionContext } from "../auth";
import { type PgActivity, postgresBaseUrl, sampleActivity, topWaits } from "../lib/postgres";
import { type PostgresCpu, postgresCpu } from "../lib/postgres-cpu";
import { type Distribution, distribution, fmt, until } from "../lib/stats";
import { checkExecutions, createExecutions, freshRuntime } from "./fleetdeck-queue";

interface Params {
  workerCounts: number[];
  executions: number;
  jobsPerExecution: number;
  concurrency: number;
  jobMs: number;
  /**
   * WORKER_SLOTS of every worker: all the executions' slots (20 × 10), so even one worker could hold every job the
   * executions allow. No worker count is bound by its slots; the executions' limits are the only bound, and what
   * changes with the count is processes (CPU, claims racing each other) alone.
   */
  slots: number;
  warmUpJobs: number;
  bigJobs: number;
  bigFinished: number;
  reads: number;
}

const FULL: Params = {
  workerCounts: [1, 2, 4, 8],
  executions: 20,
  jobsPerExecution: 150,
  concurrency: 10,
  jobMs: 50,
  slots: 200,
  warmUpJobs: 50,
  bigJobs: 100_000,
  bigFinished: 5_000,
  reads: 1_000,
};

const QUICK: Params = {
  ...FULL,
  workerCounts: [1, 2],
  jobsPerExecution: 25,
  bigJobs: 10_000,
  bigFinished: 1_000,
  reads: 200,
};

/** The next worker count must add at least this share of jobs/s, or the fleet has saturated. */
const SATURATION_GAIN = 0.1;

const simulated = (durationMs: number) => ({
  engine: "simulated" as const,
  simulate: { durationMs, failRate: 0 },
  maxRetries: 0,
});

export interface ScaleOutRun {
  workers: number;
  jobs: number;
  /** Worker processes started and knowing each other, and the warm-up execution, ms (not in the drain). */
  startupMs: number;
  /** The startExecution calls of all executions, ms (inside the drain: workers claim meanwhile). */
  enqueueMs: number;
  /** First startExecution call → the last execution's completedAt. */
  drainMs: number;
  jobsPerSec: number;
  endToNextStartMs: Distribution;
  postgres: PostgresCpu;
  activity: PgActivity;
  /** What the worker processes logged at warn level or above, by message, and how often. */
  workerWarnings: Record<string, number>;
  problems: string[];
}

export interface BigExecution {
  jobs: number;
  finished: number;
  liveStatsMs: Distribution;
  viewerSnapshotMs: Distribution;
  export: { seconds: number; rows: number; rowsPerSec: number; bytes: number };
  problems: string[];
}

export interface WorkersResult {
  params: Params;
  scaleOut: ScaleOutRun[];
  errors: Record<string, string>;
  saturatesAt: number | null;
  bigExecution: BigExecution | null;
}

export async function runWorkersSection(ctx: SectionContext): Promise<WorkersResult | null> {
  const p = ctx.quick ? QUICK : FULL;
  const heading = `### 7. Many workers: scale-out on one PostgreSQL database (${p.executions} executions at concurrency ${p.concurrency}, ${p.jobMs} ms simulated jobs, ${(p.executions * p.jobsPerExecution).toLocaleString("en-US")} jobs per run, WORKER_SLOTS=${p.slots} per worker; one run per count)`;
  const bigLabel = `${p.bigJobs.toLocaleString("en-US")}-job execution`;
  if (!ctx.hasPg) {
    ctx.print(heading);
    ctx.print();
    ctx.table(["worker processes", "jobs/s"], [["all", ctx.noPg]]);
    ctx.print(`A ${bigLabel}: ${ctx.noPg}.`);
    ctx.print();
    return null;
  }

  const scaleOut: ScaleOutRun[] = [];
  const errors: Record<string, string> = {};
  for (const workers of p.workerCounts) {
    ctx.progress(
      `workers: ${workers} worker process${workers > 1 ? "es" : ""}, ${p.executions * p.jobsPerExecution} jobs`,
    );
    try {
      scaleOut.push(await scaleOutRun(workers, p));
    } catch (e) {
      errors[workers] = ctx.errText(e);
    }
  }
  const saturatesAt = saturation(scaleOut);
  const one = scaleOut.find((r) => r.workers === 1);
  ctx.print(heading);
  ctx.print();
  ctx.table(
    [
      "worker processes",
      "jobs/s",
      "÷ 1 worker",
      "job end → next start, ms p50 / p99",
      "PostgreSQL CPU, cores",
      "PG waits",
      "correctness",
    ],
    p.workerCounts.map((workers) => {
      const r = scaleOut.find((x) => x.workers === workers);
      if (!r) return [String(workers), errors[workers] ?? "error", "", "", "", "", ""];
      return [
        String(workers),
        fmt(r.jobsPerSec, 0),
        one ? `${fmt(r.jobsPerSec / one.jobsPerSec, 2)}×` : "",
        `${fmt(r.endToNextStartMs.p50)} / ${fmt(r.endToNextStartMs.p99)}`,
        fmt(r.postgres.coresUsed, 2),
        topWaits(r.activity, 3),
        r.problems.length ? `${r.problems.length} problem(s)` : "every job once, no gap",
      ];
    }),
  );
  for (const r of scaleOut) {
    const warnings = Object.entries(r.workerWarnings).sort((a, b) => b[1] - a[1]);
    if (!warnings.length) continue;
    const top = warnings.slice(0, 3).map(([message, n]) => `${n}× "${message}"`);
    ctx.print(`Worker warnings at ${r.workers} worker${r.workers > 1 ? "s" : ""}: ${top.join("; ")}.`);
    ctx.print();
  }
  const largest = Math.max(...scaleOut.map((r) => r.workers));
  ctx.print(
    `Saturates at: ${
      saturatesAt === null
        ? `not within ${largest} worker${largest > 1 ? "s" : ""}`
        : `${saturatesAt} worker${saturatesAt > 1 ? "s" : ""} (the next count adds < ${SATURATION_GAIN * 100} % jobs/s)`
    }. Workers are started and know each other, and one warm-up execution has run, before the clock starts; the clock then runs from the first startExecution call (the ${p.executions} are started at once) to the last execution's completedAt. Job end → next start: replaying each execution's log, every job_completed frees a slot and the next job_started takes the oldest freed one: its data.startedAt (the claiming transaction's now()) − the freeing job's data.completedAt; the first fill counts nothing, and a hand-over inside the finishing transaction counts 0. PostgreSQL CPU: utime + stime from /proc (sampled every 250 ms) of the postmaster, its background processes and this run's backends, ÷ wall time.`,
  );
  ctx.print();

  let bigExecution: BigExecution | null = null;
  let bigError = "";
  ctx.progress(`workers: a ${bigLabel} (${p.bigFinished.toLocaleString("en-US")} finished first)`);
  try {
    bigExecution = await measureBigExecution(p);
  } catch (e) {
    bigError = ctx.errText(e);
  }
  const b = bigExecution;
  ctx.print(
    `### 7b. A ${bigLabel}${ctx.quick ? " (quick run; the full run uses 100,000)" : ""} part-way through: live reads and CSV export (PostgreSQL, in-process service calls; ${b ? `${b.finished.toLocaleString("en-US")} jobs finished by a real scheduler with 0 ms simulated jobs, which then stopped, so the execution is running with the rest queued and nothing runs while it is measured` : bigError})`,
  );
  ctx.print();
  const reads = (d: Distribution | undefined, goal: string) =>
    d ? [String(d.n), fmt(d.p50), fmt(d.p99), fmt(d.max), goal] : [bigError, "", "", "", goal];
  ctx.table(
    ["read, ms", "calls", "p50", "p99", "max", "goal"],
    [
      [
        "live stats: liveStats() behind GET /api/executions/:id/live-stats",
        ...reads(b?.liveStatsMs, b ? (b.liveStatsMs.p99 <= 10 ? "p99 ≤ 10: met" : "p99 ≤ 10: MISSED") : "p99 ≤ 10"),
      ],
      [
        "the live viewer's opening snapshot: getExecution() + running jobs + newest 100 finished",
        ...reads(b?.viewerSnapshotMs, "—"),
      ],
    ],
  );
  ctx.table(
    ["CSV export (exportResults to a null sink)", "rows", "seconds", "rows/s", "MiB"],
    [
      b
        ? [
            bigLabel,
            b.export.rows.toLocaleString("en-US"),
            fmt(b.export.seconds),
            fmt(b.export.rowsPerSec, 0),
            fmt(b.export.bytes / 2 ** 20, 1),
          ]
        : [bigLabel, bigError, "", "", ""],
    ],
  );
  return { params: p, scaleOut, errors, saturatesAt, bigExecution };
}

/** The last worker count whose successor adds less than SATURATION_GAIN; null if every step still gains that much. */
export function saturation(runs: ScaleOutRun[]): number | null {
  const sorted = [...runs].sort((a, b) => a.workers - b.workers);
  for (let i = 0; i + 1 < sorted.length; i++)
    if (sorted[i + 1]!.jobsPerSec < sorted[i]!.jobsPerSec * (1 + SATURATION_GAIN)) return sorted[i]!.workers;
  return null;
}

async function scaleOutRun(workers: number, p: Params): Promise<ScaleOutRun> {
  const t0 = performance.now();
  const fleet = await startFleet({ WORKER_SLOTS: String(p.slots) });
  try {
    await Promise.all(Array.from({ length: workers }, () => fleet.startWorker()));
    await fleet.acquainted();
    const { db } = fleet.runtime;
    // Each worker's first jobs load code and warm the JIT: not part of what is measured.
    await allFinished(db, await createExecutions(fleet.runtime, 1, p.warmUpJobs, p.concurrency, simulated(0)));
    const startupMs = performance.now() - t0;

    // The inputs exist before the clock starts: starting an execution is what puts its jobs in the queue.
    const batchIds: string[] = [];
    for (let i = 0; i < p.executions; i++)
      batchIds.push((await insertFixture(db, { rows: p.jobsPerExecution, agent: simulated(p.jobMs) })).batch.id);
    const database = await databaseName(db);
    const activity = sampleActivity(database);
    const cpu = await postgresCpu(database);
    const startedAt = Date.now();
    const ids = (
      await Promise.all(batchIds.map((id) => startExecution(id, { mode: "production", concurrency: p.concurrency })))
    ).map((e) => e.id);
    const enqueueMs = Date.now() - startedAt;
    await allFinished(db, ids);
    const postgres = await cpu.stop();
    const waits = await activity.stop();
    const [last] = await db
      .select({ at: max(executions.completedAt) })
      .from(executions)
      .where(inArray(executions.id, ids));
    const drainMs = last!.at!.getTime() - startedAt;

    const problems = await checkExecutions(fleet.runtime, ids, p.jobsPerExecution, p.concurrency);
    const gaps: number[] = [];
    for (const id of ids) gaps.push(...endToNextStartMs(await eventsAfter(db, id, 0, 1_000_000)));
    const jobs = p.executions * p.jobsPerExecution;
    const workerWarnings = warningsOf(fleet.workers.map((w) => w.output()).join("\n"));
    return {
      workers,
      jobs,
      startupMs,
      enqueueMs,
      drainMs,
      jobsPerSec: (jobs / drainMs) * 1000,
      endToNextStartMs: distribution(gaps),
      postgres,
      activity: waits,
      workerWarnings,
      problems,
    };
  } finally {
    await fleet.close();
  }
}

/**
 * "Job end → next start" of one execution's log, in commit order: each job_completed / job_failed frees a slot;
 * each job_started takes the oldest freed slot waiting and counts its startedAt − that completedAt. Starts with no
 * freed slot waiting (the first fill) count nothing. startedAt is the claiming transaction's now(), taken before
 * the finishing job's completedAt when the slot is handed over inside the finishing transaction: that counts 0.
 */
export function endToNextStartMs(events: ExecutionEvent[]): number[] {
  const freedAt: number[] = [];
  let taken = 0;
  const gaps: number[] = [];
  for (const event of events) {
    if (event.type === "job_completed" || event.type === "job_failed") {
      const { completedAt } = event.data as { completedAt?: string };
      if (completedAt) freedAt.push(Date.parse(completedAt));
    } else if (event.type === "job_started" && taken < freedAt.length) {
      const { startedAt } = event.data as { startedAt: string };
      gaps.push(Math.max(0, Date.parse(startedAt) - freedAt[taken++]!));
    }
  }
  return gaps;
}

/** One execution of `p.bigJobs` jobs with `p.bigFinished` or more finished: its live reads and its CSV export. */
async function measureBigExecution(p: Params): Promise<BigExecution> {
  const started = await freshRuntime("postgres");
  const { runtime } = started;
  const { db } = runtime;
  const problems: string[] = [];
  try {
    const { batch } = await insertFixture(db, { rows: 0, agent: simulated(0) });
    // One statement instead of the upload path: the rows are what an upload of this size leaves in batch_inputs.
    await db.execute(sql`
      insert into batch_inputs (batch_id, row_index, input_id, site_url, data)
      select ${batch.id}, i, i::text, 'https://example.com/' || i,
             jsonb_build_object('url', 'https://example.com/' || i, 'name', 'Row ' || i)
      from generate_series(1, ${p.bigJobs}::int) as i`);
    await db.update(batches).set({ rowCount: p.bigJobs }).where(eq(batches.id, batch.id));
    noteBulkInsert(db, "batch_inputs", p.bigJobs);
    const { id } = await startExecution(batch.id, { mode: "production", concurrency: p.concurrency });

    const scheduler = Scheduler.fromRuntime(runtime, { slots: p.concurrency }).start();
    try {
      await until(
        async () => (await getExecution(id)).stats.completed >= p.bigFinished,
        `${p.bigFinished} jobs finished`,
        300_000,
        100,
      );
    } finally {
      await scheduler.stop(5_000);
    }
    // The ANALYZE that startExecution set off must not run inside the measured reads.
    await settledStatistics(db);
    const execution = await getExecution(id);
    const finished = execution.stats.completed + execution.stats.failed;

    const liveStatsMs = await timedCalls(p.reads, () => liveStats(id));
    const viewerSnapshotMs = await timedCalls(p.reads, async () => {
      // What the live viewer loads when it opens (loadExecutionSnapshot), before its stream takes over.
      await getExecution(id);
      await Promise.all([
        listJobs(id, { statuses: ["running"], limit: 100, cursor: null }),
        listJobs(id, { statuses: ["completed", "failed"], limit: 100, cursor: null }),
      ]);
    });

    const t0 = performance.now();
    const { body } = await exportResults(id, "csv");
    let bytes = 0;
    let lines = 0;
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    }
    const seconds = (performance.now() - t0) / 1000;
    const rows = lines - 1; // the header
    if (rows !== p.bigJobs) problems.push(`CSV export: ${rows} rows, want ${p.bigJobs}`);
    return {
      jobs: p.bigJobs,
      finished,
      liveStatsMs,
      viewerSnapshotMs,
      export: { seconds, rows, rowsPerSec: rows / seconds, bytes },
      problems,
    };
  } finally {
    await started.stop();
  }
}

/** `n` sequential calls after 20 untimed ones, ms each. */
async function timedCalls(n: number, call: () => Promise<unknown>): Promise<Distribution> {
  for (let i = 0; i < 20; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return distribution(ms);
}

/** Log lines at warn level or above (pino's JSON lines: 40 = warn), counted by message and error. */
function warningsOf(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const { level, msg, err } = JSON.parse(line) as { level: number; msg: string; err?: { message?: string } };
      if (level < 40) continue;
      const key = `${msg}${err?.message ? ` (${err.message})` : ""}`.slice(0, 200);
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      /* not a log line */
    }
  }
  return counts;
}

/** Fleet.start makes its database on TEST_DATABASE_URL's server: point it at the benchmark's. */
async function startFleet(workerEnv: Record<string, string>): Promise<Fleet> {
  const saved = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = postgresBaseUrl()!;
  try {
    return await Fleet.start(workerEnv);
  } finally {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
  }
}

async function databaseName(db: Db): Promise<string> {
  const result = await db.execute(sql`select current_database() as name`);
  return (result as unknown as { rows: { name: string }[] }).rows[0]!.name;
}

/** Polls until every execution of `ids` has ended (completed or stopped). */
async function allFinished(db: Db, ids: string[], timeoutMs = 600_000): Promise<void> {
  await until(
    async () => {
      const [row] = await db
        .select({ n: count() })
        .from(executions)
        .where(and(inArray(executions.id, ids), notInArray(executions.status, ["completed", "stopped"])));
      return row!.n === 0;
    },
    `${ids.length} executions to end`,
    timeoutMs,
    100,
  );
}

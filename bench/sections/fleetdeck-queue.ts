import { performance } from "node:perf_hooks";
import type { AgentConfig } from "@/lib/contract/agent";
import { agentFor as defaultAgentFor } from "@/server/agents";
import type { Agent } from "@/server/agents/types";
import { loadEnv } from "@/server/env";
import { startExecution } from "@/server/executions/service";
import { type Runtime, startRuntime, stopRuntime } from "@/server/runtime";
import { Scheduler } from "@/server/scheduler/scheduler";
import { countersAndTruth, gapFreeLog, peakRunning } from "../../test/helpers/engine";
import { insertFixture } from "../../test/helpers/fixtures";
import { freshDatabase, type PgActivity, sampleActivity } from "../lib/postgres";
import { type Distribution, distribution, sleep } from "../lib/stats";

export type DbKind = "pglite" | "postgres";

/** 100 slots = 10 executions of 10 (the default MAX_CONCURRENCY), so several executions share the worker. */
export function layout(concurrency: number): { executions: number; perExecution: number } {
  const perExecution = Math.min(concurrency, 10);
  return { executions: Math.max(1, Math.ceil(concurrency / perExecution)), perExecution };
}

export interface Started {
  runtime: Runtime;
  dbName: string | null;
  stop(): Promise<number>;
}

/** A fresh runtime on a fresh database (in-memory PGlite, or a new PostgreSQL database dropped afterwards). */
export async function freshRuntime(kind: DbKind): Promise<Started> {
  const env = loadEnv({ ...process.env, LOG_LEVEL: "silent", SEED_DEMO: "false", DATABASE_URL: "" });
  if (kind === "pglite") {
    const runtime = await startRuntime({ env, dataDir: "memory", databaseUrl: "" });
    return { runtime, dbName: null, stop: async () => timed(() => stopRuntime(0)) };
  }
  const db = await freshDatabase();
  const runtime = await startRuntime({ env, databaseUrl: db.url });
  return {
    runtime,
    dbName: db.name,
    stop: async () => {
      const ms = await timed(() => stopRuntime(0));
      await db.drop();
      return ms;
    },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const SIMULATED: Partial<AgentConfig> = {
  engine: "simulated",
  simulate: { durationMs: 0, failRate: 0 },
  maxRetries: 0,
};

/** Creates `executions` executions of `perExecution` jobs each, through the product's own startExecution. */
export async function createExecutions(
  runtime: Runtime,
  executions: number,
  jobsPerExecution: number,
  concurrency: number,
  agent: Partial<AgentConfig> = SIMULATED,
) {
  const ids: string[] = [];
  for (let i = 0; i < executions; i++) {
    const { batch } = await insertFixture(runtime.db, { rows: jobsPerExecution, agent });
    ids.push((await startExecution(batch.id, { mode: "production", concurrency })).id);
  }
  return ids;
}

/** Records every execution_completed from the bus (no polling); `all(ids)` resolves once each of ids has completed. */
export function completions(runtime: Runtime) {
  const done = new Set<string>();
  let waiter: { ids: string[]; resolve: () => void } | null = null;
  const check = () => {
    if (waiter?.ids.every((id) => done.has(id))) {
      waiter.resolve();
      waiter = null;
    }
  };
  const off = runtime.bus.onEvent((e) => {
    if (e.type === "execution_completed") {
      done.add(e.executionId);
      check();
    }
  });
  return {
    all(ids: string[]): Promise<void> {
      return new Promise((resolve) => {
        waiter = { ids, resolve };
        check();
      });
    },
    off,
  };
}

/** Every job started once and completed once, no gap in any log, counters agree, concurrency respected. */
export async function checkExecutions(
  runtime: Runtime,
  ids: string[],
  jobsPerExecution: number,
  concurrency: number,
): Promise<string[]> {
  const problems: string[] = [];
  for (const id of ids) {
    let events: Awaited<ReturnType<typeof gapFreeLog>>;
    try {
      events = await gapFreeLog(runtime.db, id);
    } catch (e) {
      problems.push(String((e as Error).message));
      continue;
    }
    const started = new Map<string, number>();
    const completed = new Map<string, number>();
    for (const e of events) {
      const jobId = (e.data as { jobId?: string }).jobId;
      if (e.type === "job_started" && jobId) started.set(jobId, (started.get(jobId) ?? 0) + 1);
      if (e.type === "job_completed" && jobId) completed.set(jobId, (completed.get(jobId) ?? 0) + 1);
    }
    if (started.size !== jobsPerExecution || [...started.values()].some((n) => n !== 1))
      problems.push(`${id}: ${started.size} jobs started (want ${jobsPerExecution}, once each)`);
    if (completed.size !== jobsPerExecution || [...completed.values()].some((n) => n !== 1))
      problems.push(`${id}: ${completed.size} jobs completed (want ${jobsPerExecution}, once each)`);
    const peak = peakRunning(events as never);
    if (peak > concurrency) problems.push(`${id}: ${peak} running at once over concurrency ${concurrency}`);
    const { counters, truth, execution } = await countersAndTruth(runtime.db, id);
    if (JSON.stringify(counters) !== JSON.stringify(truth))
      problems.push(`${id}: counters ${JSON.stringify(counters)} != jobs ${JSON.stringify(truth)}`);
    if (execution.status !== "completed") problems.push(`${id}: status ${execution.status}`);
  }
  return problems;
}

export interface DrainResult {
  system: string;
  db: DbKind;
  concurrency: number;
  jobs: number;
  drainMs: number;
  jobsPerSec: number;
  startupMs: number;
  shutdownMs: number;
  problems: string[];
  activity?: PgActivity;
}

/** Drain throughput: N queued jobs, then the scheduler starts; N / time until the last execution completed. */
export async function fleetdeckDrain(kind: DbKind, concurrency: number, jobs: number): Promise<DrainResult> {
  const t0 = performance.now();
  const started = await freshRuntime(kind);
  const startupMs = performance.now() - t0;
  const { runtime } = started;
  let problems: string[] = [];
  let drainMs = NaN;
  let activity: PgActivity | undefined;
  let shutdownMs = NaN;
  try {
    const { executions, perExecution } = layout(concurrency);
    const perJobs = Math.max(1, Math.round(jobs / executions));
    const watch = completions(runtime);
    const ids = await createExecutions(runtime, executions, perJobs, perExecution);
    const done = watch.all(ids);
    const sampler = started.dbName ? sampleActivity(started.dbName) : null;
    const scheduler = Scheduler.fromRuntime(runtime, { slots: concurrency });
    const s0 = performance.now();
    runtime.services.set("scheduler", scheduler.start());
    await Promise.race([done, sleep(300_000).then(() => Promise.reject(new Error("drain did not finish in 300 s")))]);
    drainMs = performance.now() - s0;
    activity = await sampler?.stop();
    problems = await checkExecutions(runtime, ids, perJobs, perExecution);
    jobs = perJobs * executions;
  } finally {
    shutdownMs = await started.stop();
  }
  return {
    system: "fleetdeck",
    db: kind,
    concurrency,
    jobs,
    drainMs,
    jobsPerSec: (jobs / drainMs) * 1000,
    startupMs,
    shutdownMs,
    problems,
    activity,
  };
}

export interface RateResult {
  system: string;
  db: DbKind;
  rate: number;
  jobs: number;
  latency: Distribution;
  problems: string[];
}

/**
 * Fixed rate: every 100 ms a new execution of rate/10 jobs starts (how jobs reach fleetdeck), concurrency 10.
 * Latency = the enqueue call → the agent starts the job, both read from this process's monotonic clock.
 */
export async function fleetdeckFixedRate(kind: DbKind, rate: number, seconds: number): Promise<RateResult> {
  const started = await freshRuntime(kind);
  const { runtime } = started;
  const enqueuedAt = new Map<string, number>();
  const startedAt = new Map<string, number[]>();
  const starts = new Map<string, number>();
  const timing: Agent = {
    run(job, ctx) {
      const now = performance.now();
      starts.set(job.id, (starts.get(job.id) ?? 0) + 1);
      startedAt.set(job.executionId, [...(startedAt.get(job.executionId) ?? []), now]);
      return defaultAgentFor(ctx.config).run(job, ctx);
    },
  };
  let problems: string[] = [];
  const perTick = Math.max(1, Math.round(rate / 10));
  const ticks = Math.round(seconds * 10);
  try {
    const watch = completions(runtime);
    const scheduler = Scheduler.fromRuntime(runtime, { slots: 10, agentFor: () => timing });
    runtime.services.set("scheduler", scheduler.start());
    // The fixtures (project, batch, inputs) exist before the clock starts: only startExecution is "enqueue".
    const batches = [];
    for (let i = 0; i < ticks; i++)
      batches.push((await insertFixture(runtime.db, { rows: perTick, agent: SIMULATED })).batch.id);
    const ids: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ticks; i++) {
      const wait = t0 + i * 100 - performance.now();
      if (wait > 0) await sleep(wait);
      const before = performance.now();
      const ex = await startExecution(batches[i]!, { mode: "production", concurrency: 10 });
      enqueuedAt.set(ex.id, before);
      ids.push(ex.id);
    }
    const done = watch.all(ids);
    const pending = await Promise.race([done.then(() => false), sleep(60_000).then(() => true)]);
    if (pending) problems.push("not every execution completed within 60 s of the last enqueue");
    else problems = await checkExecutions(runtime, ids, perTick, 10);
    if (starts.size !== ticks * perTick || [...starts.values()].some((n) => n !== 1))
      problems.push(`${starts.size} jobs started (want ${ticks * perTick}, once each)`);
  } finally {
    await started.stop();
  }
  const latencies = [...enqueuedAt].flatMap(([id, at]) => (startedAt.get(id) ?? []).map((t) => t - at));
  return { system: "fleetdeck", db: kind, rate, jobs: ticks * perTick, latency: distribution(latencies), problems };
}

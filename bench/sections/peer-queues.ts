import { performance } from "node:perf_hooks";
import { Logger, makeWorkerUtils, run as runGraphile, runMigrations } from "graphile-worker";
import pg from "pg";
import PgBoss from "pg-boss";
import postgres from "postgres";
import { freshDatabase, sampleActivity } from "../lib/postgres";
import { distribution, sleep, until } from "../lib/stats";
import type { DrainResult, RateResult } from "./fleetdeck-queue";

/**
 * The same no-op jobs through pg-boss and graphile-worker, on a fresh database of the same PostgreSQL server,
 * with the same concurrency, each with its own default pool size (10, like fleetdeck's). Start-up (schema
 * install, migrations) happens before the clock starts; shut-down after it stops.
 */

const silentGraphile = new Logger(() => () => {});
const QUEUE = "bench_noop";

async function countSql(url: string, query: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe<{ n: number }[]>(query);
    return Number(row?.n ?? 0);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Runs `body` with a polling counter on its own connection, ending when `done(count)` holds. */
async function pollUntil(url: string, query: string, done: (n: number) => boolean, timeoutMs: number): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await until(
      async () => {
        const [row] = await sql.unsafe<{ n: number }[]>(query);
        return done(Number(row?.n ?? 0));
      },
      "the queue to drain",
      timeoutMs,
      20,
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function onceEach(seen: Map<number, number>, n: number): string[] {
  const problems: string[] = [];
  if (seen.size !== n) problems.push(`${seen.size} distinct jobs ran (want ${n})`);
  const twice = [...seen.values()].filter((c) => c !== 1).length;
  if (twice) problems.push(`${twice} jobs ran more than once`);
  return problems;
}

// ---------- pg-boss ----------

/** pg-boss 10 runs one job per work() registration at a time: concurrency C = C workers (its documented way). */
async function startBoss(url: string) {
  const boss = new PgBoss({ connectionString: url, max: 10, supervise: false, schedule: false, migrate: true });
  boss.on("error", () => {});
  await boss.start();
  await boss.createQueue(QUEUE);
  return boss;
}

export async function pgbossDrain(concurrency: number, jobs: number): Promise<DrainResult> {
  const db = await freshDatabase();
  const t0 = performance.now();
  const boss = await startBoss(db.url);
  const startupMs = performance.now() - t0;
  const seen = new Map<number, number>();
  let drainMs = NaN;
  let activity: Awaited<ReturnType<ReturnType<typeof sampleActivity>["stop"]>> | undefined;
  let problems: string[] = [];
  let shutdownMs = NaN;
  try {
    for (let i = 0; i < jobs; i += 1000)
      await boss.insert(
        Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: QUEUE, data: { i: i + k } })),
      );
    const sampler = sampleActivity(db.name);
    const s0 = performance.now();
    for (let w = 0; w < concurrency; w++) {
      await boss.work<{ i: number }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        seen.set(job!.data.i, (seen.get(job!.data.i) ?? 0) + 1);
      });
    }
    await pollUntil(
      db.url,
      `select count(*)::int as n from pgboss.job where name = '${QUEUE}' and state = 'completed'`,
      (n) => n >= jobs,
      300_000,
    );
    drainMs = performance.now() - s0;
    activity = await sampler.stop();
    problems = onceEach(seen, jobs);
    const left = await countSql(
      db.url,
      `select count(*)::int as n from pgboss.job where name = '${QUEUE}' and state <> 'completed'`,
    );
    if (left) problems.push(`${left} jobs not completed`);
  } finally {
    const s1 = performance.now();
    await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    shutdownMs = performance.now() - s1;
    await db.drop();
  }
  return {
    system: "pg-boss",
    db: "postgres",
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

export async function pgbossFixedRate(rate: number, seconds: number): Promise<RateResult> {
  const db = await freshDatabase();
  const boss = await startBoss(db.url);
  const enqueuedAt = new Map<number, number>();
  const startedAt = new Map<number, number>();
  const seen = new Map<number, number>();
  const perTick = Math.max(1, Math.round(rate / 10));
  const ticks = Math.round(seconds * 10);
  let problems: string[] = [];
  try {
    for (let w = 0; w < 10; w++) {
      await boss.work<{ i: number }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        startedAt.set(job!.data.i, performance.now());
        seen.set(job!.data.i, (seen.get(job!.data.i) ?? 0) + 1);
      });
    }
    const t0 = performance.now();
    for (let t = 0; t < ticks; t++) {
      const wait = t0 + t * 100 - performance.now();
      if (wait > 0) await sleep(wait);
      const before = performance.now();
      const batch = Array.from({ length: perTick }, (_, k) => t * perTick + k);
      for (const i of batch) enqueuedAt.set(i, before);
      await boss.insert(batch.map((i) => ({ name: QUEUE, data: { i } })));
    }
    await pollUntil(
      db.url,
      `select count(*)::int as n from pgboss.job where name = '${QUEUE}' and state = 'completed'`,
      (n) => n >= ticks * perTick,
      60_000,
    );
    problems = onceEach(seen, ticks * perTick);
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    await db.drop();
  }
  const latencies = [...startedAt].map(([i, t]) => t - enqueuedAt.get(i)!);
  return { system: "pg-boss", db: "postgres", rate, jobs: ticks * perTick, latency: distribution(latencies), problems };
}

// ---------- graphile-worker ----------

/** graphile-worker's own default pool size (10), owned here so it ends before the database is dropped. */
function graphilePool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {}); // an idle connection cut by the drop at the end of a run
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

export async function graphileDrain(concurrency: number, jobs: number): Promise<DrainResult> {
  const db = await freshDatabase();
  const pgPool = graphilePool(db.url);
  const t0 = performance.now();
  await runMigrations({ pgPool, logger: silentGraphile });
  const utils = await makeWorkerUtils({ pgPool, logger: silentGraphile });
  const startupMs = performance.now() - t0;
  const seen = new Map<number, number>();
  let drainMs = NaN;
  let activity: Awaited<ReturnType<ReturnType<typeof sampleActivity>["stop"]>> | undefined;
  let problems: string[] = [];
  let shutdownMs = NaN;
  let runner: Awaited<ReturnType<typeof runGraphile>> | null = null;
  try {
    for (let i = 0; i < jobs; i += 1000)
      await utils.addJobs(
        Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ identifier: "noop", payload: { i: i + k } })),
      );
    const sampler = sampleActivity(db.name);
    const s0 = performance.now();
    runner = await runGraphile({
      pgPool,
      concurrency,
      noHandleSignals: true,
      logger: silentGraphile,
      taskList: {
        noop: async (payload) => {
          const i = (payload as { i: number }).i;
          seen.set(i, (seen.get(i) ?? 0) + 1);
        },
      },
    });
    await pollUntil(db.url, `select count(*)::int as n from graphile_worker._private_jobs`, (n) => n === 0, 300_000);
    drainMs = performance.now() - s0;
    activity = await sampler.stop();
    problems = onceEach(seen, jobs);
  } finally {
    const s1 = performance.now();
    await runner?.stop();
    shutdownMs = performance.now() - s1;
    await utils.release();
    await pgPool.end();
    await db.drop();
  }
  return {
    system: "graphile-worker",
    db: "postgres",
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

export async function graphileFixedRate(rate: number, seconds: number): Promise<RateResult> {
  const db = await freshDatabase();
  const pgPool = graphilePool(db.url);
  await runMigrations({ pgPool, logger: silentGraphile });
  const utils = await makeWorkerUtils({ pgPool, logger: silentGraphile });
  const enqueuedAt = new Map<number, number>();
  const startedAt = new Map<number, number>();
  const seen = new Map<number, number>();
  const perTick = Math.max(1, Math.round(rate / 10));
  const ticks = Math.round(seconds * 10);
  let problems: string[] = [];
  const runner = await runGraphile({
    pgPool,
    concurrency: 10,
    noHandleSignals: true,
    logger: silentGraphile,
    taskList: {
      noop: async (payload) => {
        const i = (payload as { i: number }).i;
        startedAt.set(i, performance.now());
        seen.set(i, (seen.get(i) ?? 0) + 1);
      },
    },
  });
  try {
    const t0 = performance.now();
    for (let t = 0; t < ticks; t++) {
      const wait = t0 + t * 100 - performance.now();
      if (wait > 0) await sleep(wait);
      const before = performance.now();
      const batch = Array.from({ length: perTick }, (_, k) => t * perTick + k);
      for (const i of batch) enqueuedAt.set(i, before);
      await utils.addJobs(batch.map((i) => ({ identifier: "noop", payload: { i } })));
    }
    await pollUntil(db.url, `select count(*)::int as n from graphile_worker._private_jobs`, (n) => n === 0, 60_000);
    problems = onceEach(seen, ticks * perTick);
  } finally {
    await runner.stop();
    await utils.release();
    await pgPool.end();
    await db.drop();
  }
  const latencies = [...startedAt].map(([i, t]) => t - enqueuedAt.get(i)!);
  return {
    system: "graphile-worker",
    db: "postgres",
    rate,
    jobs: ticks * perTick,
    latency: distribution(latencies),
    problems,
  };
}

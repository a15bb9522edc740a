import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getExecution, startExecution } from "@/server/executions/service";
import { startRuntime, stopRuntime, type Runtime } from "@/server/runtime";
import { loadEnv } from "@/server/env";
import { countersAndTruth, gapFreeLog, peakRunning } from "../helpers/engine";
import { insertFixture } from "../helpers/fixtures";
import { createTestDatabase } from "../helpers/runtime";
import { startServer, type RunningServer } from "../helpers/server";
import { waitFor } from "../helpers/wait";

/** Real worker processes (`server.ts` in the worker role) sharing one PostgreSQL. */
describe.runIf(process.env.TEST_DATABASE_URL)("cluster mode on PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> };
  let runtime: Runtime;
  const workers: RunningServer[] = [];
  const startWorker = async (env: Record<string, string> = {}) => {
    const worker = await startServer({ FLEETDECK_ROLE: "worker", DATABASE_URL: db.url, LEASE_SECONDS: "2", SCHEDULER_POLL_MS: "1000", ...env });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    runtime = await startRuntime({ env: loadEnv({ ...process.env, LOG_LEVEL: "silent" }), role: "web", databaseUrl: db.url });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });
  afterAll(async () => {
    await stopRuntime(0);
    await db?.drop();
  });

  const batchOf = async (rows: number, durationMs: number) =>
    (await insertFixture(runtime.db, { rows, agent: { engine: "simulated", simulate: { durationMs, failRate: 0 }, maxRetries: 2 } })).batch;
  const finished = (id: string, timeoutMs = 60_000) => waitFor(async () => ["completed", "stopped"].includes((await getExecution(id)).status), "the execution to finish", timeoutMs, 100);

  it("two worker processes never exceed the concurrency and run each job once", async () => {
    await Promise.all([startWorker(), startWorker()]);
    const batch = await batchOf(30, 150);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    await finished(execution.id);
    const events = await gapFreeLog(runtime.db, execution.id);
    expect(peakRunning(events)).toBeLessThanOrEqual(3);
    const completed = events.filter((e) => e.type === "job_completed").map((e) => e.data.jobId);
    expect(completed).toHaveLength(30);
    expect(new Set(completed).size).toBe(30);
    const { counters, truth } = await countersAndTruth(runtime.db, execution.id);
    expect(counters).toEqual(truth);
  });

  it("re-runs a SIGKILLed worker's jobs elsewhere after the lease expires, losing nothing", async () => {
    const doomed = await startWorker();
    const batch = await batchOf(6, 3000);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 3, "three running jobs");
    await doomed.kill();
    await startWorker();
    await finished(execution.id);
    const events = await gapFreeLog(runtime.db, execution.id);
    const completed = events.filter((e) => e.type === "job_completed").map((e) => e.data.jobId as string);
    expect(completed).toHaveLength(6);
    expect(new Set(completed).size).toBe(6);
    const requeued = events.filter((e) => e.type === "job_failed" && e.data.willRetry === true);
    expect(requeued).toHaveLength(3);
    for (const e of requeued) expect(String(e.data.error)).toMatch(/stopped responding \(lease expired\)/);
    const { truth } = await countersAndTruth(runtime.db, execution.id);
    expect(truth).toMatchObject({ completed: 6, running: 0, queued: 0 });
  });

  it("on SIGTERM stops claiming and lets running jobs finish", async () => {
    const worker = await startWorker({ SHUTDOWN_GRACE_MS: "20000" });
    const batch = await batchOf(5, 1500);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 2 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 2, "two running jobs");
    await worker.stop();
    const { truth, counters } = await countersAndTruth(runtime.db, execution.id);
    expect(truth).toMatchObject({ completed: 2, running: 0, queued: 3 });
    expect(counters).toEqual(truth);
  });
});

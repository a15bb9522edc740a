import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventOf } from "@/lib/contract/events";
import { getExecution, startExecution } from "@/server/executions/service";
import { listWorkers } from "@/server/repos/workers";
import { countersAndTruth, gapFreeLog, peakRunning } from "../helpers/engine";
import { runningPerWorker } from "../helpers/faults";
import { insertFixture } from "../helpers/fixtures";
import { Fleet } from "../helpers/fleet";
import { waitFor } from "../helpers/wait";

/** Real worker processes (`server.ts` in the worker role) sharing one PostgreSQL. */
describe.runIf(process.env.TEST_DATABASE_URL)("cluster mode on PostgreSQL", () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await Fleet.start({ SCHEDULER_POLL_MS: "1000" });
  });
  afterEach(() => fleet.stopWorkers());
  afterAll(() => fleet?.close());

  const batchOf = async (rows: number, durationMs: number) =>
    (
      await insertFixture(fleet.runtime.db, {
        rows,
        agent: { engine: "simulated", simulate: { durationMs, failRate: 0 }, maxRetries: 2 },
      })
    ).batch;
  const finished = (id: string, timeoutMs = 60_000) =>
    waitFor(
      async () => ["completed", "stopped"].includes((await getExecution(id)).status),
      "the execution to finish",
      timeoutMs,
      100,
    );
  const rowOf = async (pid: number | undefined) => (await listWorkers(fleet.runtime.db)).find((w) => w.pid === pid);

  it("two worker processes never exceed the concurrency and run each job once", async () => {
    await Promise.all([fleet.startWorker(), fleet.startWorker()]);
    const batch = await batchOf(30, 150);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    await finished(execution.id);
    const events = await gapFreeLog(fleet.runtime.db, execution.id);
    expect(peakRunning(events)).toBeLessThanOrEqual(3);
    const completed = events.filter((e) => e.type === "job_completed").map((e) => e.data.jobId);
    expect(completed).toHaveLength(30);
    expect(new Set(completed).size).toBe(30);
    const { counters, truth } = await countersAndTruth(fleet.runtime.db, execution.id);
    expect(counters).toEqual(truth);
  });

  it("spreads an execution's jobs evenly over the live workers", async () => {
    await Promise.all([fleet.startWorker(), fleet.startWorker()]);
    await fleet.acquainted();
    const batch = await batchOf(20, 2500);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 10 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 10, "ten running jobs");
    expect([...(await runningPerWorker(fleet.runtime.db, execution.id)).values()]).toEqual([5, 5]);
    await finished(execution.id);
  });

  it("re-runs a SIGKILLed worker's jobs elsewhere once it misses its heartbeats, long before its lease ends", async () => {
    const { server: doomed } = await fleet.startWorker();
    const batch = await batchOf(6, 3000);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 3, "three running jobs");
    const killed = await fleet.kill(doomed);
    await fleet.startWorker();
    await finished(execution.id);
    const events = await gapFreeLog(fleet.runtime.db, execution.id);
    const completed = events.filter((e) => e.type === "job_completed").map((e) => e.data.jobId as string);
    expect(completed).toHaveLength(6);
    expect(new Set(completed).size).toBe(6);
    const requeued = events.filter(eventOf("job_failed")).filter((e) => e.data.willRetry);
    expect(requeued).toHaveLength(3);
    // The lease is 30 s; the heartbeat (dead after 3 s) is what returned them.
    for (const e of requeued)
      expect(String(e.data.error)).toContain(`${killed.workerId} stopped responding (no heartbeat for 3 s)`);
    const { truth } = await countersAndTruth(fleet.runtime.db, execution.id);
    expect(truth).toMatchObject({ completed: 6, running: 0, queued: 0 });
    expect(await rowOf(killed.pid)).toMatchObject({ status: "dead" });
  });

  it("on SIGTERM stops claiming, lets running jobs finish and marks itself stopped", async () => {
    const { server: worker } = await fleet.startWorker({ SHUTDOWN_GRACE_MS: "20000" });
    const batch = await batchOf(5, 1500);
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 2 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 2, "two running jobs");
    await worker.stop();
    const { truth, counters } = await countersAndTruth(fleet.runtime.db, execution.id);
    expect(truth).toMatchObject({ completed: 2, running: 0, queued: 3 });
    expect(counters).toEqual(truth);
    expect(await rowOf(worker.process.pid)).toMatchObject({ status: "stopped", runningCount: 0 });
  });
});

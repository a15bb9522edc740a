import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentConfig } from "@/lib/contract/agent";
import { eventOf } from "@/lib/contract/events";
import { simulatedAgent } from "@/server/agents/simulated";
import { type Agent, AgentError } from "@/server/agents/types";
import { workers } from "@/server/db/schema";
import {
  adjustConcurrency,
  getExecution,
  liveStats,
  pause,
  resume,
  startExecution,
  stop,
} from "@/server/executions/service";
import { claimJobs } from "@/server/jobs/service";
import { beat, listWorkers } from "@/server/repos/workers";
import { Scheduler } from "@/server/scheduler/scheduler";
import { countersAndTruth, gapFreeLog, peakRunning } from "../helpers/engine";
import { insertFixture } from "../helpers/fixtures";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

describe.each(DATABASES)("execution engine on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind, { RETRY_BASE_MS: "20", LEASE_SECONDS: "2" });
  });
  afterEach(() => t.stop());

  const startScheduler = (agentFor?: (c: AgentConfig) => Agent, slots = 50) => {
    const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000, slots, ...(agentFor ? { agentFor } : {}) });
    t.runtime.services.set(`scheduler-${t.runtime.services.size}`, scheduler.start());
    return scheduler;
  };
  const fixture = (
    rows: number,
    simulate: { durationMs: number; failRate?: number },
    extra: Partial<AgentConfig> = {},
  ) =>
    insertFixture(t.runtime.db, {
      rows,
      agent: { engine: "simulated", simulate: { failRate: 0, ...simulate }, ...extra },
    });
  const finished = (id: string) =>
    waitFor(
      async () => ["completed", "stopped"].includes((await getExecution(id)).status),
      `execution ${id} to finish`,
    );

  it("starts a test run on the first rows in input order, queued in one transaction", async () => {
    const { batch } = await fixture(10, { durationMs: 0 });
    const execution = await startExecution(batch.id, { mode: "test", sampleSize: 3 });
    expect(execution).toMatchObject({
      status: "running",
      mode: "test",
      sampleSize: 3,
      totalJobs: 3,
      concurrency: 5,
      lastEventSeq: 1,
    });
    const { truth, counters } = await countersAndTruth(t.runtime.db, execution.id);
    expect(truth).toMatchObject({ queued: 3 });
    expect(counters).toEqual(truth);
    const [started] = await gapFreeLog(t.runtime.db, execution.id);
    expect(started).toMatchObject({ type: "execution_started", seq: 1, data: { totalJobs: 3, mode: "test" } });
  });

  it("runs every job once within the concurrency limit, then completes with a gap-free log", async () => {
    const { batch } = await fixture(12, { durationMs: 60 });
    startScheduler();
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    await finished(execution.id);
    const { execution: row, counters, truth } = await countersAndTruth(t.runtime.db, execution.id);
    expect(row.status).toBe("completed");
    expect(counters).toEqual(truth);
    expect(truth.completed).toBe(12);
    const events = await gapFreeLog(t.runtime.db, execution.id);
    expect(peakRunning(events)).toBe(3);
    const completedIds = events.filter((e) => e.type === "job_completed").map((e) => e.data.jobId);
    expect(new Set(completedIds).size).toBe(12);
    expect(events.at(-1)).toMatchObject({
      type: "execution_completed",
      data: { status: "completed", completed: 12, failed: 0 },
    });
    // Input order: the first three jobs started are rows 1-3.
    const startedInputs = events.filter((e) => e.type === "job_started").map((e) => e.data.inputId);
    expect(startedInputs.slice(0, 3)).toEqual(["1", "2", "3"]);
    const stats = await liveStats(execution.id);
    expect(stats).toMatchObject({
      status: "completed",
      stats: { total: 12, completed: 12, running: 0, queued: 0 },
      metrics: { successRate: 100, estimatedRemainingMs: 0 },
    });
  });

  it("at concurrency 1 hands each finished slot straight to the next row, in input order", async () => {
    const { batch } = await fixture(8, { durationMs: 0 });
    startScheduler();
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 1 });
    await finished(execution.id);
    const events = await gapFreeLog(t.runtime.db, execution.id);
    expect(peakRunning(events)).toBe(1);
    expect(events.filter((e) => e.type === "job_started").map((e) => e.data.inputId)).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
    ]);
    const { counters, truth } = await countersAndTruth(t.runtime.db, execution.id);
    expect(counters).toEqual(truth);
    expect(truth.completed).toBe(8);
  });

  it("starts no job after pause returns, and finishes after resume", async () => {
    const { batch } = await fixture(8, { durationMs: 150 });
    startScheduler();
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 2 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 2, "two running jobs");
    const paused = await pause(execution.id);
    expect(paused.execution.status).toBe("paused");
    expect((await pause(execution.id)).changed).toBe(false);
    const pauseSeq = paused.execution.lastEventSeq;
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 0, "running jobs to finish");
    await new Promise((r) => setTimeout(r, 300));
    const afterPause = (await gapFreeLog(t.runtime.db, execution.id)).filter((e) => e.seq > pauseSeq);
    expect(afterPause.filter((e) => e.type === "job_started")).toEqual([]);
    expect((await getExecution(execution.id)).status).toBe("paused");
    expect((await resume(execution.id)).execution.status).toBe("running");
    await finished(execution.id);
    expect((await countersAndTruth(t.runtime.db, execution.id)).truth.completed).toBe(8);
  });

  it("stop cancels every queued job at once and lets running ones finish", async () => {
    const { batch } = await fixture(10, { durationMs: 300 });
    startScheduler();
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 2 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 2, "two running jobs");
    const stopped = await stop(execution.id, "Found what I needed");
    expect(stopped.execution).toMatchObject({ status: "stopping", stopReason: "Found what I needed" });
    expect(stopped.execution.stats).toMatchObject({ queued: 0, cancelled: 8, running: 2 });
    await finished(execution.id);
    const { execution: row, truth, counters } = await countersAndTruth(t.runtime.db, execution.id);
    expect(row.status).toBe("stopped");
    expect(truth).toMatchObject({ completed: 2, cancelled: 8, queued: 0, running: 0 });
    expect(counters).toEqual(truth);
    expect((await stop(execution.id, null)).changed).toBe(false);
    await expect(resume(execution.id)).rejects.toMatchObject({ code: "invalid_state", status: 409 });
    await expect(pause(execution.id)).rejects.toMatchObject({ code: "invalid_state" });
    await expect(adjustConcurrency(execution.id, 3)).rejects.toMatchObject({ code: "invalid_state" });
    const events = await gapFreeLog(t.runtime.db, execution.id);
    expect(events.at(-1)).toMatchObject({ type: "execution_completed", data: { status: "stopped", cancelled: 8 } });
  });

  it("fills new slots at once when concurrency is raised, also while paused", async () => {
    const { batch } = await fixture(10, { durationMs: 4000 });
    startScheduler();
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 1 });
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 1, "one running job");
    await pause(execution.id);
    expect((await adjustConcurrency(execution.id, 4)).execution.concurrency).toBe(4);
    expect((await getExecution(execution.id)).stats.running).toBeLessThanOrEqual(1);
    await resume(execution.id);
    // The first job takes 4 s; the three new slots must fill well before it ends.
    await waitFor(async () => (await getExecution(execution.id)).stats.running === 4, "four running jobs", 2500);
    await stop(execution.id, null);
    await finished(execution.id);
  });

  it("stays consistent under rapid mixed controls", async () => {
    const { batch } = await fixture(30, { durationMs: 40 });
    startScheduler();
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    const controls: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++)
      controls.push(pause(execution.id), resume(execution.id), adjustConcurrency(execution.id, 1 + (i % 5)));
    await Promise.allSettled(controls);
    await pause(execution.id);
    await stop(execution.id, "rapid");
    await finished(execution.id);
    const { execution: row, counters, truth } = await countersAndTruth(t.runtime.db, execution.id);
    expect(row.status).toBe("stopped");
    expect(counters).toEqual(truth);
    expect(truth.completed + truth.cancelled + truth.failed).toBe(30);
    const events = await gapFreeLog(t.runtime.db, execution.id);
    const lastPause = events.filter((e) => e.type === "execution_paused").at(-1)!;
    expect(events.filter((e) => e.type === "job_started" && e.seq > lastPause.seq)).toEqual([]);
  });

  it("retries retryable failures with backoff up to maxRetries and fails others at once", async () => {
    const attempts = new Map<string, number>();
    const flaky: Agent = {
      async run(job) {
        const n = (attempts.get(job.inputId) ?? 0) + 1;
        attempts.set(job.inputId, n);
        if (job.inputId === "1") throw new AgentError(`Connection refused by ${job.siteUrl}`, true, "network");
        if (job.inputId === "2" && n === 1) throw new AgentError(`Server error 503 at ${job.siteUrl}`, true, "http");
        if (job.inputId === "3") throw new AgentError(`Not found (404) at ${job.siteUrl}`, false, "http");
        return { extractedData: { ok: true } };
      },
    };
    const { batch } = await fixture(4, { durationMs: 0 }, { maxRetries: 2 });
    startScheduler(() => flaky);
    const execution = await startExecution(batch.id, { mode: "production" });
    await finished(execution.id);
    expect(attempts.get("1")).toBe(3);
    expect(attempts.get("2")).toBe(2);
    expect(attempts.get("3")).toBe(1);
    const events = await gapFreeLog(t.runtime.db, execution.id);
    const failures = events.filter((e) => e.type === "job_failed");
    expect(failures.filter((e) => e.data.willRetry === true)).toHaveLength(3);
    expect(
      failures
        .filter((e) => e.data.willRetry === false)
        .map((e) => e.data.inputId)
        .sort(),
    ).toEqual(["1", "3"]);
    const { truth } = await countersAndTruth(t.runtime.db, execution.id);
    expect(truth).toMatchObject({ completed: 2, failed: 2 });
    expect((await liveStats(execution.id)).metrics.successRate).toBe(50);
  });

  it("times out a hanging job through its AbortSignal", async () => {
    const hanging: Agent = {
      run: (_job, ctx) =>
        new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))),
    };
    const { batch } = await fixture(1, { durationMs: 0 }, { timeoutMs: 1000, maxRetries: 0 });
    startScheduler(() => hanging);
    const execution = await startExecution(batch.id, { mode: "production" });
    await finished(execution.id);
    const events = await gapFreeLog(t.runtime.db, execution.id);
    expect(events.find((e) => e.type === "job_failed")?.data.error).toMatch(/Timed out after 1 s/);
  });

  it("never runs more jobs than its slots, however claims and hand-overs interleave", async () => {
    // 10 executions at concurrency 10 want 100 slots of 20. Jobs of one length end together, so whole
    // executions empty at once and their hand-overs race the claim loop for the same free slots.
    let running = 0;
    let peak = 0;
    const counting: Agent = {
      async run(job, ctx) {
        running++;
        peak = Math.max(peak, running);
        try {
          await new Promise((r) => setTimeout(r, 100));
          return simulatedAgent.run(job, {
            ...ctx,
            config: { ...ctx.config, simulate: { durationMs: 0, failRate: 0 } },
          });
        } finally {
          running--;
        }
      },
    };
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { batch } = await fixture(30, { durationMs: 0 });
      ids.push((await startExecution(batch.id, { mode: "production", concurrency: 10 })).id);
    }
    startScheduler(() => counting, 20);
    for (const id of ids) await finished(id);
    expect(peak).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(20);
    for (const id of ids) {
      const events = await gapFreeLog(t.runtime.db, id);
      expect(peakRunning(events)).toBeLessThanOrEqual(10);
      expect((await countersAndTruth(t.runtime.db, id)).truth.completed).toBe(30);
    }
  });

  /** An execution whose first job another worker (`workerId`) holds, with a lease of `leaseSeconds`. */
  const heldElsewhere = async (workerId: string, leaseSeconds: number) => {
    const { batch } = await fixture(3, { durationMs: 0 });
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 1 });
    const {
      jobs: [held],
    } = await claimJobs(t.runtime, execution.id, { workerId, leaseSeconds, max: 1, peers: [] });
    expect(held).toBeDefined();
    return { execution, held: held! };
  };
  const requeueOf = async (executionId: string, jobId: string) => {
    await finished(executionId);
    const events = await gapFreeLog(t.runtime.db, executionId);
    expect(events.filter((e) => e.type === "job_completed" && e.data.jobId === jobId)).toHaveLength(1);
    expect((await countersAndTruth(t.runtime.db, executionId)).truth.completed).toBe(3);
    const requeued = events.filter(eventOf("job_failed")).filter((e) => e.data.jobId === jobId);
    expect(requeued).toHaveLength(1);
    expect(requeued[0]!.data).toMatchObject({ willRetry: true });
    return String(requeued[0]!.data.error);
  };
  const workerRow = async (id: string) => (await listWorkers(t.runtime.db)).find((w) => w.id === id);
  const identity = (id: string) => ({ id, host: "elsewhere", pid: 1, slots: 20, version: "test" });

  it.runIf(kind === "postgres")(
    "declares a silent worker dead and returns its jobs to the queue long before their lease ends",
    async () => {
      await beat(t.runtime.db, identity("silent-worker"), "alive", 1);
      const { execution, held } = await heldElsewhere("silent-worker", 600);
      const scheduler = Scheduler.fromRuntime(t.runtime, {
        pollMs: 60_000,
        heartbeatMs: 100,
        deadAfterMs: 400,
        agentFor: () => simulatedAgent,
      });
      t.runtime.services.set("scheduler", scheduler.start());
      expect(await requeueOf(execution.id, held.id)).toMatch(
        /silent-worker stopped responding \(no heartbeat for 0.4 s\)/,
      );
      expect(await workerRow("silent-worker")).toMatchObject({ status: "dead" });
      expect(await workerRow(t.runtime.workerId)).toMatchObject({ status: "alive", slots: 20 });
    },
  );

  it.runIf(kind === "postgres")(
    "judges others only after beating for WORKER_DEAD_AFTER_MS itself, so a silence it may have shared kills nobody early",
    async () => {
      // A peer silent for a minute, as every worker is after a database outage (or before this one started).
      await beat(t.runtime.db, identity("peer-after-outage"), "alive", 0);
      await t.runtime.db
        .update(workers)
        .set({ lastBeatAt: sql`now() - interval '60 seconds'` })
        .where(eq(workers.id, "peer-after-outage"));
      const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000, heartbeatMs: 100, deadAfterMs: 1000 });
      t.runtime.services.set("scheduler", scheduler.start());
      const peer = await waitFor(async () => {
        const row = await workerRow("peer-after-outage");
        return row?.status === "dead" ? row : null;
      }, "the silent peer to be declared dead");
      const self = await workerRow(t.runtime.workerId);
      expect(peer!.stoppedAt!.getTime() - self!.startedAt.getTime()).toBeGreaterThanOrEqual(1000);
    },
  );

  it.runIf(kind === "postgres")(
    "returns a job to the queue when its lease expires, even from a worker that never registered",
    async () => {
      const { execution, held } = await heldElsewhere("unregistered-worker", 1);
      startScheduler(() => simulatedAgent);
      expect(await requeueOf(execution.id, held.id)).toMatch(
        /unregistered-worker stopped responding \(lease expired\)/,
      );
    },
  );

  it.runIf(kind === "pglite")(
    "embedded: returns the previous process's running jobs to the queue at start-up, not a lease later",
    async () => {
      await beat(t.runtime.db, identity("previous-process"), "alive", 1);
      const { execution, held } = await heldElsewhere("previous-process", 600);
      startScheduler(() => simulatedAgent);
      expect(await requeueOf(execution.id, held.id)).toMatch(
        /previous process \(worker previous-process\) ended before the job finished/,
      );
      expect(await workerRow("previous-process")).toMatchObject({ status: "dead" });
    },
  );

  it("registers as a worker, beats with its running count, and marks itself stopped on a graceful stop", async () => {
    const { batch } = await fixture(4, { durationMs: 3000 });
    const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000, slots: 7, heartbeatMs: 100 });
    t.runtime.services.set("scheduler", scheduler.start());
    await scheduler.whenStarted();
    expect(await workerRow(t.runtime.workerId)).toMatchObject({
      status: "alive",
      slots: 7,
      pid: process.pid,
      stoppedAt: null,
    });
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 2 });
    await waitFor(
      async () => (await workerRow(t.runtime.workerId))?.runningCount === 2,
      "the row to show two running jobs",
    );
    await scheduler.stop(0);
    t.runtime.services.delete("scheduler");
    const row = await workerRow(t.runtime.workerId);
    expect(row).toMatchObject({ status: "stopped", runningCount: 0 });
    expect(row?.stoppedAt).toBeInstanceOf(Date);
    // Its unfinished jobs went back to the queue without counting a retry.
    expect((await countersAndTruth(t.runtime.db, execution.id)).truth).toMatchObject({ running: 0, queued: 4 });
  });
});

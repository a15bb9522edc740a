import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventOf } from "@/lib/contract/events";
import type { Agent, AgentResult } from "@/server/agents/types";
import { jobs, workers } from "@/server/db/schema";
import { getExecution } from "@/server/executions/service";
import type { Claimant } from "@/server/jobs/machine";
import { claimJobs, finishJobs, requeueJobsOfGoneWorkers } from "@/server/jobs/service";
import * as workersRepo from "@/server/repos/workers";
import { Scheduler } from "@/server/scheduler/scheduler";
import { countersAndTruth, gapFreeLog } from "../helpers/engine";
import { insertFixture } from "../helpers/fixtures";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

const DEAD_AFTER_MS = 3_000;
const NO_RETRY_WAIT = { maxRetries: 2, backoffMs: () => 0 };

const claimant = (workerId: string, max: number): Claimant => ({ workerId, leaseSeconds: 30, max, peers: [] });

const register = (t: TestRuntime, id: string) =>
  workersRepo.beat(t.runtime.db, { id, host: "test-host", pid: 1, slots: 5, version: "0.0.0" }, "alive", 1);

/** Moves a worker's last beat into the past, as if it had been silent since. */
const silence = (t: TestRuntime, id: string, ms: number) =>
  t.runtime.db
    .update(workers)
    .set({ lastBeatAt: sql`now() - make_interval(secs => ${ms / 1000})` })
    .where(eq(workers.id, id));

describe.each(DATABASES)("a worker presumed dead, on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
  });
  afterEach(() => t.stop());

  it("finishing late changes nothing: its result is discarded and the job completes once, by its new holder", async () => {
    const { db } = t.runtime;
    const { execution } = await insertFixture(db, { rows: 2, execution: { concurrency: 2 } });
    const id = execution!.id;
    await register(t, "w-presumed-dead");
    const [job] = (await claimJobs(t.runtime, id, claimant("w-presumed-dead", 1))).jobs;

    // Declared dead (it only stalled), its job goes back to the queue and another worker takes it.
    await silence(t, "w-presumed-dead", DEAD_AFTER_MS + 1_000);
    await workersRepo.markSilentDead(db, DEAD_AFTER_MS);
    expect(await requeueJobsOfGoneWorkers(t.runtime, DEAD_AFTER_MS)).toBe(1);
    const taken = (await claimJobs(t.runtime, id, claimant("w-new", 2))).jobs;
    expect(taken.map((j) => j.id)).toContain(job!.id);

    // The stalled worker wakes up and reports, first a success, then (say its agent was aborted) a failure.
    const late = await finishJobs(
      t.runtime,
      [
        {
          job: job!,
          outcome: { durationMs: 5, extractedData: { by: "presumed dead" } },
          steps: [],
          endedAt: new Date(),
          retry: NO_RETRY_WAIT,
        },
      ],
      claimant("w-presumed-dead", 1),
    );
    expect(late.results).toEqual(["lost"]);
    expect(late.settled.get(id)?.next.jobs).toEqual([]);
    const lateFailure = await finishJobs(
      t.runtime,
      [
        {
          job: job!,
          outcome: { durationMs: 5, error: { message: "aborted", retryable: true } },
          steps: [],
          endedAt: new Date(),
          retry: NO_RETRY_WAIT,
        },
      ],
      claimant("w-presumed-dead", 1),
    );
    expect(lateFailure.results).toEqual(["lost"]);
    const [row] = await db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(row).toMatchObject({ status: "running", workerId: "w-new" });

    const done = await finishJobs(
      t.runtime,
      taken.map((mine) => ({
        job: mine,
        outcome: { durationMs: 5, extractedData: { by: "new holder" } },
        steps: [],
        endedAt: new Date(),
        retry: NO_RETRY_WAIT,
      })),
      claimant("w-new", 0),
    );
    expect(done.results).toEqual(["completed", "completed"]);
    const events = await gapFreeLog(db, id);
    const completed = events.filter(eventOf("job_completed"));
    expect(completed.map((e) => e.data.jobId).sort()).toEqual(taken.map((j) => j.id).sort());
    expect(completed.every((e) => (e.data.extractedData as { by?: string }).by === "new holder")).toBe(true);
    const { counters, truth } = await countersAndTruth(db, id);
    expect(counters).toEqual(truth);
    expect(truth).toMatchObject({ completed: 2, running: 0, queued: 0 });
  });
});

describe.each(DATABASES)("a worker presumed dead that claims its own job again, on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
  });
  afterEach(() => t.stop());

  it("records only the new attempt: the stale one is stopped and its late result discarded", async () => {
    const { db } = t.runtime;
    const { execution } = await insertFixture(db, { rows: 1, execution: { concurrency: 1 } });
    const id = execution!.id;
    // An agent that ignores its AbortSignal (the stalled worker's attempt goes on) and ends when the test says.
    const attempts: { finish: (result: AgentResult) => void; signal: AbortSignal }[] = [];
    const agent: Agent = {
      run: (_job, ctx) => new Promise((finish) => attempts.push({ finish, signal: ctx.signal })),
    };
    const scheduler = Scheduler.fromRuntime(t.runtime, {
      pollMs: 60_000,
      heartbeatMs: 60_000,
      agentFor: () => agent,
    }).start();
    t.runtime.services.set("scheduler", scheduler);
    await scheduler.whenStarted();
    await waitFor(async () => attempts.length === 1, "the first attempt");

    // This worker stalled and a peer presumed it dead: its job went back to the queue, and it claims it again.
    await db.update(workers).set({ status: "dead" }).where(eq(workers.id, t.runtime.workerId));
    expect(await requeueJobsOfGoneWorkers(t.runtime, DEAD_AFTER_MS)).toBe(1);
    t.runtime.bus.wake(id);
    await waitFor(async () => attempts.length === 2, "the second attempt");
    expect(attempts[0]!.signal.aborted).toBe(true);

    // The stale attempt ends first; give its outcome the chance to land before the new one ends.
    attempts[0]!.finish({ extractedData: { attempt: "stale" } });
    await new Promise((r) => setTimeout(r, 500));
    attempts[1]!.finish({ extractedData: { attempt: "new" } });
    await waitFor(async () => (await getExecution(id)).status === "completed", "the run to complete", 20_000, 50);

    const completed = (await gapFreeLog(db, id)).filter(eventOf("job_completed"));
    expect(completed.map((e) => e.data.extractedData)).toEqual([{ attempt: "new" }]);
    const { counters, truth } = await countersAndTruth(db, id);
    expect(counters).toEqual(truth);
    expect(scheduler.activeJobs).toBe(0);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("a worker starting after every other died, on postgres", () => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime("postgres");
  });
  afterEach(() => t.stop());

  it("returns the jobs whose lease expired, and those of workers already declared dead, before its first claim", async () => {
    const { db } = t.runtime;
    const { execution } = await insertFixture(db, { rows: 3, execution: { concurrency: 3 } });
    const id = execution!.id;
    // Three workers, all gone: one whose lease ran out, one a peer declared dead before dying itself, and one
    // silent for 10 s that nobody judged yet (its lease runs on).
    const holders = ["w-expired", "w-declared", "w-silent"];
    const held = new Map<string, string>();
    for (const holder of holders) {
      await register(t, holder);
      const [job] = (await claimJobs(t.runtime, id, claimant(holder, 1))).jobs;
      held.set(holder, job!.id);
      await silence(t, holder, 10_000);
    }
    await db
      .update(jobs)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(jobs.id, held.get("w-expired")!));
    await db.update(workers).set({ status: "dead" }).where(eq(workers.id, "w-declared"));

    const scheduler = Scheduler.fromRuntime(t.runtime, {
      pollMs: 60_000,
      heartbeatMs: 200,
      deadAfterMs: DEAD_AFTER_MS,
    }).start();
    t.runtime.services.set("scheduler", scheduler);
    await scheduler.whenStarted();

    // Started: both are back in the queue already, each with its reason.
    const requeued = (await gapFreeLog(db, id)).filter(eventOf("job_failed")).filter((e) => e.data.willRetry);
    expect(new Map(requeued.map((e) => [e.data.jobId, String(e.data.error)]))).toEqual(
      new Map([
        [held.get("w-expired"), expect.stringContaining("w-expired stopped responding (lease expired)")],
        [held.get("w-declared"), expect.stringContaining("w-declared stopped responding (no heartbeat")],
      ]),
    );
    // The silent one is judged only once this worker has beaten for WORKER_DEAD_AFTER_MS itself (after an outage
    // that silenced everyone, nobody is declared dead): its job is still its own.
    const [silentJob] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, held.get("w-silent")!), eq(jobs.workerId, "w-silent")));
    expect(silentJob?.status).toBe("running");

    await waitFor(async () => (await getExecution(id)).status === "completed", "the run to complete", 30_000, 100);
    const events = await gapFreeLog(db, id);
    const completed = events.filter(eventOf("job_completed")).map((e) => e.data.jobId);
    expect(completed.sort()).toEqual([...held.values()].sort());
    const { counters, truth } = await countersAndTruth(db, id);
    expect(counters).toEqual(truth);
    expect(truth).toMatchObject({ completed: 3, running: 0, queued: 0 });
  });
});

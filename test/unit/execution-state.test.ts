import { describe, expect, it } from "vitest";
import { clockTime, whoDidIt } from "@/features/executions/lib/who-did-it";
import {
  applyEvent,
  type ExecutionSnapshot,
  type ExecutionState,
  initialState,
  MAX_FINISHED_JOBS,
  skipUnreadable,
} from "@/lib/client/execution-state";
import { decodeEvent, type EventType, type ExecutionEvent, seqFit } from "@/lib/contract/events";
import type { Execution, Job } from "@/lib/contract/resources";

const ID = "exec-1";

function execution(overrides: Partial<Execution> = {}): Execution {
  return {
    id: ID,
    batchId: "b",
    status: "running",
    mode: "production",
    sampleSize: null,
    concurrency: 2,
    totalJobs: 10,
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    pausedAt: null,
    resumedAt: null,
    stoppedAt: null,
    completedAt: null,
    stopReason: null,
    estimatedDurationMs: null,
    estimatedCost: null,
    lastEventSeq: 5,
    stats: { total: 10, running: 1, queued: 7, completed: 2, failed: 0, cancelled: 0 },
    lastActivityAt: null,
    spend: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    maxCost: null,
    pauseReason: null,
    startedBy: null,
    pausedBy: null,
    stoppedBy: null,
    configVersion: 1,
    parentExecutionId: null,
    rerun: null,
    ...overrides,
  };
}

function job(id: string, overrides: Partial<Job> = {}): Job {
  return {
    id,
    executionId: ID,
    inputId: `in-${id}`,
    rowIndex: 1,
    siteUrl: `https://example.com/${id}`,
    goal: null,
    status: "running",
    currentStep: "Loading",
    currentUrl: null,
    progressPercentage: 10,
    startedAt: "2026-01-01T00:00:01.000Z",
    completedAt: null,
    executionDurationMs: null,
    retryCount: 0,
    retryReason: null,
    errorMessage: null,
    extractedData: null,
    finalUrl: null,
    httpStatus: null,
    usage: null,
    ...overrides,
  };
}

const snapshot = (): ExecutionSnapshot => ({
  execution: execution(),
  runningJobs: [job("j1")],
  finishedJobs: [job("j0", { status: "completed", completedAt: "2026-01-01T00:00:02.000Z", executionDurationMs: 900 })],
});

const AT = "2026-01-01T00:01:00.000Z";

/** What a test leaves out of an event's data: the contract requires a whole payload. */
function defaultsOf(type: EventType, data: Record<string, unknown>): Record<string, unknown> {
  const job = { jobId: "", inputId: `in-${String(data.jobId)}` };
  const counts = { running: 0, queued: 0, completed: 0, failed: 0, cancelled: 0, totalJobs: 10 };
  switch (type) {
    case "execution_started":
      return { mode: "production", totalJobs: 10, concurrency: 2, sampleSize: null };
    case "execution_paused":
      return { pausedAt: AT, running: 1 };
    case "execution_resumed":
      return { resumedAt: AT };
    case "execution_stopped":
      return { status: "stopped", stoppedAt: AT, reason: null, cancelled: 0, running: 0 };
    case "execution_completed":
      return { status: "completed", completedAt: AT, ...counts };
    case "concurrency_changed":
      return { concurrency: 2, previous: 2 };
    case "job_started":
      return { ...job, siteUrl: "https://example.com/", goal: null, startedAt: AT, attempt: 1, workerId: "w1" };
    case "job_completed":
      return {
        ...job,
        siteUrl: "https://example.com/",
        success: true,
        extractedData: {},
        durationMs: 0,
        finalUrl: null,
        completedAt: AT,
      };
    case "job_failed":
      return { ...job, error: "failed", willRetry: false };
    case "job_cancelled":
      return { count: 1, allQueued: true };
    case "job_progress":
      return { jobId: "", currentStep: null, currentUrl: null, progress: 0 };
    case "stats_update":
      return {
        ...counts,
        successRate: 0,
        avgDurationMs: 0,
        costUsd: 0,
        inputTokens: 0,
        outputTokens: 0,
        status: "running",
      };
  }
}

/** An event as the browser gets it: decoded against the contract, so a test event that does not fit fails here. */
function ev(type: EventType, seq: number, data: Record<string, unknown> = {}): ExecutionEvent {
  const decoded = decodeEvent({
    type,
    executionId: ID,
    seq,
    data: { ...defaultsOf(type, data), ...data },
    timestamp: AT,
  });
  if (!decoded.ok) throw new Error(`the test's ${type} event does not fit the contract`);
  return decoded.event;
}

const applyAll = (state: ExecutionState, events: ExecutionEvent[]) => events.reduce(applyEvent, state);

describe("execution state", () => {
  it("starts from the REST snapshot", () => {
    const s = initialState(snapshot());
    expect(s.execution).toMatchObject({ id: ID, status: "running", concurrency: 2, lastEventSeq: 5 });
    expect(s.stats).toEqual({ total: 10, running: 1, queued: 7, completed: 2, failed: 0, cancelled: 0 });
    expect(Object.keys(s.runningJobs)).toEqual(["j1"]);
    expect(s.runningJobs.j1).toMatchObject({
      inputId: "in-j1",
      siteUrl: "https://example.com/j1",
      currentStep: "Loading",
      progress: 10,
    });
    expect(s.completedJobs.map((j) => j.jobId)).toEqual(["j0"]);
  });

  it("ends a stopped execution as stopped, with the stop's cancelled count and the final counts", () => {
    const s = initialState(snapshot());
    const stopping = applyAll(s, [
      ev("job_cancelled", 6, { count: 7, allQueued: true }),
      ev("execution_stopped", 7, { status: "stopping", stoppedAt: "2026-01-01T00:01:00.000Z", reason: "enough" }),
    ]);
    expect(stopping.stats).toMatchObject({ queued: 0, cancelled: 7, running: 1 });
    expect(stopping.execution).toMatchObject({ status: "stopping", stopReason: "enough", mode: "production" });
    const done = applyAll(stopping, [
      ev("job_completed", 8, { jobId: "j1", inputId: "in-j1", success: true, durationMs: 10 }),
      ev("execution_completed", 9, { status: "stopped", completed: 3, failed: 0, cancelled: 7 }),
    ]);
    expect(done.execution.status).toBe("stopped");
    expect(done.stats).toMatchObject({ running: 0, queued: 0, completed: 3, cancelled: 7 });
    expect(done.runningJobs).toEqual({});
  });

  it("applies retained events only in seq order: older ignored, a jump leaves the state as it was", () => {
    const s = initialState(snapshot());
    const at = s.execution.lastEventSeq;
    expect(seqFit(at, ev("job_started", 5))).toBe("old");
    expect(seqFit(at, ev("job_started", 7))).toBe("gap");
    expect(seqFit(at, ev("job_started", 6))).toBe("next");
    expect(seqFit(at, ev("job_progress", 0))).toBe("ephemeral");
    expect(applyEvent(s, ev("job_started", 5, { jobId: "x" }))).toBe(s);
    expect(applyEvent(s, ev("job_started", 7, { jobId: "x" }))).toBe(s);
    const next = applyEvent(
      s,
      ev("job_started", 6, { jobId: "j2", inputId: "in-j2", siteUrl: "https://example.com/j2", goal: "find price" }),
    );
    expect(next.execution.lastEventSeq).toBe(6);
    expect(next.runningJobs.j2).toMatchObject({
      inputId: "in-j2",
      siteUrl: "https://example.com/j2",
      goal: "find price",
      progress: 0,
    });
    expect(next.stats).toMatchObject({ running: 2, queued: 6 });
    // Applying the same event again changes nothing.
    expect(applyEvent(next, ev("job_started", 6, { jobId: "j2" }))).toBe(next);
  });

  it("ignores events of another execution", () => {
    const s = initialState(snapshot());
    expect(applyEvent(s, { ...ev("job_started", 6, { jobId: "z" }), executionId: "other" })).toBe(s);
  });

  it("moves jobs from running to finished, newest first, and counts them", () => {
    const s = applyAll(initialState(snapshot()), [
      ev("job_started", 6, { jobId: "j2", inputId: "in-j2", siteUrl: "https://example.com/j2" }),
      ev("job_completed", 7, {
        jobId: "j1",
        inputId: "in-j1",
        success: true,
        extractedData: { title: "A" },
        durationMs: 1200,
      }),
      ev("job_failed", 8, { jobId: "j2", inputId: "in-j2", error: "timeout", willRetry: false }),
    ]);
    expect(s.runningJobs).toEqual({});
    expect(s.completedJobs.map((j) => [j.jobId, j.status])).toEqual([
      ["j2", "failed"],
      ["j1", "completed"],
      ["j0", "completed"],
    ]);
    expect(s.completedJobs[0]).toMatchObject({ error: "timeout", siteUrl: "https://example.com/j2" });
    expect(s.completedJobs[1]).toMatchObject({
      extractedData: { title: "A" },
      durationMs: 1200,
      siteUrl: "https://example.com/j1",
    });
    expect(s.stats).toEqual({ total: 10, running: 0, queued: 6, completed: 3, failed: 1, cancelled: 0 });
  });

  it("puts a job that will be retried back in the queue, not in the results", () => {
    const s = applyEvent(
      initialState(snapshot()),
      ev("job_failed", 6, { jobId: "j1", error: "reset", willRetry: true }),
    );
    expect(s.runningJobs).toEqual({});
    expect(s.completedJobs.map((j) => j.jobId)).toEqual(["j0"]);
    expect(s.stats).toMatchObject({ running: 0, queued: 8, failed: 0 });
  });

  it("follows the execution's lifecycle and concurrency", () => {
    let s = initialState(snapshot());
    s = applyEvent(s, ev("execution_paused", 6));
    expect(s.execution.status).toBe("paused");
    s = applyEvent(s, ev("concurrency_changed", 7, { concurrency: 8 }));
    expect(s.execution.concurrency).toBe(8);
    s = applyEvent(s, ev("execution_resumed", 8));
    expect(s.execution.status).toBe("running");
    s = applyEvent(s, ev("execution_stopped", 9, { stoppedAt: "2026-01-01T00:02:00.000Z", reason: "enough" }));
    expect(s.execution).toMatchObject({
      status: "stopped",
      stoppedAt: "2026-01-01T00:02:00.000Z",
      stopReason: "enough",
    });
    s = applyEvent(s, ev("job_cancelled", 10, { count: 1 }));
    expect(s.stats).toMatchObject({ queued: 6, cancelled: 1 });
    const done = applyEvent(initialState(snapshot()), ev("execution_completed", 6));
    expect(done.execution.status).toBe("completed");
  });

  it("updates running jobs from job_progress without moving the seq", () => {
    const s = applyEvent(
      initialState(snapshot()),
      ev("job_progress", 5, {
        jobId: "j1",
        currentStep: "Extracting",
        currentUrl: "https://example.com/j1/p",
        progress: 70,
      }),
    );
    expect(s.runningJobs.j1).toMatchObject({
      currentStep: "Extracting",
      currentUrl: "https://example.com/j1/p",
      progress: 70,
      inputId: "in-j1",
    });
    expect(s.execution.lastEventSeq).toBe(5);
  });

  it("shows a goal-driven agent's reason with its own step only, and the job's spend so far", () => {
    const s = initialState(snapshot());
    const acting = applyEvent(
      s,
      ev("job_progress", 5, {
        jobId: "j1",
        currentStep: "Clicking ‘Estimate delivery’",
        progress: 40,
        reason: "the estimate is behind this button",
        usage: { inputTokens: 900, outputTokens: 40, costUsd: 0.002 },
      }),
    );
    expect(acting.runningJobs.j1).toMatchObject({
      reason: "the estimate is behind this button",
      usage: { inputTokens: 900, outputTokens: 40, costUsd: 0.002 },
    });
    const thinking = applyEvent(acting, ev("job_progress", 5, { jobId: "j1", currentStep: "Thinking", progress: 45 }));
    expect(thinking.runningJobs.j1!.reason).toBeUndefined();
    expect(thinking.runningJobs.j1!.usage).toEqual({ inputTokens: 900, outputTokens: 40, costUsd: 0.002 });
  });

  it("adds a job from the server's post-replay snapshot, but never revives a finished job from a late report", () => {
    const base = initialState(snapshot());
    const card = {
      jobId: "j9",
      inputId: "in-j9",
      siteUrl: "https://example.com/j9",
      goal: null,
      currentStep: "Loading",
      currentUrl: null,
      progress: 5,
      startedAt: "2026-01-01T00:00:05.000Z",
      snapshot: true,
    };
    expect(applyEvent(base, ev("job_progress", 5, card)).runningJobs.j9).toMatchObject({
      inputId: "in-j9",
      progress: 5,
    });
    // A plain report for a job never seen starting is not trusted.
    expect(applyEvent(base, ev("job_progress", 5, { jobId: "j9", progress: 5 }))).toBe(base);
    // A finished job stays finished.
    expect(applyEvent(base, ev("job_progress", 5, { ...card, jobId: "j0" }))).toBe(base);
  });

  it("takes stats_update as the truth for counters", () => {
    const s = applyEvent(
      initialState(snapshot()),
      ev("stats_update", 5, {
        running: 2,
        queued: 3,
        completed: 4,
        failed: 1,
        cancelled: 0,
        totalJobs: 10,
        successRate: 80,
        avgDurationMs: 1500,
      }),
    );
    expect(s.stats).toEqual({ total: 10, running: 2, queued: 3, completed: 4, failed: 1, cancelled: 0 });
  });

  it("takes a stats_update only at the seq its counts belong to: counts of another moment would contradict the events applied", () => {
    const s = initialState(snapshot()); // at seq 5: 1 running, 7 queued, 2 completed
    const before = {
      running: 1,
      queued: 8,
      completed: 1,
      failed: 0,
      cancelled: 0,
      totalJobs: 10,
      successRate: 100,
      avgDurationMs: 900,
    };
    const ahead = {
      running: 0,
      queued: 7,
      completed: 3,
      failed: 0,
      cancelled: 0,
      totalJobs: 10,
      successRate: 100,
      avgDurationMs: 900,
    };
    expect(applyEvent(s, ev("stats_update", 4, before))).toBe(s);
    expect(applyEvent(s, ev("stats_update", 6, ahead))).toBe(s);

    // The finding: the last job and the completion are applied, then counts read before them arrive.
    const done = applyAll(s, [
      ev("job_completed", 6, { jobId: "j1", inputId: "in-j1", success: true, durationMs: 10 }),
      ev("execution_completed", 7, { status: "completed", completed: 3, failed: 0, cancelled: 7, totalJobs: 10 }),
    ]);
    expect(done.stats).toEqual({ total: 10, running: 0, queued: 0, completed: 3, failed: 0, cancelled: 7 });
    expect(applyEvent(done, ev("stats_update", 6, { ...ahead, running: 1, completed: 2 }))).toBe(done);
    // The same counts stamped with the seq they belong to are the truth.
    const final = {
      running: 0,
      queued: 0,
      completed: 3,
      failed: 0,
      cancelled: 7,
      totalJobs: 10,
      successRate: 100,
      avgDurationMs: 10,
    };
    const truth = applyEvent(done, ev("stats_update", 7, { ...final, running: 0, completed: 3 }));
    expect(truth).not.toBe(done);
    expect(truth.stats).toEqual({ total: 10, running: 0, queued: 0, completed: 3, failed: 0, cancelled: 7 });
  });

  it("decodes only events that fit the contract, and lets an unreadable retained event take its seq as a no-op", () => {
    const s = initialState(snapshot()); // at seq 5
    const wire = { type: "job_started", executionId: ID, seq: 6, timestamp: AT };
    expect(decodeEvent({ ...wire, data: { jobId: "j2" } })).toEqual({
      ok: false,
      unreadable: { type: "job_started", executionId: ID, seq: 6, retained: true },
    });
    expect(decodeEvent({ ...wire, type: "job_teleported", data: {} })).toMatchObject({
      ok: false,
      unreadable: { seq: 6, retained: true },
    });
    expect(decodeEvent({ ...wire, seq: "six", data: {} })).toEqual({ ok: false, unreadable: null });
    const skipped = skipUnreadable(s, 6);
    expect(skipped.execution.lastEventSeq).toBe(6);
    expect(skipped.stats).toEqual(s.stats);
    // Only the next seq: an old one or one past a gap changes nothing.
    expect(skipUnreadable(s, 5)).toBe(s);
    expect(skipUnreadable(s, 7)).toBe(s);
  });

  it("keeps at most the newest MAX_FINISHED_JOBS finished jobs however long the execution runs", () => {
    let s = initialState(snapshot());
    let seq = 5;
    for (let i = 0; i < MAX_FINISHED_JOBS + 250; i++) {
      s = applyEvent(s, ev("job_started", ++seq, { jobId: `k${i}` }));
      s = applyEvent(s, ev("job_completed", ++seq, { jobId: `k${i}`, success: true, durationMs: 1 }));
    }
    expect(s.completedJobs).toHaveLength(MAX_FINISHED_JOBS);
    expect(s.completedJobs[0]!.jobId).toBe(`k${MAX_FINISHED_JOBS + 249}`);
    expect(s.completedJobs.at(-1)!.jobId).toBe("k250");
    expect(Object.keys(s.runningJobs)).toEqual(["j1"]);
    expect(s.execution.lastEventSeq).toBe(seq);
  });
});

describe("who did it", () => {
  const ana = { type: "user" as const, id: "u-ana", name: "Ana" };
  const ciToken = { type: "token" as const, id: "t-ci", name: 'Bo (token "ci")' };
  const PAUSED_AT = "2026-01-01T14:02:30.000Z";

  it("names who paused and stopped from the events' actor, and forgets the pause on resume", () => {
    let s = initialState(snapshot());
    expect(s.execution).toMatchObject({ startedBy: null, pausedBy: null, stoppedBy: null });
    s = applyEvent(s, ev("execution_paused", 6, { pausedAt: PAUSED_AT, actor: ana }));
    expect(s.execution.pausedBy).toEqual(ana);
    expect(whoDidIt(s.execution)).toBe(`Paused by Ana · ${clockTime(PAUSED_AT)}`);
    s = applyEvent(s, ev("execution_resumed", 7, { actor: ciToken }));
    expect(s.execution.pausedBy).toBeNull();
    expect(whoDidIt(s.execution)).toBeNull();
    s = applyEvent(
      s,
      ev("execution_stopped", 8, { status: "stopping", stoppedAt: AT, reason: "done", actor: ciToken }),
    );
    expect(s.execution.stoppedBy).toEqual(ciToken);
    expect(whoDidIt(s.execution)).toBe(`Stopped by Bo (token "ci") · ${clockTime(AT)}`);
    // The terminal event carries no actor: the stop keeps its author.
    s = applyEvent(s, ev("execution_completed", 9, { status: "stopped", completed: 2, failed: 0, cancelled: 7 }));
    expect(whoDidIt(s.execution)).toBe(`Stopped by Bo (token "ci") · ${clockTime(AT)}`);
  });

  it("names nobody in local mode or for fleetdeck's own budget pause, even after a person's pause", () => {
    let s = initialState(snapshot());
    s = applyEvent(s, ev("execution_paused", 6, { actor: ana }));
    s = applyEvent(s, ev("execution_resumed", 7, { actor: ana }));
    s = applyEvent(s, ev("execution_paused", 8, { reason: "budget reached", costUsd: 1, maxCost: 1 }));
    expect(s.execution).toMatchObject({ status: "paused", pausedBy: null });
    expect(whoDidIt(s.execution)).toBeNull();
    const local = applyEvent(initialState(snapshot()), ev("execution_paused", 6));
    expect(local.execution.pausedBy).toBeNull();
    expect(whoDidIt(local.execution)).toBeNull();
  });

  it("takes the actors from the snapshot, but a pause's only while that pause lasts", () => {
    const paused = initialState({
      ...snapshot(),
      execution: execution({ status: "paused", pausedAt: PAUSED_AT, pausedBy: ana, startedBy: ciToken }),
    });
    expect(paused.execution).toMatchObject({ pausedBy: ana, startedBy: ciToken });
    expect(whoDidIt(paused.execution)).toBe(`Paused by Ana · ${clockTime(PAUSED_AT)}`);
    // The resource keeps the last pauser after a resume, and after a budget pause that came later.
    const resumed = initialState({ ...snapshot(), execution: execution({ status: "running", pausedBy: ana }) });
    expect(resumed.execution.pausedBy).toBeNull();
    const budget = initialState({
      ...snapshot(),
      execution: execution({ status: "paused", pausedBy: ana, pauseReason: "budget reached" }),
    });
    expect(budget.execution.pausedBy).toBeNull();
  });

  it("keeps the actor of an event replayed after a reconnect, and ignores a replay it already applied", () => {
    const pause = ev("execution_paused", 6, { pausedAt: PAUSED_AT, actor: ana });
    // A tab that missed the pause gets it replayed from its lastSeq: the actor comes with it.
    const caughtUp = applyEvent(initialState(snapshot()), pause);
    expect(caughtUp.execution.pausedBy).toEqual(ana);
    // A tab already past it (the snapshot was newer) ignores the replayed copy.
    const resumedLater = applyEvent(caughtUp, ev("execution_resumed", 7));
    expect(applyEvent(resumedLater, pause)).toBe(resumedLater);
    expect(resumedLater.execution.pausedBy).toBeNull();
  });

  it("writes the time of day as HH:MM on a 24-hour clock, local time", () => {
    const d = new Date(2026, 0, 1, 14, 2, 59);
    expect(clockTime(d.toISOString())).toBe("14:02");
    expect(clockTime(new Date(2026, 0, 1, 9, 5).toISOString())).toBe("09:05");
    expect(clockTime(null)).toBeNull();
    expect(clockTime("not a time")).toBeNull();
    expect(whoDidIt({ status: "paused", pausedBy: ana, pausedAt: null, stoppedBy: null, stoppedAt: null })).toBe(
      "Paused by Ana",
    );
  });
});

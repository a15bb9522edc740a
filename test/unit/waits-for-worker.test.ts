import { describe, expect, it } from "vitest";
import { waitsForWorker } from "@/features/executions/lib/waits-for-worker";
import { applyEvent, type ExecutionState, initialState } from "@/lib/client/execution-state";
import { decodeEvent, type EventType, type ExecutionEvent } from "@/lib/contract/events";
import type { Execution, Job } from "@/lib/contract/resources";

const ID = "exec-1";
const AT = "2026-01-01T00:01:00.000Z";

const execution: Execution = {
  id: ID,
  batchId: "b",
  status: "running",
  mode: "production",
  sampleSize: null,
  concurrency: 1,
  totalJobs: 2,
  createdAt: AT,
  startedAt: AT,
  pausedAt: null,
  resumedAt: null,
  stoppedAt: null,
  completedAt: null,
  stopReason: null,
  estimatedDurationMs: null,
  estimatedCost: null,
  lastEventSeq: 2,
  stats: { total: 2, running: 1, queued: 1, completed: 0, failed: 0, cancelled: 0 },
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
};

const runningJob: Job = {
  id: "j1",
  executionId: ID,
  inputId: "in-j1",
  rowIndex: 1,
  siteUrl: "https://example.com/1",
  goal: null,
  status: "running",
  currentStep: "Loading",
  currentUrl: null,
  progressPercentage: 10,
  startedAt: AT,
  completedAt: null,
  executionDurationMs: null,
  retryCount: 0,
  retryReason: null,
  errorMessage: null,
  extractedData: null,
  finalUrl: null,
  httpStatus: null,
  usage: null,
};

/** An event as the browser gets it, decoded against the contract (a test event that does not fit fails here). */
function ev(type: EventType, seq: number, data: Record<string, unknown>): ExecutionEvent {
  const decoded = decodeEvent({ type, executionId: ID, seq, data, timestamp: AT });
  if (!decoded.ok) throw new Error(`the test's ${type} event does not fit the contract`);
  return decoded.event;
}

const started = (jobId: string, seq: number) =>
  ev("job_started", seq, {
    jobId,
    inputId: `in-${jobId}`,
    siteUrl: "https://example.com/",
    goal: null,
    startedAt: AT,
    attempt: 1,
    workerId: "w2",
  });
const completed = (jobId: string, seq: number) =>
  ev("job_completed", seq, {
    jobId,
    inputId: `in-${jobId}`,
    siteUrl: "https://example.com/",
    success: true,
    extractedData: {},
    durationMs: 5,
    finalUrl: null,
    completedAt: AT,
  });

/** What the live view decides from the state the reducer keeps and the web process's count. */
const notice = (state: ExecutionState, liveWorkers: number | null) =>
  waitsForWorker(state.execution.status, state.stats, liveWorkers);

describe("the no-worker notice", () => {
  it("shows while an active run has jobs and no worker lives, through a requeue, and hides when one returns", () => {
    let state = initialState({ execution, runningJobs: [runningJob], finishedJobs: [] });
    expect(notice(state, 0)).toBe(true);
    expect(notice(state, 1)).toBe(false);
    // No count came: a process with its own worker (embedded mode), or none known yet.
    expect(notice(state, null)).toBe(false);

    // The dead worker's job goes back to the queue: still nothing to run it.
    state = applyEvent(
      state,
      ev("job_failed", 3, { jobId: "j1", inputId: "in-j1", error: "stopped responding", willRetry: true }),
    );
    expect(state.stats).toMatchObject({ running: 0, queued: 2 });
    expect(notice(state, 0)).toBe(true);

    // A worker starts: the count says so, and the jobs run.
    expect(notice(state, 1)).toBe(false);
    state = [started("j1", 4), completed("j1", 5), started("j2", 6), completed("j2", 7)].reduce(applyEvent, state);
    state = applyEvent(
      state,
      ev("execution_completed", 8, {
        status: "completed",
        completedAt: AT,
        running: 0,
        queued: 0,
        completed: 2,
        failed: 0,
        cancelled: 0,
        totalJobs: 2,
      }),
    );
    // Finished: nothing waits for a worker, whatever the count.
    expect(notice(state, 0)).toBe(false);
  });

  it("while paused, shows only for running jobs: queued ones wait for a resume, not for a worker", () => {
    let state = initialState({ execution, runningJobs: [runningJob], finishedJobs: [] });
    state = applyEvent(state, ev("execution_paused", 3, { pausedAt: AT, running: 1 }));
    expect(state.execution.status).toBe("paused");
    expect(notice(state, 0)).toBe(true);
    state = applyEvent(
      state,
      ev("job_failed", 4, { jobId: "j1", inputId: "in-j1", error: "stopped responding", willRetry: true }),
    );
    expect(state.stats).toMatchObject({ running: 0, queued: 2 });
    expect(notice(state, 0)).toBe(false);
    state = applyEvent(state, ev("execution_resumed", 5, { resumedAt: AT }));
    expect(notice(state, 0)).toBe(true);
  });

  it("does not show for a run with nothing left to do", () => {
    const idle = initialState({
      execution: { ...execution, stats: { ...execution.stats, running: 0, queued: 0, completed: 2 } },
      runningJobs: [],
      finishedJobs: [],
    });
    expect(notice(idle, 0)).toBe(false);
  });
});

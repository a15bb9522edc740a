import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { applyEvent, type ExecutionState, initialState } from "@/lib/client/execution-state";
import { ExecutionStream, type SocketLike } from "@/lib/client/execution-stream";
import type { ExecutionEvent } from "@/lib/contract/events";
import type { JobCounts } from "@/lib/contract/stats";
import { executions, jobs } from "@/server/db/schema";
import { publishEphemeral } from "@/server/events/transaction";
import { getExecution, listJobs, startExecution } from "@/server/executions/service";
import { appendEvent } from "@/server/repos/events";
import { Scheduler } from "@/server/scheduler/scheduler";
import { insertFixture } from "../helpers/fixtures";
import { jobStartedData, startHubServer, waitUntil } from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

const RUNS = 12;
const JOBS = 30;
const wsSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;
const show = (stats: JobCounts) => JSON.stringify(stats);

/**
 * The live view's counters against the truth (issue 10, finding 14). The client side is the page's
 * own: a REST snapshot, the real stream, the real reducer. Beside the state it shows, each watcher keeps
 * a reference that only the retained events move: from a consistent snapshot, applying every event in
 * order is exact, so a stats_update that changes the counts is one that does not belong where it arrived.
 */
describe.each(DATABASES)("live view consistency on %s", (kind) => {
  let t: TestRuntime;

  beforeAll(async () => {
    t = await startTestRuntime(kind);
  });
  afterAll(async () => {
    await t.stop();
  });

  /** What the page does on load: the execution, then its running jobs, then the stream from the execution's seq. */
  async function watch(url: string, executionId: string) {
    const execution = await getExecution(executionId);
    const running = await listJobs(executionId, { statuses: ["running"], limit: 100, cursor: null });
    let state: ExecutionState = initialState({ execution, runningJobs: running.jobs, finishedJobs: [] });
    let reference = state;
    const problems: string[] = [];
    let atCompletion: JobCounts | null = null;
    let statsUpdates = 0;
    let statsUpdatesAfterCompletion = 0;
    const stream = new ExecutionStream({
      url,
      executionId,
      lastSeq: execution.lastEventSeq,
      createSocket: wsSocket,
      onEvent: (event: ExecutionEvent) => {
        state = applyEvent(state, event);
        if (event.type !== "stats_update") reference = applyEvent(reference, event);
        else {
          statsUpdates++;
          if (atCompletion) statsUpdatesAfterCompletion++;
        }
        if (show(state.stats) !== show(reference.stats)) {
          problems.push(
            `after ${event.type} (seq ${event.seq}) the view shows ${show(state.stats)} where the events say ${show(reference.stats)}`,
          );
          reference = state; // report each divergence once
        }
        if (event.type === "execution_completed") atCompletion = { ...state.stats };
      },
    });
    stream.start();
    return {
      stream,
      problems,
      get state() {
        return state;
      },
      get atCompletion(): JobCounts | null {
        return atCompletion;
      },
      get statsUpdates() {
        return statsUpdates;
      },
      get statsUpdatesAfterCompletion() {
        return statsUpdatesAfterCompletion;
      },
    };
  }

  it(`is exact when execution_completed is applied and stays exact, over ${RUNS} runs of ${JOBS} 0 ms jobs`, async () => {
    const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000, slots: 50 }).start();
    // A stats tick far more frequent than production's 2 s, so stats reads race the last events as often as they can.
    const server = await startHubServer(t.runtime, { statsIntervalMs: 5, heartbeatMs: 60_000 });
    try {
      for (let run = 1; run <= RUNS; run++) {
        const { batch } = await insertFixture(t.runtime.db, {
          rows: JOBS,
          agent: { simulate: { durationMs: 0, failRate: 0.2 } },
        });
        const { id } = await startExecution(batch.id, { mode: "production", concurrency: 10 });
        const view = await watch(server.url, id);
        try {
          await waitUntil(() => view.atCompletion !== null);
          // A stats tick that raced the last events would land after them: give the next ticks time to arrive.
          await waitUntil(() => view.statsUpdatesAfterCompletion >= 1, 300).catch(() => {});
          const final = (await getExecution(id)).stats;
          expect(final.completed + final.failed, `run ${run}`).toBe(JOBS);
          expect(view.problems, `run ${run}`).toEqual([]);
          expect(view.atCompletion, `run ${run}`).toEqual(final);
          expect(view.state.stats, `run ${run}`).toEqual(final);
          expect(view.state.runningJobs, `run ${run}`).toEqual({});
          expect(view.state.execution.status, `run ${run}`).toBe("completed");
        } finally {
          view.stream.stop();
        }
      }
    } finally {
      await server.close();
      await scheduler.stop(0);
    }
  });

  it("never sends counts ahead of the events a client has been sent (an event whose notification was lost)", async () => {
    const server = await startHubServer(t.runtime, { statsIntervalMs: 200, heartbeatMs: 60_000 });
    try {
      const {
        execution,
        jobs: [job],
      } = await insertFixture(t.runtime.db, { rows: 3, execution: { concurrency: 1 } });
      const view = await watch(server.url, execution!.id);
      await waitUntil(() => view.stream.connected);
      // A job starts, but its notification never arrives: only the log and the counters know.
      await t.runtime.db.transaction(async (tx) => {
        await tx.update(jobs).set({ status: "running", startedAt: new Date() }).where(eq(jobs.id, job!.id));
        await tx.update(executions).set({ runningCount: 1, queuedCount: 2 }).where(eq(executions.id, execution!.id));
        await appendEvent(tx, execution!.id, "job_started", {
          ...jobStartedData(job!.id),
          inputId: job!.inputId,
          siteUrl: job!.siteUrl,
        });
      });
      // Progress that did arrive: there is something new for the next stats tick to report.
      publishEphemeral(t.runtime.bus, execution!.id, "job_progress", {
        jobId: job!.id,
        currentStep: "Loading",
        currentUrl: null,
        progress: 10,
      });

      await waitUntil(() => view.state.execution.lastEventSeq === 1 && view.statsUpdates >= 1, 5_000);
      expect(view.problems).toEqual([]);
      expect(view.state.stats).toEqual({ total: 3, running: 1, queued: 2, completed: 0, failed: 0, cancelled: 0 });
      view.stream.stop();
    } finally {
      await server.close();
    }
  });
});

import { performance } from "node:perf_hooks";
import { agentFor as defaultAgentFor } from "@/server/agents";
import type { Agent } from "@/server/agents/types";
import { adjustConcurrency, pause, stop } from "@/server/executions/service";
import { Scheduler } from "@/server/scheduler/scheduler";
import { countersAndTruth } from "../../test/helpers/engine";
import { sleep, until } from "../lib/stats";
import { createExecutions, type DbKind, freshRuntime } from "./fleetdeck-queue";

/** Control latency, through the same service functions the HTTP routes call, on a running scheduler. */
export interface ControlResult {
  db: DbKind;
  /** Pause request → the last job start it did not prevent (0 when none started after the request). */
  pauseToLastStartMs: number;
  /** Concurrency 2 → 10 request → 10 jobs running. */
  raiseToFilledMs: number;
  /** Stop request → every queued job cancelled (checked in the database when the call returns). */
  stopToCancelledMs: number;
  /** At concurrency 1: one job's end (its agent returns) → the next job's start, median over 30 hand-overs. */
  endToNextStartMs: number;
  problems: string[];
}

export async function measureControls(kind: DbKind): Promise<ControlResult> {
  const started = await freshRuntime(kind);
  const { runtime } = started;
  const problems: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let inFlight = 0;
  let onChange = () => {};
  const agent: Agent = {
    async run(job, ctx) {
      starts.push(performance.now());
      inFlight++;
      onChange();
      try {
        return await defaultAgentFor(ctx.config).run(job, ctx);
      } finally {
        inFlight--;
        ends.push(performance.now());
      }
    },
  };
  const slow = (ms: number) => ({
    engine: "simulated" as const,
    simulate: { durationMs: ms, failRate: 0 },
    maxRetries: 0,
  });
  let result: ControlResult;
  try {
    runtime.services.set("scheduler", Scheduler.fromRuntime(runtime, { slots: 100, agentFor: () => agent }).start());

    // 1. Pause: jobs of 30 ms at concurrency 10 keep the claim loop busy; pause mid-stream.
    const [a] = await createExecutions(runtime, 1, 400, 10, slow(30));
    await until(() => starts.length >= 30, "30 jobs to start");
    const t0 = performance.now();
    await pause(a!);
    await sleep(500);
    const after = starts.filter((t) => t >= t0);
    const pauseToLastStartMs = after.length ? Math.max(...after) - t0 : 0;
    const n = starts.length;
    await sleep(300);
    if (starts.length !== n) problems.push("jobs kept starting after a pause");
    await stop(a!, "bench");
    await until(() => inFlight === 0, "paused jobs to finish");

    // 2. Raise: concurrency 2 with 2 s jobs, raised to 10.
    const [b] = await createExecutions(runtime, 1, 20, 2, slow(2000));
    await until(() => inFlight === 2, "2 jobs running");
    let filledAt = 0;
    onChange = () => {
      if (inFlight >= 10 && !filledAt) filledAt = performance.now();
    };
    const t1 = performance.now();
    await adjustConcurrency(b!, 10);
    await until(() => filledAt > 0, "10 jobs running", 20_000, 5);
    const raiseToFilledMs = filledAt - t1;
    onChange = () => {};

    // 3. Stop: the 10 running finish, the 10 queued are cancelled by the call itself.
    const t2 = performance.now();
    await stop(b!, "bench");
    const stopToCancelledMs = performance.now() - t2;
    const { counters } = await countersAndTruth(runtime.db, b!);
    if (counters.queued !== 0) problems.push(`${counters.queued} jobs still queued after stop returned`);
    await until(() => inFlight === 0, "stopped jobs to finish");

    // 4. Hand-over: zero-duration jobs at concurrency 1, so each start waits for the previous end.
    starts.length = 0;
    ends.length = 0;
    await createExecutions(runtime, 1, 31, 1, slow(0));
    await until(() => starts.length >= 31 && inFlight === 0, "31 jobs to run one after another");
    const gaps = starts
      .slice(1)
      .map((t, i) => t - ends[i]!)
      .sort((x, y) => x - y);
    const endToNextStartMs = gaps[Math.floor(gaps.length / 2)]!;
    result = { db: kind, pauseToLastStartMs, raiseToFilledMs, stopToCancelledMs, endToNextStartMs, problems };
  } finally {
    await started.stop();
  }
  return result;
}

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getExecution, startExecution } from "@/server/executions/service";
import { Scheduler } from "@/server/scheduler/scheduler";
import { insertFixture } from "../helpers/fixtures";
import { startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * Embedded PGlite runs PostgreSQL on the server's own thread. A drain of 0 ms jobs is a loop of queries that,
 * left alone, never gives timers or sockets a turn: the live view and the controls froze until it ended.
 * The test waits for the end through the bus, so the wait itself needs no timer.
 */
describe("embedded database and the event loop", () => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime("pglite");
  });
  afterEach(() => t.stop());

  it("gives timers and sockets their turns while the scheduler drains 0 ms jobs", async () => {
    const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000, slots: 20 });
    t.runtime.services.set("scheduler", scheduler.start());
    const { batch } = await insertFixture(t.runtime.db, {
      rows: 400,
      agent: { engine: "simulated", simulate: { durationMs: 0, failRate: 0 } },
    });

    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const ended = new Promise<string>((resolve) =>
      t.runtime.bus.onEvent((e) => e.type === "execution_completed" && resolve(e.executionId)),
    );
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 10 });
    expect(await ended).toBe(execution.id);
    const drainMs = performance.now() - started;
    clearInterval(timer);

    // A 5 ms timer that fired less than once per 250 ms of the drain was starved (it never fired before).
    expect(ticks, `${ticks} timer turns in a ${Math.round(drainMs)} ms drain`).toBeGreaterThanOrEqual(
      Math.floor(drainMs / 250),
    );
    expect(ticks).toBeGreaterThan(0);
    expect((await getExecution(execution.id)).status).toBe("completed");
  });
});

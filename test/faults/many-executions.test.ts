import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { getExecution, startExecution } from "@/server/executions/service";
import { Scheduler } from "@/server/scheduler/scheduler";
import { expectAlive, expectRunIntact, seconds } from "../helpers/faults";
import { insertFixture } from "../helpers/fixtures";
import { Fleet } from "../helpers/fleet";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

const EXECUTIONS = 10;
const CONCURRENCY = 10;
const JOBS_EACH = 40;
const SLOTS = 20;

/**
 * Ten executions at concurrency 10 want 100 slots; the workers have 20 each. Jobs of one length end
 * together, so executions empty at once and their hand-overs race the claim loops for the same free
 * slots: the run that once put 47 jobs on a worker of 20. Neither limit may be exceeded at any instant,
 * computed from each attempt's start, end and worker.
 */
describe.each(DATABASES)("fault: many executions at once on %s", (kind) => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  /** PostgreSQL: two worker processes. PGlite is one process: its own embedded worker. */
  const startWorkers = async (): Promise<{ db: Db; workers: number; alive: () => void }> => {
    if (kind === "postgres") {
      const fleet = await Fleet.start({ WORKER_SLOTS: String(SLOTS) });
      close = () => fleet.close();
      await Promise.all([fleet.startWorker(), fleet.startWorker()]);
      await fleet.acquainted();
      return { db: fleet.runtime.db, workers: 2, alive: () => expectAlive(fleet.workers) };
    }
    const t: TestRuntime = await startTestRuntime(kind, { WORKER_SLOTS: String(SLOTS) });
    close = () => t.stop();
    t.runtime.services.set("scheduler", Scheduler.fromRuntime(t.runtime).start());
    return { db: t.runtime.db, workers: 1, alive: () => {} };
  };

  it(`${EXECUTIONS} executions at concurrency ${CONCURRENCY} never exceed either limit`, {
    timeout: 150_000,
  }, async () => {
    const { db, workers, alive } = await startWorkers();
    const batches = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      batches.push(
        (
          await insertFixture(db, {
            rows: JOBS_EACH,
            agent: { engine: "simulated", simulate: { durationMs: 300, failRate: 0 }, maxRetries: 0 },
          })
        ).batch,
      );
    }
    const t0 = Date.now();
    const executions = [];
    for (const batch of batches)
      executions.push(await startExecution(batch.id, { mode: "production", concurrency: CONCURRENCY }));
    for (const { id } of executions)
      await waitFor(
        async () => (await getExecution(id)).status === "completed",
        `execution ${id} to complete`,
        120_000,
        100,
      );
    const finishedAt = Date.now();
    alive();
    const report = await expectRunIntact(
      db,
      executions.map((e) => ({ id: e.id, concurrency: CONCURRENCY, jobs: JOBS_EACH })),
      SLOTS,
    );
    // The run did load every worker with several executions at once (else the limits were never at stake).
    expect(report.workers).toBe(workers);
    expect(report.peakPerWorker).toBeGreaterThan(CONCURRENCY);
    console.log(
      `[faults] many executions on ${kind}: ${JSON.stringify({ ...report, totalS: seconds(finishedAt - t0) })}`,
    );
  });
});

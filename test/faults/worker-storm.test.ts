import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { jobs } from "@/server/db/schema";
import { getExecution, startExecution } from "@/server/executions/service";
import { listWorkers } from "@/server/repos/workers";
import { attemptsOf, expectAlive, expectRunIntact, seconds } from "../helpers/faults";
import { insertFixture } from "../helpers/fixtures";
import { Fleet } from "../helpers/fleet";
import { waitFor } from "../helpers/wait";

const EXECUTIONS = 2;
const JOBS_EACH = 300;
const CONCURRENCY = 10;
const KILLS = 4;
const WORKERS = 3;
const SLOTS = 20;

/**
 * Worker processes SIGKILLed one after another in the middle of a run (the oldest first, every 1.5 s or as
 * soon as another worker is up to carry on), each replaced by a new one at once. Heartbeats and leases are
 * the defaults (dead after 3 s; 30 s leases), and every job of a killed worker must come back by the
 * heartbeat's verdict: the lease is only the safety net.
 */
describe.runIf(process.env.TEST_DATABASE_URL)("fault: a SIGKILL storm over the workers (PostgreSQL)", () => {
  let fleet: Fleet;
  afterAll(() => fleet?.close());

  const runningOn = async (workerId: string) => {
    const [row] = await fleet.runtime.db
      .select({ n: sql<number>`count(*)::int` })
      .from(jobs)
      .where(and(eq(jobs.status, "running"), eq(jobs.workerId, workerId)));
    return Number(row?.n ?? 0);
  };

  it(`loses no job and keeps both limits through ${KILLS} worker kills`, { timeout: 240_000 }, async () => {
    fleet = await Fleet.start({ WORKER_SLOTS: String(SLOTS) });
    await Promise.all(Array.from({ length: WORKERS }, () => fleet.startWorker()));
    await fleet.acquainted();
    const executions = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const { batch } = await insertFixture(fleet.runtime.db, {
        rows: JOBS_EACH,
        agent: { engine: "simulated", simulate: { durationMs: 500, failRate: 0 }, maxRetries: KILLS },
      });
      executions.push(await startExecution(batch.id, { mode: "production", concurrency: CONCURRENCY }));
    }
    const t0 = Date.now();

    const respawns: Promise<unknown>[] = [];
    for (let i = 0; i < KILLS; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      await waitFor(() => fleet.workers.length >= 2, "another live worker to carry on", 60_000, 50);
      const victim = fleet.workers[0]!;
      const victimId = await fleet.workerIdOf(victim);
      await waitFor(
        async () => (await runningOn(victimId)) > 0,
        `worker ${victimId} to hold jobs (did the run end before the storm?)`,
        30_000,
        50,
      );
      await fleet.kill(victim);
      respawns.push(fleet.startWorker());
    }
    await Promise.all(respawns);
    for (const { id } of executions)
      await waitFor(
        async () => (await getExecution(id)).status === "completed",
        `execution ${id} to complete`,
        120_000,
        100,
      );
    const finishedAt = Date.now();
    expectAlive(fleet.workers);

    const report = await expectRunIntact(
      fleet.runtime.db,
      executions.map((e) => ({ id: e.id, concurrency: CONCURRENCY, jobs: JOBS_EACH })),
      SLOTS,
    );
    const attempts = await attemptsOf(
      fleet.runtime.db,
      executions.map((e) => e.id),
    );
    const registry = await listWorkers(fleet.runtime.db);
    const stalls = fleet.killed.map((killed) => {
      expect(registry.find((w) => w.id === killed.workerId)).toMatchObject({ status: "dead" });
      const cut = attempts.filter((a) => a.workerId === killed.workerId && a.error !== null);
      expect(cut.length).toBeGreaterThan(0);
      // Returned by the heartbeat's verdict, not by the lease.
      for (const a of cut)
        expect(a.error).toBe(`The worker ${killed.workerId} stopped responding (no heartbeat for 3 s); retrying`);
      return seconds(Math.max(...cut.map((a) => a.endUs! / 1000)) - killed.killedAt);
    });
    console.log(
      `[faults] worker storm: ${JSON.stringify({ ...report, kills: KILLS, totalS: seconds(finishedAt - t0), stallPerKillS: stalls })}`,
    );
  });
});

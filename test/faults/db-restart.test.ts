import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { getExecution, startExecution } from "@/server/executions/service";
import { startRuntime, stopRuntime } from "@/server/runtime";
import { expectAlive, expectRunIntact, seconds } from "../helpers/faults";
import { insertFixture } from "../helpers/fixtures";
import { type RunningServer, startServer } from "../helpers/server";
import { postgresBinaries, startThrowawayPostgres, type ThrowawayPostgres } from "../helpers/throwaway-postgres";
import { waitFor } from "../helpers/wait";

const JOBS = 240;
const CONCURRENCY = 5;
const JOB_MS = 500;
/** FAULT_DB_RESTARTS=0 runs the same execution undisturbed, for the baseline the summary is compared with. */
const RESTARTS = Number(process.env.FAULT_DB_RESTARTS ?? 10);
const SLOTS = 20;
/** How long the database stays up between two restarts, and down in each. */
const UP_MS = 500;
const DOWN_MS = 600;
/** A request the server does not answer in this long counts as hung. */
const ANSWER_WITHIN_MS = 10_000;

const bin = postgresBinaries();
if (!bin)
  console.warn(
    "[faults] db-restart skipped: no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)",
  );

interface Answer {
  status: number;
  ms: number;
  body: { ok?: boolean; error?: { code: string; message: string } };
}

async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const t0 = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  const body = (await response.json()) as Answer["body"];
  return { status: response.status, ms: performance.now() - t0, body };
}

/**
 * One web and two worker processes on a PostgreSQL server of the test's own, which is stopped (fast
 * shutdown: every session cut, transactions in flight included) and started again 10 times while an
 * execution runs. Nothing may end a process; every job completes exactly once; while the database is
 * down /api/health and the API answer 503 at once, and 200 once it is back.
 */
describe.skipIf(!bin)("fault: the database restarts 10 times mid-run (throwaway PostgreSQL)", () => {
  let pg: ThrowawayPostgres | undefined;
  const processes: RunningServer[] = [];
  afterAll(async () => {
    await stopRuntime(0);
    await Promise.allSettled(processes.map((p) => p.stop()));
    pg?.destroy();
  });

  it(`loses no job, keeps the limit and every process through ${RESTARTS} restarts; health says 503 while down`, {
    timeout: 115_000,
  }, async () => {
    const testStart = Date.now();
    pg = await startThrowawayPostgres();
    const env = {
      DATABASE_URL: pg.url,
      LEASE_SECONDS: "4",
      WORKER_SLOTS: String(SLOTS),
      DB_CONNECT_TIMEOUT_MS: "1000",
      LOG_LEVEL: "warn",
    };
    const web = await startServer({ ...env, FLEETDECK_ROLE: "web" });
    processes.push(web);
    processes.push(
      ...(await Promise.all([
        startServer({ ...env, FLEETDECK_ROLE: "worker" }),
        startServer({ ...env, FLEETDECK_ROLE: "worker" }),
      ])),
    );

    // The test's own runtime (a web role, as in Fleet) creates the executions and reads the tables; it lives through the restarts too.
    const runtime = await startRuntime({
      env: loadEnv({ ...process.env, LOG_LEVEL: "silent" }),
      role: "web",
      databaseUrl: pg.url,
    });
    const { batch } = await insertFixture(runtime.db, {
      rows: JOBS,
      agent: { engine: "simulated", simulate: { durationMs: JOB_MS, failRate: 0 }, maxRetries: RESTARTS },
    });
    const startRun = async () => (await startExecution(batch.id, { mode: "production", concurrency: CONCURRENCY })).id;
    const statusOf = async (id: string) => (await getExecution(id)).status;
    const untilCompleted = (id: string) =>
      waitFor(
        async () => (await statusOf(id).catch(() => "unknown")) === "completed",
        `execution ${id} to complete`,
        90_000,
        100,
      );

    const disturbedId = await startRun();
    const t0 = Date.now();
    console.log(`[faults] db restarts: processes up after ${seconds(t0 - testStart)} s`);
    const outages: Answer[][] = [];
    const apiWhileDown: Answer[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      await new Promise((r) => setTimeout(r, UP_MS));
      // Mid-run: the execution is still going when the database goes away.
      expect(await statusOf(disturbedId), `status before restart ${i + 1}`).toBe("running");
      pg.stop();
      const downUntil = Date.now() + DOWN_MS;
      const health: Answer[] = [];
      outages.push(health);
      do {
        health.push(await ask(`${web.url}/api/health`));
        apiWhileDown.push(await ask(`${web.url}/api/executions/${disturbedId}`));
        await new Promise((r) => setTimeout(r, 50));
      } while (Date.now() < downUntil);
      pg.start();
      await waitFor(() => runtime.database.health().ok, "the test's own runtime to see the database again", 20_000, 50);
      await waitFor(
        async () => (await ask(`${web.url}/api/health`)).status === 200,
        "/api/health to answer 200 once the database is back",
        20_000,
        50,
      );
    }
    await untilCompleted(disturbedId);
    const disturbedMs = Date.now() - t0;
    expectAlive(processes);

    const report = await expectRunIntact(
      runtime.db,
      [{ id: disturbedId, concurrency: CONCURRENCY, jobs: JOBS }],
      SLOTS,
    );
    // The first answers may come before anything noticed the shutdown (it takes the server a moment); after that, 503.
    const settled = outages.flatMap((answers) => {
      const first503 = answers.findIndex((a) => a.status === 503);
      expect(first503, "/api/health answered 503 during the outage").toBeGreaterThanOrEqual(0);
      return answers.slice(first503);
    });
    for (const answer of settled)
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 503, code: "unavailable" });
    // Every API request during the outages was answered: a body, or 503 unavailable in the contract's shape, never a hang or a 500.
    for (const answer of apiWhileDown) expect([200, 503]).toContain(answer.status);
    expect(apiWhileDown.filter((a) => a.status === 503).every((a) => a.body.error?.code === "unavailable")).toBe(true);
    expect(apiWhileDown.filter((a) => a.status === 503).length).toBeGreaterThanOrEqual(RESTARTS);

    expect((await ask(`${web.url}/api/health`)).status).toBe(200);

    const health = settled.map((a) => a.ms);
    console.log(
      `[faults] db restarts: ${JSON.stringify({
        ...report,
        restarts: RESTARTS,
        disturbedS: seconds(disturbedMs),
        undisturbedAtBestS: seconds((JOBS * JOB_MS) / CONCURRENCY),
        healthWhileDown: {
          answers: settled.length,
          status503: settled.filter((a) => a.status === 503).length,
          maxMs: Math.round(Math.max(...health)),
          medianMs: Math.round(health.sort((a, b) => a - b)[Math.floor(health.length / 2)]!),
        },
        apiWhileDown: {
          answers: apiWhileDown.length,
          status503: apiWhileDown.filter((a) => a.status === 503).length,
          maxMs: Math.round(Math.max(...apiWhileDown.map((a) => a.ms))),
        },
      })}`,
    );
  });
});

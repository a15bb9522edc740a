import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as healthRoute from "@/app/api/health/route";
import * as projectsRoute from "@/app/api/projects/route";
import type { DatabaseHealth } from "@/server/db/client";
import { loadEnv } from "@/server/env";
import { type Runtime, startRuntime, stopRuntime } from "@/server/runtime";
import { call } from "../helpers/http";
import { postgresBinaries, startThrowawayPostgres, type ThrowawayPostgres } from "../helpers/throwaway-postgres";
import { waitFor } from "../helpers/wait";

/** Long enough that a request which waited for a connection attempt to time out could not pass for a quick refusal. */
const CONNECT_TIMEOUT_MS = 5_000;
/** More requests at once than the pool has connections, so some queue behind the dead pool. */
const BURST = 25;

const bin = postgresBinaries();
if (!bin)
  console.warn(
    "[integration] database-health skipped: no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)",
  );

/** GET /api/health through its route handler (which is synchronous). */
const askHealth = () => call(async () => healthRoute.GET());

/** Calls a route and notes how long it took to answer. */
async function timed(request: () => ReturnType<typeof call>) {
  const t0 = performance.now();
  const answer = await request();
  return { status: answer.status, body: answer.body, ms: performance.now() - t0 };
}

/**
 * The database seam on a PostgreSQL server of the test's own that is stopped and started again: health
 * reports the outage and the return, requests fail at once with 503 unavailable while it is down, and
 * the LISTEN connection comes back by itself.
 */
describe.skipIf(!bin)("database seam when PostgreSQL goes away (throwaway PostgreSQL)", () => {
  let server: ThrowawayPostgres;
  let runtime: Runtime;
  const changes: DatabaseHealth[] = [];

  beforeAll(async () => {
    server = await startThrowawayPostgres();
    const env = loadEnv({
      ...process.env,
      LOG_LEVEL: "silent",
      SEED_DEMO: "false",
      DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    });
    runtime = await startRuntime({ env, role: "web", databaseUrl: server.url });
    runtime.database.onHealthChange((health) => changes.push(health));
  });
  afterAll(async () => {
    await stopRuntime(0);
    server?.destroy();
  });

  it("answers /api/health 503 with the reason while down, refuses queries at once with 503 unavailable, and 200 once back", {
    timeout: 90_000,
  }, async () => {
    expect(await askHealth()).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call(projectsRoute.POST, { json: { name: "before" } })).status).toBe(201);

    server.stop();
    const down = (await waitFor(async () => {
      const health = await askHealth();
      return health.status === 503 ? health : null;
    }, "/api/health to answer 503"))!;
    expect(down.body.error).toMatchObject({
      code: "unavailable",
      details: { database: { kind: "postgres", ok: false } },
    });
    expect(down.body.error.message).toContain(down.body.error.details.database.reason);
    expect(changes.map((c) => c.ok)).toEqual([false]);

    // Reads and writes, more at once than the pool holds: each refused in the contract's shape, none waiting out a connection attempt.
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        timed(() =>
          i % 2 === 0 ? call(projectsRoute.GET) : call(projectsRoute.POST, { json: { name: `while down ${i}` } }),
        ),
      ),
    );
    for (const answer of answers) {
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 503, code: "unavailable" });
      expect(answer.ms).toBeLessThan(CONNECT_TIMEOUT_MS);
    }
    expect((await askHealth()).status).toBe(503);

    server.start();
    await waitFor(async () => (await askHealth()).status === 200, "/api/health to answer 200 again");
    expect(changes.map((c) => c.ok)).toEqual([false, true]);
    const list = await call(projectsRoute.GET);
    expect(list.status).toBe(200);
    // Nothing written while down: only the project created before the outage.
    expect(list.body.projects.map((p: { name: string }) => p.name)).toEqual(["before"]);
  });

  it("carries LISTEN again after a restart and tells receivers to catch up", { timeout: 90_000 }, async () => {
    const received: string[] = [];
    await runtime.database.listen("fleetdeck_seam_probe", (payload) => received.push(payload));
    const wakes: (string | null)[] = [];
    runtime.bus.onWake((executionId) => wakes.push(executionId));
    const notifyFromOutside = async (payload: string) => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        await client.query("select pg_notify('fleetdeck_seam_probe', $1)", [payload]);
      } finally {
        await client.end();
      }
    };
    await notifyFromOutside("before");
    await waitFor(() => received.includes("before"), "a notification before the restart");

    server.stop();
    await waitFor(() => !runtime.database.health().ok, "the seam to see the database down");
    server.start();
    await waitFor(() => runtime.database.health().ok, "the seam to see the database back");

    // Notifications sent meanwhile are lost, so every scheduler is asked to look again.
    await waitFor(() => wakes.includes(null), "a wake for every execution after LISTEN resumed");
    await notifyFromOutside("after");
    await waitFor(() => received.includes("after"), "a notification after the restart");
    runtime.bus.wake("through-the-bus");
    await waitFor(() => wakes.includes("through-the-bus"), "a wake sent through the bus after the restart");
  });
});

import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { listWorkers } from "@/server/repos/workers";
import { startRuntime, stopRuntime } from "@/server/runtime";
import { attemptsOf, expectAlive, expectRunIntact, seconds } from "../helpers/faults";
import { type RunningServer, startServer } from "../helpers/server";
import { waitFor } from "../helpers/wait";

const JOBS = 60;
const CONCURRENCY = 10;
const RESTARTS = 2;

/**
 * `npm start` as people run it (role all, embedded PGlite in DATA_DIR, the default 30 s leases), SIGKILLed
 * mid-run and started again on the same folder, twice. The data-folder lock proves the killed process
 * gone, so the new one returns its jobs to the queue at start-up and the run finishes without waiting
 * for a lease.
 */
describe("fault: the embedded process killed mid-run and restarted", () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.kill()));
  });

  const api = async (server: RunningServer, path: string, body?: unknown) => {
    const response = await fetch(
      `${server.url}${path}`,
      body === undefined
        ? {}
        : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    const json = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const stats = async (server: RunningServer, id: string) =>
    (await api(server, `/api/executions/${id}/live-stats`)).stats as Record<string, number>;

  it("finishes its run after each restart without waiting a lease, every job once, within both limits", {
    timeout: 240_000,
  }, async () => {
    // Generous start-up limits: a loaded machine boots slowly, which is not what this test is about.
    const boot = { timeoutMs: 120_000 };
    let server = await startServer({}, boot);
    servers.push(server);
    const dataDir = server.dataDir;
    const { project } = await api(server, "/api/projects", { name: "Restarts" });
    const csv = ["url", ...Array.from({ length: JOBS }, (_, i) => `https://example.com/${i + 1}`)].join("\n");
    const { batch } = await api(server, `/api/projects/${project.id}/batches`, {
      csv,
      agent: { engine: "simulated", simulate: { durationMs: 1500, failRate: 0 }, maxRetries: 3 },
    });
    const { execution } = await api(server, `/api/batches/${batch.id}/executions`, {
      mode: "production",
      concurrency: CONCURRENCY,
    });
    const t0 = Date.now();

    const kills: { at: number; restartedAt: number; completedBefore: number }[] = [];
    for (let i = 1; i <= RESTARTS; i++) {
      // Mid-run: every slot busy, and some jobs already done since the last restart.
      const doneBefore = kills.at(-1)?.completedBefore ?? 0;
      const busy = await waitFor(
        async () => {
          const now = await stats(server, execution.id);
          return now.running === CONCURRENCY && now.completed >= doneBefore + 10 ? now : null;
        },
        "a busy run",
        30_000,
        50,
      );
      const at = Date.now();
      await server.kill();
      server = await startServer({ DATA_DIR: dataDir }, boot);
      servers.push(server);
      kills.push({ at, restartedAt: Date.now(), completedBefore: busy!.completed });
    }
    await waitFor(
      async () => (await api(server, `/api/executions/${execution.id}`)).execution.status === "completed",
      "the run to complete",
      60_000,
      100,
    );
    const finishedAt = Date.now();
    expectAlive([server]);
    await server.stop();
    expect(server.process.exitCode).toBe(0);

    // The folder is free again: read what happened from the database itself.
    const runtime = await startRuntime({
      env: loadEnv({ ...process.env, LOG_LEVEL: "silent" }),
      dataDir,
      databaseUrl: "",
    });
    try {
      const report = await expectRunIntact(
        runtime.db,
        [{ id: execution.id, concurrency: CONCURRENCY, jobs: JOBS }],
        runtime.env.WORKER_SLOTS,
      );
      const requeued = (await attemptsOf(runtime.db, [execution.id])).filter((a) => a.error !== null);
      // Each killed process's unfinished jobs came back at the restart (none is left open: expectRunIntact),
      // and all of them for that reason: none waited for its lease.
      const killedWorkers = [...new Set(requeued.map((a) => a.workerId))];
      expect(killedWorkers).toHaveLength(RESTARTS);
      for (const a of requeued)
        expect(a.error).toMatch(/^The previous process \(worker \S+\) ended before the job finished; retrying$/);
      const workers = await listWorkers(runtime.db);
      expect(workers.map((w) => w.status).sort()).toEqual([...Array(RESTARTS).fill("dead"), "stopped"]);

      const stalls = killedWorkers.map((id, i) =>
        seconds(Math.max(...requeued.filter((a) => a.workerId === id).map((a) => a.endUs! / 1000)) - kills[i]!.at),
      );
      console.log(
        `[faults] embedded restart: ${JSON.stringify({ ...report, restarts: RESTARTS, totalS: seconds(finishedAt - t0), restartS: kills.map((k) => seconds(k.restartedAt - k.at)), stallPerKillS: stalls })}`,
      );
    } finally {
      await stopRuntime(0);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { eventsAfter } from "@/server/repos/events";
import { startRuntime, stopRuntime } from "@/server/runtime";
import { insertFixture } from "../helpers/fixtures";
import { type HubServer, range, startHubServer, TestClient } from "../helpers/realtime-harness";
import { createTestDatabase } from "../helpers/runtime";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs the producer script in its own process (its own runtime, connections and LISTEN). */
function runProducer(databaseUrl: string, count: number, executionIds: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/helpers/realtime-producer.ts", databaseUrl, String(count), ...executionIds],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`producer exited with ${code}:\n${out}`)),
    );
  });
}

/**
 * Cluster mode: events written by other processes reach this process's clients through PostgreSQL
 * LISTEN/NOTIFY (big ones as markers read from the log), in seq order, although two processes
 * write to the same executions at once and their notifications may arrive out of order.
 */
describe.runIf(process.env.TEST_DATABASE_URL)("realtime across processes on postgres", () => {
  let server: HubServer;
  let drop: () => Promise<void>;
  let databaseUrl: string;

  beforeAll(async () => {
    ({ url: databaseUrl, drop } = await createTestDatabase());
    const env = loadEnv({ ...process.env, LOG_LEVEL: "silent", SEED_DEMO: "false" });
    const runtime = await startRuntime({ env, databaseUrl, role: "web" });
    server = await startHubServer(runtime);
  });
  afterAll(async () => {
    await server?.close();
    await stopRuntime(0);
    await drop?.();
  });

  it("delivers every event of two producer processes, in order, to live and replaying clients", async () => {
    const { getRuntime } = await import("@/server/runtime");
    const db = getRuntime().db;
    const a = (await insertFixture(db, { rows: 1, execution: {} })).execution!.id;
    const b = (await insertFixture(db, { rows: 1, execution: {} })).execution!.id;
    const live = await TestClient.connect(server.url);
    for (const id of [a, b]) await live.subscribe(id, 0);

    const perProducer = 150;
    const producers = Promise.all([
      runProducer(databaseUrl, perProducer, [a, b]),
      runProducer(databaseUrl, perProducer, [b, a]),
    ]);
    // A client that joins mid-run from the middle of the log.
    const late = await TestClient.connect(server.url);
    await live.waitFor(() => live.retainedSeqs(a).length >= 40);
    await late.subscribe(a, 20);
    await producers;

    const total = 2 * perProducer;
    for (const id of [a, b]) {
      await live.waitFor(() => live.retainedSeqs(id).length === total);
      expect(live.events(id).filter((e) => e.type === "job_started")).toEqual(await eventsAfter(db, id, 0));
    }
    await late.waitFor(() => late.retainedSeqs(a).at(-1) === total);
    expect(late.retainedSeqs(a)).toEqual(range(21, total));
    // Both processes' events are interleaved in the one sequence.
    expect(
      new Set(
        live
          .events(a)
          .filter((e) => e.type === "job_started")
          .map((e) => (e.data as { producer?: number }).producer),
      ).size,
    ).toBe(2);
    live.close();
    late.close();
  });
});

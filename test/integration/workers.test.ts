import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as workersRoute from "@/app/api/workers/route";
import { workerListSchema } from "@/lib/contract/workers";
import { workers } from "@/server/db/schema";
import * as workersRepo from "@/server/repos/workers";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { type HubServer, startHubServer, TestClient } from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

const DEAD_AFTER_MS = 3_000;

const identity = (id: string, pid: number): workersRepo.WorkerIdentity => ({
  id,
  host: "test-host",
  pid,
  slots: 4,
  version: "9.9.9",
});

describe.each(DATABASES)("GET /api/workers on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind, { WORKER_DEAD_AFTER_MS: String(DEAD_AFTER_MS) });
  });
  afterEach(() => t.stop());

  /** Moves a worker's last beat into the past, as if it had been silent since. */
  const silence = (id: string, ms: number) =>
    t.runtime.db
      .update(workers)
      .set({ lastBeatAt: sql`now() - make_interval(secs => ${ms / 1000})` })
      .where(eq(workers.id, id));

  it("answers an empty list and no live worker when none ever ran", async () => {
    const answer = await call(workersRoute.GET, { path: "/api/workers" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ workers: [], live: 0 });
  });

  it("lists every worker in the contract's shape, and calls a silent one dead before any peer marks it", async () => {
    const db = t.runtime.db;
    await workersRepo.beat(db, identity("w-alive", 101), "alive", 3);
    await workersRepo.beat(db, identity("w-silent", 102), "alive", 2);
    await silence("w-silent", DEAD_AFTER_MS + 2_000);
    await workersRepo.beat(db, identity("w-stopped", 103), "alive", 1);
    await workersRepo.markStopped(db, "w-stopped");

    const answer = await call(workersRoute.GET, { path: "/api/workers" });
    expect(answer.status).toBe(200);
    const body = workerListSchema.parse(answer.body);
    expect(body.live).toBe(1);
    const byId = new Map(body.workers.map((w) => [w.id, w]));
    expect(byId.get("w-alive")).toMatchObject({
      host: "test-host",
      pid: 101,
      slots: 4,
      running: 3,
      version: "9.9.9",
      status: "alive",
      stoppedAt: null,
    });
    // Its row still says "alive" (nobody judged it): the answer does not.
    expect((await workersRepo.listWorkers(db)).find((w) => w.id === "w-silent")?.status).toBe("alive");
    expect(byId.get("w-silent")).toMatchObject({ status: "dead", running: 0 });
    expect(byId.get("w-stopped")).toMatchObject({ status: "stopped", running: 0 });
    expect(byId.get("w-stopped")?.stoppedAt).not.toBeNull();
    for (const w of body.workers) expect(Date.parse(w.lastBeatAt)).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it("keeps a worker that beats on time alive, whatever it was called before", async () => {
    const db = t.runtime.db;
    await workersRepo.beat(db, identity("w-back", 104), "alive", 0);
    await silence("w-back", DEAD_AFTER_MS + 2_000);
    await workersRepo.markSilentDead(db, DEAD_AFTER_MS);
    await workersRepo.beat(db, identity("w-back", 104), "alive", 1);
    const answer = await call(workersRoute.GET, { path: "/api/workers" });
    expect(workerListSchema.parse(answer.body)).toMatchObject({
      live: 1,
      workers: [{ id: "w-back", status: "alive" }],
    });
  });
});

describe.each(DATABASES)("the live view's word on workers, on %s", (kind) => {
  let t: TestRuntime;
  let hubServer: HubServer;
  let client: TestClient | undefined;
  const setUp = async (role: "web" | "all") => {
    t = await startTestRuntime(kind, {
      FLEETDECK_ROLE: role,
      WORKER_HEARTBEAT_MS: "100",
      WORKER_DEAD_AFTER_MS: "300",
    });
    hubServer = await startHubServer(t.runtime);
  };
  afterEach(async () => {
    client?.ws.close();
    client = undefined;
    await hubServer?.close();
    await t?.stop();
  });

  const workerMessages = (c: TestClient) => c.messages.filter((m) => m.type === "workers");

  it("a web process tells its watchers at subscribe and whenever the count of live workers changes", async () => {
    await setUp("web");
    const db = t.runtime.db;
    const { execution } = await insertFixture(db, { rows: 2, execution: {} });
    client = await TestClient.connect(hubServer.url);
    // A socket that watches nothing hears nothing about workers.
    await new Promise((r) => setTimeout(r, 300));
    expect(workerMessages(client)).toEqual([]);

    await client.subscribe(execution!.id, 0);
    await client.waitFor(() => workerMessages(client!).length === 1);
    expect(workerMessages(client)).toEqual([{ type: "workers", live: 0 }]);

    // A worker beats until the watcher has heard of it, then falls silent.
    const beating = setInterval(() => void workersRepo.beat(db, identity("w-1", 201), "alive", 0), 50);
    try {
      await client.waitFor(() => workerMessages(client!).length === 2);
    } finally {
      clearInterval(beating);
    }
    expect(workerMessages(client).at(-1)).toEqual({ type: "workers", live: 1 });

    // It stops beating: after WORKER_DEAD_AFTER_MS it no longer counts, although its row still says alive.
    await client.waitFor(() => workerMessages(client!).length === 3);
    expect(workerMessages(client).at(-1)).toEqual({ type: "workers", live: 0 });

    // A second watcher is told the known count at once.
    const second = await TestClient.connect(hubServer.url);
    try {
      await second.subscribe(execution!.id, 0);
      await second.waitFor(() => workerMessages(second).length === 1);
      expect(workerMessages(second)).toEqual([{ type: "workers", live: 0 }]);
    } finally {
      second.ws.close();
    }
  });

  it("a process with its own worker sends no count (its live view never says no worker runs)", async () => {
    await setUp("all");
    const { execution } = await insertFixture(t.runtime.db, { rows: 2, execution: {} });
    client = await TestClient.connect(hubServer.url);
    await client.subscribe(execution!.id, 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(workerMessages(client)).toEqual([]);
  });
});

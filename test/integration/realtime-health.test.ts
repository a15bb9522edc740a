import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ExecutionStream, type SocketLike, type StreamStatus } from "@/lib/client/execution-stream";
import type { ExecutionEvent } from "@/lib/contract/events";
import type { DatabaseHealth } from "@/server/db/client";
import { executionEvents, executions } from "@/server/db/schema";
import type { HealthSource } from "@/server/realtime";
import { insertFixture } from "../helpers/fixtures";
import { type HubServer, startHubServer, TestClient, waitUntil } from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * The database seam's health as the hub sees it, switched by the test. The seam's own health is
 * always "ok" on PGlite, and an outage of PostgreSQL cannot be caused here without stopping the
 * shared server, so the test drives this stand-in of `runtime.database` through the real hub and sockets.
 */
class SwitchableHealth implements HealthSource {
  private state: DatabaseHealth = { ok: true, reason: null, since: new Date() };
  private readonly listeners = new Set<(health: DatabaseHealth) => void>();

  health() {
    return this.state;
  }

  onHealthChange(listener: (health: DatabaseHealth) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  set(ok: boolean, reason: string | null = null) {
    this.state = { ok, reason, since: new Date() };
    for (const listener of this.listeners) listener(this.state);
  }
}

const REASON = "connect ECONNREFUSED 127.0.0.1:5432";

/** Issue 18, item 2: watchers are told when the database goes away and when it is back. */
describe.each(DATABASES)("realtime database health on %s", (kind) => {
  let t: TestRuntime;
  let server: HubServer;
  const health = new SwitchableHealth();
  const clients: TestClient[] = [];
  const streams: ExecutionStream[] = [];
  const connect = async () => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestRuntime(kind);
    // No periodic sweep within a test: only the recovery itself may read the log.
    server = await startHubServer(t.runtime, { health, statsIntervalMs: 600_000, heartbeatMs: 600_000 });
  });
  afterAll(async () => {
    await server.close();
    await t.stop();
  });
  afterEach(async () => {
    health.set(true);
    for (const s of streams.splice(0)) s.stop();
    for (const c of clients.splice(0)) c.close();
    await waitUntil(() => server.hub.stats().clients === 0);
  });

  it("tells every open socket that the database is unreachable and when it is back, and a socket that connects meanwhile at once", async () => {
    const [a, b] = [await connect(), await connect()];
    health.set(false, REASON);
    for (const c of [a, b]) expect(await c.next("degraded")).toEqual({ type: "degraded", reason: REASON });

    const late = await connect();
    expect(late.messages.map((m) => m.type).slice(0, 2)).toEqual(["connected", "degraded"]);
    expect(late.messages[1]).toEqual({ type: "degraded", reason: REASON });

    // Repeating the same state tells nobody anything new.
    health.set(false, REASON);
    health.set(true);
    for (const c of [a, b, late]) {
      expect(await c.next("recovered")).toEqual({ type: "recovered" });
      expect(c.messages.filter((m) => m.type === "degraded")).toHaveLength(1);
    }
    const after = await connect();
    after.send({ type: "ping" });
    await after.next("pong");
    expect(after.messages.some((m) => m.type === "degraded")).toBe(false);
  });

  it("the client stream reports degraded and recovered, and events committed during the outage arrive on recovery", async () => {
    const executionId = (await insertFixture(t.runtime.db, { rows: 1, execution: {} })).execution!.id;
    const statuses: StreamStatus[] = [];
    const received: ExecutionEvent[] = [];
    const stream = new ExecutionStream({
      url: server.url,
      executionId,
      lastSeq: 0,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      onEvent: (event) => received.push(event),
      onStatus: (status) => statuses.push(status),
    });
    streams.push(stream);
    stream.start();
    await waitUntil(() => statuses.at(-1)?.connected === true);

    health.set(false, REASON);
    await waitUntil(() => statuses.at(-1)?.degraded === REASON);
    expect(statuses.at(-1)).toEqual({ connected: true, error: null, degraded: REASON });

    // An event whose notification was lost while the database was away: it is only in the log.
    await t.runtime.db.insert(executionEvents).values({
      executionId,
      seq: 1,
      type: "execution_paused",
      data: { pausedAt: new Date().toISOString(), running: 0 },
    });
    await t.runtime.db
      .update(executions)
      .set({ lastEventSeq: sql`${executions.lastEventSeq} + 1` })
      .where(eq(executions.id, executionId));

    health.set(true);
    await waitUntil(() => statuses.at(-1)?.degraded === null);
    expect(statuses.at(-1)).toEqual({ connected: true, error: null, degraded: null });
    await waitUntil(() => received.some((e) => e.seq === 1));
    expect(received.map((e) => [e.type, e.seq])).toEqual([["execution_paused", 1]]);
  });
});

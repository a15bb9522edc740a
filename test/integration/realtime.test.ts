import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { publishEphemeral, transactWithEvents } from "@/server/events/transaction";
import { insertFixture } from "../helpers/fixtures";
import {
  type HubServer,
  jobStartedData,
  produceRetained,
  startHubServer,
  TestClient,
  waitUntil,
} from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/** The WebSocket protocol of the contract, message by message, on a real socket and database. */
describe.each(DATABASES)("realtime protocol on %s", (kind) => {
  let t: TestRuntime;
  let server: HubServer;
  let executionId: string;
  const clients: TestClient[] = [];
  const connect = async (options?: ConstructorParameters<typeof WebSocket>[2]) => {
    const c = await TestClient.connect(server.url, options);
    clients.push(c);
    return c;
  };

  // One database and hub for the file (starting a database is the slow part); a fresh execution per test.
  beforeAll(async () => {
    t = await startTestRuntime(kind);
    server = await startHubServer(t.runtime, { statsIntervalMs: 200, heartbeatMs: 60_000 });
  });
  afterAll(async () => {
    await server.close();
    await t.stop();
  });
  beforeEach(async () => {
    executionId = (await insertFixture(t.runtime.db, { rows: 3, execution: {} })).execution!.id;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await waitUntil(() => server.hub.stats().clients === 0);
  });

  it("greets, subscribes, answers ping, and unsubscribes without leaving a subscription", async () => {
    await produceRetained(executionId, 2);
    const c = await connect();
    expect(c.messages[0]).toMatchObject({
      type: "connected",
      clientId: expect.any(String),
      timestamp: expect.any(String),
    });
    await c.subscribe(executionId);
    expect(c.messages.at(-1)).toEqual({ type: "subscribed", executionId, channel: `execution:${executionId}`, seq: 2 });
    expect(server.hub.stats()).toMatchObject({ clients: 1, subscriptions: 1 });

    c.send({ type: "ping" });
    await c.next("pong");

    // Live from now: no replay without lastSeq, the next event arrives.
    await produceRetained(executionId, 1);
    await c.waitFor(() => c.retainedSeqs().length === 1);
    expect(c.retainedSeqs()).toEqual([3]);

    const from = c.messages.length;
    c.send({ type: "unsubscribe", channel: `execution:${executionId}` });
    expect(await c.next("unsubscribed", from)).toEqual({ type: "unsubscribed", channel: `execution:${executionId}` });
    expect(server.hub.stats()).toMatchObject({ clients: 1, subscriptions: 0, channels: 0 });
    await produceRetained(executionId, 1);
    c.send({ type: "ping" });
    await c.next("pong", from);
    expect(c.retainedSeqs()).toEqual([3]);
  });

  it("replays from lastSeq, then sends each running job's state, then goes live", async () => {
    const { jobs } = await insertFixture(t.runtime.db, { rows: 2, execution: {} });
    const other = jobs[0]!.executionId;
    await transactWithEvents(t.runtime, (_tx, events) =>
      events.emit(other, "execution_started", { mode: "production", totalJobs: 2, concurrency: 1, sampleSize: null }),
    );
    await transactWithEvents(t.runtime, (_tx, events) =>
      events.emit(other, "job_started", jobStartedData(jobs[0]!.id, { inputId: "1" })),
    );
    // The job row holds the latest progress, as the engine keeps it.
    const { jobs: jobsTable } = await import("@/server/db/schema");
    const { eq } = await import("drizzle-orm");
    await t.runtime.db
      .update(jobsTable)
      .set({ status: "running", currentStep: "Reading", progressPercentage: 40, startedAt: new Date() })
      .where(eq(jobsTable.id, jobs[0]!.id));

    const c = await connect();
    await c.subscribe(other, 0);
    await c.waitFor(() => c.events(other).some((e) => e.type === "job_progress"));
    const events = c.events(other);
    expect(events.map((e) => [e.type, e.seq])).toEqual([
      ["execution_started", 1],
      ["job_started", 2],
      ["job_progress", 2],
    ]);
    expect(events[2]!.data).toMatchObject({
      jobId: jobs[0]!.id,
      inputId: "1",
      siteUrl: "https://example.com/1",
      currentStep: "Reading",
      progress: 40,
    });

    await produceRetained(other, 1);
    await c.waitFor(() => c.retainedSeqs(other).length === 3);
    expect(c.retainedSeqs(other)).toEqual([1, 2, 3]);
  });

  it("rejects bad messages with an error and keeps the connection open", async () => {
    const c = await connect();
    const cases: [unknown, string][] = [
      ["{not json", "invalid_json"],
      ["[1,2]", "invalid_message"],
      ["42", "invalid_message"],
      [{}, "invalid_message"],
      [{ type: 7 }, "invalid_message"],
      [{ type: "dance" }, "unknown_type"],
      [{ type: "subscribe" }, "invalid_message"],
      [{ type: "subscribe", executionId: "" }, "invalid_message"],
      [{ type: "subscribe", executionId: executionId, lastSeq: -1 }, "invalid_message"],
      [{ type: "subscribe", executionId: executionId, lastSeq: "3" }, "invalid_message"],
      [{ type: "subscribe", executionId: executionId, lastSeq: 1.5 }, "invalid_message"],
      [{ type: "unsubscribe" }, "invalid_message"],
      [{ type: "subscribe", executionId: "00000000-0000-0000-0000-000000000000" }, "not_found"],
      [{ type: "subscribe", executionId: "not-a-uuid" }, "not_found"],
    ];
    for (const [message, code] of cases) {
      const from = c.messages.length;
      c.send(message);
      const error = await c.next("error", from);
      expect(error.error, JSON.stringify(message)).toMatchObject({ code, message: expect.any(String) });
    }
    const from = c.messages.length;
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next("error", from)).error.code).toBe("invalid_message");
    c.send({ type: "ping" });
    await c.next("pong", from);
    expect(c.closeCode).toBeNull();
    expect(server.hub.stats()).toMatchObject({ clients: 1, subscriptions: 0, channels: 0 });
  });

  it("closes a connection that sends a frame over 1 MiB with 1009", async () => {
    const c = await connect();
    c.send({ type: "ping", pad: "x".repeat(1024 * 1024) });
    await c.waitFor(() => c.closeCode !== null);
    expect(c.closeCode).toBe(1009);
    await waitUntil(() => server.hub.stats().clients === 0);
  });

  it("serves many subscriptions per socket and many sockets per execution; closing a socket leaves nothing", async () => {
    const second = (await insertFixture(t.runtime.db, { rows: 1, execution: {} })).execution!.id;
    const a = await connect();
    const b = await connect();
    for (const c of [a, b]) {
      await c.subscribe(executionId, 0);
      await c.subscribe(second, 0);
    }
    expect(server.hub.stats()).toMatchObject({ clients: 2, subscriptions: 4, channels: 2 });
    await produceRetained(executionId, 3);
    await produceRetained(second, 2);
    for (const c of [a, b]) {
      await c.waitFor(() => c.retainedSeqs(executionId).length === 3 && c.retainedSeqs(second).length === 2);
      expect(c.retainedSeqs(executionId)).toEqual([1, 2, 3]);
      expect(c.retainedSeqs(second)).toEqual([1, 2]);
    }
    a.close();
    await waitUntil(() => server.hub.stats().clients === 1);
    expect(server.hub.stats()).toMatchObject({ subscriptions: 2, channels: 2 });
    b.close();
    await waitUntil(() => server.hub.stats().clients === 0);
    expect(server.hub.stats()).toMatchObject({ subscriptions: 0, channels: 0 });
  });

  it("coalesces job_progress per job and sends stats_update from the execution's counters", async () => {
    const c = await connect();
    await c.subscribe(executionId, 0);
    // 200 reports for one job in a burst: far fewer reach the client.
    for (let p = 1; p <= 200; p++)
      publishEphemeral(t.runtime.bus, executionId, "job_progress", {
        jobId: "j1",
        currentStep: `step ${p}`,
        currentUrl: null,
        progress: p / 2,
      });
    await c.waitFor(() => c.events().some((e) => e.type === "job_progress"));
    // A later report always gets through, and nothing older follows it (latest wins).
    await new Promise((resolve) => setTimeout(resolve, 20));
    publishEphemeral(t.runtime.bus, executionId, "job_progress", {
      jobId: "j1",
      currentStep: "final",
      currentUrl: null,
      progress: 100,
    });
    await c.waitFor(() => c.events().some((e) => e.type === "job_progress" && e.data.currentStep === "final"));
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for anything that should not come
    const progress = c.events().filter((e) => e.type === "job_progress");
    expect(progress.length).toBeLessThan(10);
    expect(progress.at(-1)!.data.currentStep).toBe("final");

    const { executions } = await import("@/server/db/schema");
    const { eq } = await import("drizzle-orm");
    await transactWithEvents(t.runtime, async (tx, events) => {
      await tx
        .update(executions)
        .set({ completedCount: 3, failedCount: 1, runningCount: 0, queuedCount: 0, totalDurationMs: 4000 })
        .where(eq(executions.id, executionId));
      await events.emit(executionId, "job_completed", {
        jobId: "j1",
        inputId: "1",
        siteUrl: "https://example.test/",
        success: true,
        extractedData: {},
        durationMs: 1000,
        finalUrl: null,
        completedAt: new Date().toISOString(),
      });
    });
    const isFinal = (e: { type: string; data: Record<string, unknown> }) =>
      e.type === "stats_update" && e.data.completed === 3;
    await c.waitFor(() => c.events().some(isFinal));
    const stats = c.events().find(isFinal)!;
    expect(stats.seq).toBe(1);
    expect(stats.data).toMatchObject({
      running: 0,
      queued: 0,
      completed: 3,
      failed: 1,
      cancelled: 0,
      totalJobs: 3,
      successRate: 75,
      avgDurationMs: 1000,
    });
  });

  it("terminates a socket that does not answer protocol pings", async () => {
    const fastBeat = await startHubServer(t.runtime, { heartbeatMs: 500 });
    try {
      const silent = await TestClient.connect(fastBeat.url, { autoPong: false });
      const healthy = await TestClient.connect(fastBeat.url);
      clients.push(silent, healthy);
      await silent.subscribe(executionId);
      await healthy.subscribe(executionId);
      await silent.waitFor(() => silent.closeCode !== null);
      expect(healthy.closeCode).toBeNull();
      await waitUntil(() => fastBeat.hub.stats().clients === 1);
      expect(fastBeat.hub.stats().subscriptions).toBe(1);
    } finally {
      await fastBeat.close();
    }
  });

  it("on stop tells clients to reconnect and closes them with 1012", async () => {
    const c = await connect();
    await c.subscribe(executionId, 0);
    await server.restartHub(1000);
    await c.waitFor(() => c.closeCode !== null);
    expect(c.messages.at(-1)).toMatchObject({ type: "reconnect", reason: expect.any(String) });
    expect(c.closeCode).toBe(1012);
    // The new hub serves at once: the client's next connection resumes from its lastSeq.
    const again = await connect();
    await again.subscribe(executionId, 0);
    expect(again.messages.at(-1)).toMatchObject({ type: "subscribed", executionId });
  });
});

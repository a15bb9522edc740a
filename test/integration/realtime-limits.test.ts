import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { executionEvents, executions } from "@/server/db/schema";
import { insertFixture } from "../helpers/fixtures";
import { type HubServer, range, startHubServer, TestClient, waitUntil } from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

const MAX_SUBSCRIPTIONS = 3;
const MAX_CONNECTIONS = 4;
const MAX_MESSAGES = 10;

/**
 * What one client may ask of the hub (issue 10, finding 3): the limits come from the WS_* variables,
 * each refusal is a contract error naming its limit, and a client that floods or stops reading costs
 * only itself.
 */
describe.each(DATABASES)("realtime limits on %s", (kind) => {
  let t: TestRuntime;
  let server: HubServer;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestRuntime(kind, {
      WS_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
      WS_MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
      WS_MAX_MESSAGES_PER_SECOND: String(MAX_MESSAGES),
    });
    // Small send bounds and a short stall so a client that stops reading is found quickly.
    server = await startHubServer(t.runtime, {
      softBytes: 64 * 1024,
      hardBytes: 1024 * 1024,
      replayStallMs: 1_000,
      heartbeatMs: 60_000,
    });
  });
  afterAll(async () => {
    await server.close();
    await t.stop();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await waitUntil(() => server.hub.stats().clients === 0);
  });

  /** An execution whose log holds `count` retained events of about `bytes` each, written in bulk. */
  async function executionWithLog(count: number, bytes = 200) {
    const executionId = (await insertFixture(t.runtime.db, { rows: 1, execution: {} })).execution!.id;
    const pad = "x".repeat(bytes);
    for (let from = 1; from <= count; from += 500) {
      const seqs = range(from, Math.min(count, from + 499));
      await t.runtime.db
        .insert(executionEvents)
        .values(seqs.map((seq) => ({ executionId, seq, type: "job_started", data: { jobId: `job-${seq}`, pad } })));
    }
    await t.runtime.db.update(executions).set({ lastEventSeq: count }).where(eq(executions.id, executionId));
    return executionId;
  }

  it("refuses a subscription past WS_MAX_SUBSCRIPTIONS with an error naming the limit; resubscribing or unsubscribing first is fine", async () => {
    const ids = await Promise.all(range(1, MAX_SUBSCRIPTIONS + 1).map(() => executionWithLog(1)));
    const c = await connect();
    for (const id of ids.slice(0, MAX_SUBSCRIPTIONS)) await c.subscribe(id);
    expect(server.hub.stats().subscriptions).toBe(MAX_SUBSCRIPTIONS);

    const from = c.messages.length;
    await c.subscribe(ids[MAX_SUBSCRIPTIONS]!);
    const refused = await c.next("error", from);
    expect(refused.error.code).toBe("too_many_subscriptions");
    expect(refused.error.message).toContain(`at most ${MAX_SUBSCRIPTIONS}`);
    expect(refused.error.message).toContain("WS_MAX_SUBSCRIPTIONS");
    expect(server.hub.stats().subscriptions).toBe(MAX_SUBSCRIPTIONS);

    // Subscribing again to a watched execution (a client resyncing after a gap) is not a new subscription.
    const again = c.messages.length;
    await c.subscribe(ids[0]!, 0);
    expect(c.messages.slice(again).some((m) => m.type === "subscribed")).toBe(true);

    c.send({ type: "unsubscribe", channel: `execution:${ids[1]}` });
    await c.next("unsubscribed", again);
    const after = c.messages.length;
    await c.subscribe(ids[MAX_SUBSCRIPTIONS]!);
    expect(c.messages.slice(after).find((m) => m.type === "subscribed" || m.type === "error")?.type).toBe("subscribed");
    expect(c.closeCode).toBeNull();
  });

  it("refuses a socket past WS_MAX_CONNECTIONS_PER_ADDRESS with an error naming the limit and 1008; closing one makes room", async () => {
    const open = await Promise.all(range(1, MAX_CONNECTIONS).map(() => connect()));
    const extra = await TestClient.open(server.url);
    clients.push(extra);
    await extra.waitFor(() => extra.closeCode !== null);
    expect(extra.closeCode).toBe(1008);
    expect(extra.errors()).toEqual([
      { code: "too_many_connections", message: expect.stringContaining(`at most ${MAX_CONNECTIONS}`) },
    ]);
    expect(extra.errors()[0]!.message).toContain("WS_MAX_CONNECTIONS_PER_ADDRESS");
    expect(server.hub.stats().clients).toBe(MAX_CONNECTIONS);

    open[0]!.close();
    await waitUntil(() => server.hub.stats().clients === MAX_CONNECTIONS - 1);
    const next = await connect();
    next.send({ type: "ping" });
    await next.next("pong");
  });

  it("answers messages over WS_MAX_MESSAGES_PER_SECOND with an error, and closes a socket that keeps flooding with 1008", async () => {
    const c = await connect();
    const watcher = await connect();
    const burst = MAX_MESSAGES + 5;
    for (let i = 0; i < burst; i++) c.send({ type: "ping" });
    await c.waitFor(() => c.messages.filter((m) => m.type === "pong" || m.type === "error").length === burst);
    const refused = c.errors();
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toEqual({
      code: "rate_limited",
      message: expect.stringContaining(`at most ${MAX_MESSAGES} per second`),
    });
    expect(refused[0]!.message).toContain("WS_MAX_MESSAGES_PER_SECOND");
    expect(c.closeCode).toBeNull();

    // A flood (here the 5,000 subscribes to random ids of the finding) ends the connection, not the server.
    for (let i = 0; i < 5_000; i++) c.send({ type: "subscribe", executionId: crypto.randomUUID(), lastSeq: 0 });
    await c.waitFor(() => c.closeCode !== null);
    expect(c.closeCode).toBe(1008);
    expect(server.hub.stats()).toMatchObject({ clients: 1, subscriptions: 0, channels: 0 });
    watcher.send({ type: "ping" });
    await watcher.next("pong");
  });

  it("runs one replay at a time per socket: several subscriptions with lastSeq arrive whole, one after another", async () => {
    const ids = await Promise.all(range(1, MAX_SUBSCRIPTIONS).map(() => executionWithLog(2_500)));
    const c = await connect();
    for (const id of ids) c.send({ type: "subscribe", executionId: id, lastSeq: 0 });
    // connected, one subscribed per execution, then the events (counted cheaply while they stream in)
    await c.waitFor(() => c.messages.length >= 1 + ids.length + ids.length * 2_500);
    for (const id of ids) expect(c.retainedSeqs(id)).toEqual(range(1, 2_500));
    // Concurrent replays would interleave their pages; one at a time, each execution is one block.
    const order = c.events().map((e) => e.executionId);
    const blocks = order.filter((id, i) => i === 0 || order[i - 1] !== id);
    expect(blocks).toEqual(ids);
  });

  it("a socket that stops reading during its replay stalls only itself, and is cut", async () => {
    const executionId = await executionWithLog(3_000, 4_000);
    const stalled = await connect();
    stalled.ws.pause(); // the TCP window fills: the server's buffer for it grows
    stalled.send({ type: "subscribe", executionId, lastSeq: 0 });
    const reader = await connect();
    reader.send({ type: "subscribe", executionId, lastSeq: 0 });
    await reader.waitFor(() => reader.messages.length >= 2 + 3_000);
    expect(reader.retainedSeqs()).toEqual(range(1, 3_000));
    // The stalled client is dropped once it has not read for replayStallMs; the reader is untouched.
    await waitUntil(() => server.hub.stats().clients === 1);
    reader.send({ type: "ping" });
    await reader.next("pong");
  });
});

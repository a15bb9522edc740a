import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ExecutionStream, type SocketLike } from "@/lib/client/execution-stream";
import type { EventData, ExecutionEvent } from "@/lib/contract/events";
import { publishEphemeral, transactWithEvents } from "@/server/events/transaction";
import { eventsAfter } from "@/server/repos/events";
import { insertFixture } from "../helpers/fixtures";
import {
  type HubServer,
  jobStartedData,
  range,
  startHubServer,
  TestClient,
  waitUntil,
} from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

const wsSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

/**
 * Delivery under load: events produced continuously (two producers at once, with progress reports
 * in between) while clients subscribe, drop, lag and come back. Every assertion is on what the
 * clients end up with, compared with the server's log; none on timing.
 */
describe.each(DATABASES)("realtime delivery under load on %s", (kind) => {
  let t: TestRuntime;
  let server: HubServer;
  let executionId: string;
  const clients: TestClient[] = [];
  const streams: ExecutionStream[] = [];

  beforeAll(async () => {
    t = await startTestRuntime(kind);
    // Bounds lower than production's (1 MiB / 8 MiB) so the slow-client test needs less data; every
    // client here comes from 127.0.0.1, and the replay test joins more than the default 50 per address.
    server = await startHubServer(t.runtime, {
      softBytes: 256 * 1024,
      hardBytes: 2 * 1024 * 1024,
      maxConnectionsPerAddress: 1_000,
    });
  });
  afterAll(async () => {
    await server.close();
    await t.stop();
  });
  beforeEach(async () => {
    executionId = (await insertFixture(t.runtime.db, { rows: 2, execution: {} })).execution!.id;
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.stop();
    for (const c of clients.splice(0)) c.close();
    await waitUntil(() => server.hub.stats().clients === 0);
  });

  const connect = async () => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    return c;
  };

  /** Two concurrent producers of retained events with a progress report after each: `total` retained events in all. */
  async function produce(
    total: number,
    dataOf: (i: number) => EventData<"job_started"> = (i) => jobStartedData(`job-${i}`, { i }),
    pauseMs = 0,
  ) {
    let next = 0;
    const producer = async () => {
      while (next < total) {
        const i = next++;
        await transactWithEvents(t.runtime, (_tx, events) => events.emit(executionId, "job_started", dataOf(i)));
        publishEphemeral(t.runtime.bus, executionId, "job_progress", {
          jobId: `job-${i}`,
          currentStep: "working",
          currentUrl: null,
          progress: 50,
        });
        if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    };
    await Promise.all([producer(), producer()]);
  }

  const log = () => eventsAfter(t.runtime.db, executionId, 0);

  it("replays exactly: clients subscribing with any lastSeq while events stream in each get lastSeq+1..N once, in order", async () => {
    const total = 300;
    let producing = true;
    const production = produce(total, undefined, 2).finally(() => (producing = false));
    const joined: { client: TestClient; lastSeq: number }[] = [];
    // Join at many points during production, each from some point of the log already written.
    while (producing) {
      const written = (await log()).length;
      const lastSeq = [0, written, Math.floor(written / 2), Math.max(0, written - 3)][joined.length % 4]!;
      const client = await connect();
      await client.subscribe(executionId, lastSeq);
      joined.push({ client, lastSeq });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await production;
    expect(joined.filter((j) => j.lastSeq > 0 && j.lastSeq < total).length).toBeGreaterThan(4);
    for (const { client, lastSeq } of joined) {
      await client.waitFor(() => client.retainedSeqs().length === total - lastSeq);
      expect(client.retainedSeqs(), `lastSeq ${lastSeq}`).toEqual(range(lastSeq + 1, total));
    }
  });

  it("twenty clients watching the same execution see identical sequences, equal to the log", async () => {
    const watchers = await Promise.all(range(1, 20).map(() => connect()));
    await Promise.all(watchers.map((c) => c.subscribe(executionId, 0)));
    await produce(200);
    const expected = await log();
    for (const c of watchers) {
      await c.waitFor(() => c.retainedSeqs().length >= expected.length);
      expect(c.events().filter((e) => e.type !== "job_progress" && e.type !== "stats_update")).toEqual(expected);
    }
  });

  it("a client whose socket is cut mid-run reconnects from its lastSeq and ends with exactly the server's log", async () => {
    const applied: ExecutionEvent[] = [];
    const stream = new ExecutionStream({
      url: server.url,
      executionId,
      lastSeq: 0,
      createSocket: wsSocket,
      onEvent: (e) => e.type === "job_started" && applied.push(e),
    });
    streams.push(stream);
    stream.start();
    await waitUntil(() => stream.connected);
    const production = produce(300);
    let cuts = 0;
    while (cuts < 3) {
      await waitUntil(() => applied.length > 60 * (cuts + 1) || applied.length >= 300);
      (stream.currentSocket as unknown as WebSocket).terminate();
      cuts++;
      await waitUntil(() => stream.connected);
    }
    await production;
    await waitUntil(() => applied.length === 300);
    expect(applied).toEqual(await log());
    expect(stream.lastSeq).toBe(300);
  });

  it("a slow client is cut at the hard bound while fast clients miss nothing; it comes back with lastSeq", async () => {
    const fast = await Promise.all(range(1, 3).map(() => connect()));
    for (const c of fast) await c.subscribe(executionId, 0);
    const slow = await connect();
    await slow.subscribe(executionId, 0);
    // Stop reading: the server's send buffer for this socket can only grow.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // ~18 MB in all, at a pace any reading client keeps up with (the test process runs every client):
    // more than the kernel's socket buffers and the hard bound together, for the one that does not read.
    const total = 600;
    const bulky = "x".repeat(30_000);
    await produce(total, (i) => jobStartedData(`job-${i}`, { i, bulky }), 3);
    for (const c of fast) {
      await c.waitFor(() => c.retainedSeqs().length === total);
      expect(c.retainedSeqs()).toEqual(range(1, total));
      expect(c.closeCode).toBeNull();
    }
    // The hub has let it go: its subscription is gone and only the fast clients remain.
    await waitUntil(() => server.hub.stats().clients === 3);
    expect(server.hub.stats().subscriptions).toBe(3);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.waitFor(() => slow.closeCode !== null);
    const got = slow.retainedSeqs();
    expect(got).toEqual(range(1, got.length)); // what it got before the cut was in order
    const back = await connect();
    await back.subscribe(executionId, got.length);
    await back.waitFor(() => back.retainedSeqs().at(-1) === total);
    expect([...got, ...back.retainedSeqs()]).toEqual(range(1, total));
  });

  it("a graceful restart sends clients away and they come back from lastSeq without missing anything", async () => {
    const watchers = range(1, 5).map(() => {
      const seqs: number[] = [];
      const stream = new ExecutionStream({
        url: server.url,
        executionId,
        lastSeq: 0,
        createSocket: wsSocket,
        onEvent: (e) => e.type === "job_started" && seqs.push(e.seq),
      });
      streams.push(stream);
      stream.start();
      return { stream, seqs };
    });
    await waitUntil(() => watchers.every((w) => w.stream.connected));
    const production = produce(200);
    await waitUntil(() => watchers.every((w) => w.seqs.length > 50));
    await server.restartHub(2000);
    await production;
    for (const w of watchers) {
      await waitUntil(() => w.seqs.length === 200);
      expect(w.seqs).toEqual(range(1, 200));
    }
  });
});

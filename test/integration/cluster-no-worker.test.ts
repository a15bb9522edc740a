import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as workersRoute from "@/app/api/workers/route";
import { ExecutionStream, type SocketLike } from "@/lib/client/execution-stream";
import { eventOf } from "@/lib/contract/events";
import { workerListSchema } from "@/lib/contract/workers";
import { getExecution, startExecution } from "@/server/executions/service";
import { countersAndTruth, gapFreeLog } from "../helpers/engine";
import { insertFixture } from "../helpers/fixtures";
import { Fleet } from "../helpers/fleet";
import { call } from "../helpers/http";
import { type HubServer, startHubServer, waitUntil } from "../helpers/realtime-harness";
import { waitFor } from "../helpers/wait";

/**
 * Split mode on PostgreSQL with every worker gone: the web process (this one, role "web", with the hub) tells its
 * live viewers that none is running, and when a worker process starts the run carries on and completes, every job
 * exactly once.
 */
describe.runIf(process.env.TEST_DATABASE_URL)("a run whose workers all die (split mode, PostgreSQL)", () => {
  let fleet: Fleet;
  let hub: HubServer;
  let stream: ExecutionStream | undefined;

  beforeAll(async () => {
    fleet = await Fleet.start({ SCHEDULER_POLL_MS: "1000" });
    hub = await startHubServer(fleet.runtime);
  });
  afterAll(async () => {
    stream?.stop();
    await hub?.close();
    await fleet?.close();
  });

  it("tells the live view live 0 when every worker is SIGKILLed, live 1 when one starts, and finishes the run", {
    timeout: 180_000,
  }, async () => {
    await Promise.all([fleet.startWorker(), fleet.startWorker()]);
    await fleet.acquainted();
    const { batch } = await insertFixture(fleet.runtime.db, {
      rows: 8,
      agent: { engine: "simulated", simulate: { durationMs: 3000, failRate: 0 }, maxRetries: 2 },
    });
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 4 });

    // The browser's own client, over a real socket: what it is told about workers, in order.
    const told: number[] = [];
    stream = new ExecutionStream({
      url: hub.url,
      executionId: execution.id,
      lastSeq: 0,
      onEvent: () => {},
      onWorkers: (live) => told.push(live),
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    });
    stream.start();
    await waitUntil(() => told.at(-1) === 2, 20_000);

    await waitFor(async () => (await getExecution(execution.id)).stats.running === 4, "four running jobs");
    await Promise.all([...fleet.workers].map((w) => fleet.kill(w)));
    await waitUntil(() => told.at(-1) === 0, 20_000);
    // Nobody is left to mark them: the registry still says "alive", the API says what is true.
    const listed = workerListSchema.parse((await call(workersRoute.GET, { path: "/api/workers" })).body);
    expect(listed.live).toBe(0);
    expect(listed.workers.filter((w) => w.status === "dead").map((w) => w.id)).toEqual(
      expect.arrayContaining(fleet.killed.map((k) => k.workerId)),
    );
    expect((await getExecution(execution.id)).stats.running).toBe(4);

    await fleet.startWorker();
    await waitUntil(() => told.at(-1) === 1, 20_000);
    await waitFor(
      async () => (await getExecution(execution.id)).status === "completed",
      "the run to complete",
      120_000,
      200,
    );

    const events = await gapFreeLog(fleet.runtime.db, execution.id);
    const completed = events.filter(eventOf("job_completed")).map((e) => e.data.jobId);
    expect(completed).toHaveLength(8);
    expect(new Set(completed).size).toBe(8);
    // The killed workers' jobs went back to the queue once each, naming the worker that held them.
    const requeued = events.filter(eventOf("job_failed")).filter((e) => e.data.willRetry);
    expect(requeued).toHaveLength(4);
    const killedIds = fleet.killed.map((k) => k.workerId);
    for (const e of requeued) expect(killedIds.some((id) => String(e.data.error).includes(id))).toBe(true);
    const { counters, truth } = await countersAndTruth(fleet.runtime.db, execution.id);
    expect(counters).toEqual(truth);
    expect(truth).toMatchObject({ completed: 8, failed: 0, running: 0, queued: 0 });
    // Told in order (the two deaths may be noticed a beat apart): two workers, none, then one.
    const changes = told.filter((n, i) => n !== told[i - 1]);
    expect(changes[0]).toBe(2);
    expect(changes.slice(-2)).toEqual([0, 1]);
  });
});

// Measures the realtime hub in-process on an in-memory PGlite:
//   npx tsx scripts/measure-realtime.ts [events=200] [intervalMs=10]
// Prints, for 10 and 1,000 watching clients: event latency (retained event committed and published →
// parsed by a client) p50/p99/max, connect time (socket opened → subscribed) p50/p99, and the time a
// client that missed 1,000 events needs from reconnecting to being caught up.
// Clients run in the same process as the hub, so their work counts in the latencies (a pessimistic bound).
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import type { ServerMessage } from "../src/lib/contract/events";
import { loadEnv } from "../src/server/env";
import { transactWithEvents } from "../src/server/events/transaction";
import { startRuntime, stopRuntime } from "../src/server/runtime";
import { insertFixture } from "../test/helpers/fixtures";
import { jobStartedData, startHubServer } from "../test/helpers/realtime-harness";

const EVENTS = Number(process.argv[2] ?? 200);
const INTERVAL_MS = Number(process.argv[3] ?? 10);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${fmt(quantile(sorted, 0.5))}  p99 ${fmt(quantile(sorted, 0.99))}  max ${fmt(sorted.at(-1) ?? NaN)}  (n=${sorted.length})`;
}

interface Watcher {
  ws: WebSocket;
  lastSeq: number;
}

/** Opens a socket, subscribes, and resolves with the time from open request to `subscribed`. */
function watch(
  url: string,
  executionId: string,
  lastSeq: number,
  onEvent: (w: Watcher, message: Extract<ServerMessage, { type: "execution_event" }>) => void,
): Promise<{ watcher: Watcher; connectMs: number }> {
  const started = performance.now();
  const ws = new WebSocket(url);
  const watcher: Watcher = { ws, lastSeq };
  return new Promise((resolve, reject) => {
    ws.on("error", reject);
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === "connected") ws.send(JSON.stringify({ type: "subscribe", executionId, lastSeq }));
      else if (message.type === "subscribed") resolve({ watcher, connectMs: performance.now() - started });
      else if (message.type === "execution_event") onEvent(watcher, message);
    });
  });
}

async function main() {
  const env = loadEnv({ ...process.env, LOG_LEVEL: "silent", SEED_DEMO: "false" });
  const runtime = await startRuntime({ env, dataDir: "memory", databaseUrl: "" });
  const server = await startHubServer(runtime, { maxConnectionsPerAddress: 100_000 }); // every client is on 127.0.0.1
  console.log(`realtime hub on PGlite (in memory), ${EVENTS} retained events per run, one every ${INTERVAL_MS} ms`);

  for (const clients of [10, 1000]) {
    const executionId = (await insertFixture(runtime.db, { rows: 1, execution: {} })).execution!.id;
    const latencies: number[] = [];
    const connects: number[] = [];
    const watchers: Watcher[] = [];
    const onEvent = (w: Watcher, m: Extract<ServerMessage, { type: "execution_event" }>) => {
      if (m.event.type !== "job_started") return;
      latencies.push(performance.now() - ((m.event.data as { t?: number }).t ?? 0));
      w.lastSeq = m.event.seq;
    };
    // Connect in waves of 100, as tabs opening at about the same time.
    for (let i = 0; i < clients; i += 100) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(100, clients - i) }, () => watch(server.url, executionId, 0, onEvent)),
      );
      for (const { watcher, connectMs } of wave) {
        watchers.push(watcher);
        connects.push(connectMs);
      }
    }
    for (let i = 0; i < EVENTS; i++) {
      await transactWithEvents(runtime, (_tx, events) =>
        events.emit(executionId, "job_started", jobStartedData(`job-${i}`, { t: performance.now() })),
      );
      await sleep(INTERVAL_MS);
    }
    while (latencies.length < clients * EVENTS) await sleep(10);
    console.log(`\n${clients} clients`);
    console.log(`  event latency     ${summary(latencies)}`);
    console.log(`  connect+subscribe ${summary(connects)}`);
    for (const w of watchers) w.ws.terminate();
    await sleep(100);
  }

  // Reconnect-to-caught-up: a client that was away while 1,000 events happened comes back with its lastSeq.
  const executionId = (await insertFixture(runtime.db, { rows: 1, execution: {} })).execution!.id;
  const missed = 1000;
  for (let i = 0; i < missed; i++)
    await transactWithEvents(runtime, (_tx, events) =>
      events.emit(executionId, "job_started", jobStartedData(`job-${i}`, { t: 0 })),
    );
  const catchUps: number[] = [];
  for (let run = 0; run < 10; run++) {
    const started = performance.now();
    let caughtUp: () => void = () => {};
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const { watcher } = await watch(server.url, executionId, 0, (w, m) => {
      w.lastSeq = m.event.seq;
      if (m.event.seq === missed) caughtUp();
    });
    await done;
    catchUps.push(performance.now() - started);
    watcher.ws.terminate();
  }
  console.log(`\nreconnect with lastSeq 0 to caught up on ${missed} missed events: ${summary(catchUps)}`);

  await server.close();
  await stopRuntime(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

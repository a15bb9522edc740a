import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { transactWithEvents } from "@/server/events/transaction";
import { insertFixture } from "../../test/helpers/fixtures";
import { jobStartedData, startHubServer } from "../../test/helpers/realtime-harness";
import { type Distribution, distribution, sleep, until } from "../lib/stats";
import { type DbKind, freshRuntime } from "./fleetdeck-queue";

export interface RealtimeResult {
  db: DbKind;
  clients: number;
  events: number;
  latency: Distribution;
  /** Deliveries expected (clients × events) vs received; gaps in seq seen by clients. */
  expected: number;
  received: number;
  gaps: number;
  /** Server RSS and heap growth per connected, subscribed client. */
  rssPerClientKb: number;
  heapPerClientKb: number;
}

export interface ReconnectResult {
  db: DbKind;
  missed: number;
  /** new WebSocket → subscribe with lastSeq → the latest event received. */
  caughtUpMs: number[];
}

function ask<T>(child: ChildProcess, message: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off("message", on);
        resolve(m as T);
      }
    };
    child.on("message", on);
    child.send(message);
  });
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Event latency at each client count: the hub runs in this process on a fresh runtime; the clients in a child
 * process. Retained job_started events are produced one transaction each at `rate` per second, carrying the
 * production time; each client records production → receipt.
 */
export async function measureRealtime(
  kind: DbKind,
  clientCounts: number[],
  options: { rate: number; seconds: number; reconnects: number; missed: number },
) {
  const started = await freshRuntime(kind);
  const { runtime } = started;
  const server = await startHubServer(runtime, { maxConnectionsPerAddress: 100_000 }); // every client is on 127.0.0.1
  const child = fork(path.join(import.meta.dirname, "realtime-clients.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise((resolve) => child.once("message", resolve));
  const results: RealtimeResult[] = [];
  let reconnect: ReconnectResult;
  try {
    const executionId = (await insertFixture(runtime.db, { rows: 1, execution: {} })).execution!.id;
    const produce = async (count: number, rate: number) => {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = t0 + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        await transactWithEvents(runtime, (_tx, events) =>
          events.emit(
            executionId,
            "job_started",
            jobStartedData(`bench-${i}`, { t: performance.timeOrigin + performance.now() }),
          ),
        );
      }
    };
    await produce(20, 200); // warm-up
    for (const n of clientCounts) {
      gc();
      await sleep(200);
      const before = process.memoryUsage();
      await ask(child, { cmd: "connect", url: server.url, executionId, n }, "ready");
      await until(() => server.hub.stats().subscriptions >= n, `${n} subscriptions`, 60_000);
      gc();
      await sleep(300);
      const after = process.memoryUsage();
      const events = Math.round(options.rate * options.seconds);
      await produce(events, options.rate);
      let report: { latencies: number[]; received: number; gaps: number } = { latencies: [], received: 0, gaps: 0 };
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        report = await ask(child, { cmd: "report" }, "latencies");
        if (report.received >= n * events) break;
        await sleep(100);
      }
      await ask(child, { cmd: "close" }, "closed");
      await until(() => server.hub.stats().clients === 0, "clients to leave", 30_000);
      results.push({
        db: kind,
        clients: n,
        events,
        latency: distribution(report.latencies),
        expected: n * events,
        received: report.received,
        gaps: report.gaps,
        rssPerClientKb: (after.rss - before.rss) / 1024 / n,
        heapPerClientKb: (after.heapUsed - before.heapUsed) / 1024 / n,
      });
    }

    // Reconnect: a client that missed `missed` events comes back with its lastSeq and catches up.
    const caughtUpMs: number[] = [];
    for (let r = 0; r < options.reconnects; r++) {
      const [{ last }] = (await runtime.db
        .execute(
          // the execution's latest seq
          (
            await import("drizzle-orm")
          ).sql`select coalesce(max(seq), 0)::int as last from execution_events where execution_id = ${executionId}`,
        )
        .then((x: unknown) => (Array.isArray(x) ? x : (x as { rows: unknown[] }).rows))) as { last: number }[];
      await produce(options.missed, 10_000);
      const target = last + options.missed;
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(server.url);
        ws.on("error", reject);
        ws.on("message", (data) => {
          const m = JSON.parse(data.toString());
          if (m.type === "connected") ws.send(JSON.stringify({ type: "subscribe", executionId, lastSeq: last }));
          if (m.type === "execution_event" && m.event.seq === target) {
            caughtUpMs.push(performance.now() - t0);
            ws.terminate();
            resolve();
          }
        });
      });
    }
    reconnect = { db: kind, missed: options.missed, caughtUpMs };
  } finally {
    child.send({ cmd: "exit" });
    await server.close();
    await started.stop();
  }
  return { results, reconnect };
}

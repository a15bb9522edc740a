import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { JOB_STATUSES } from "@/lib/contract/resources";
import { processWide } from "./process-wide";
import type { RealtimeHub } from "./realtime/hub";
import { countJobsByStatus } from "./repos/job-counts";
import type { Runtime } from "./runtime";

/**
 * The process's Prometheus metrics (GET /metrics). One registry per process, on the process-wide slot: the
 * scheduler (bundled with server.ts) observes into the same histograms the route (bundled by Next.js) reads.
 * Histograms and the WebSocket gauge describe this process only; with FLEETDECK_ROLE=web and separate workers,
 * the claim and finish histograms live in the worker processes, and the web's /metrics shows none of them.
 */
export interface Metrics {
  registry: Registry;
  jobs: Gauge<"state">;
  jobClaimSeconds: Histogram;
  jobFinishSeconds: Histogram;
  wsClients: Gauge;
  eventLagSeconds: Histogram;
}

/** Claim and finish are a transaction each: milliseconds normally, seconds when the database is struggling. */
const TRANSACTION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics: () => Metrics = processWide("metrics", () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    jobs: new Gauge({
      name: "fleetdeck_jobs",
      help: "Jobs of all executions by state, read from the database at scrape time",
      labelNames: ["state"],
      registers,
    }),
    jobClaimSeconds: new Histogram({
      name: "fleetdeck_job_claim_seconds",
      help: "Time this process's scheduler took to claim an execution's jobs (its transaction and the rows' inputs)",
      buckets: TRANSACTION_BUCKETS,
      registers,
    }),
    jobFinishSeconds: new Histogram({
      name: "fleetdeck_job_finish_seconds",
      help: "Time this process's scheduler took to record a job's outcome (the transaction that writes it with the others ending at the same moment, and hands their slots on)",
      buckets: TRANSACTION_BUCKETS,
      registers,
    }),
    wsClients: new Gauge({
      name: "fleetdeck_ws_clients",
      help: "WebSocket clients connected to this process's realtime hub",
      registers,
    }),
    eventLagSeconds: new Histogram({
      name: "fleetdeck_event_lag_seconds",
      help: "Time from an execution event's timestamp to this process's realtime hub receiving it from the bus",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
});

/** Times `work` into `histogram`, whether it succeeds or fails. */
export async function timed<T>(histogram: Histogram, work: () => Promise<T>): Promise<T> {
  const stop = histogram.startTimer();
  try {
    return await work();
  } finally {
    stop();
  }
}

/** Brings the gauges read at scrape time up to date, then renders every metric in the text exposition format. */
export async function scrape(runtime: Runtime): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  const counts = await countJobsByStatus(runtime.db);
  for (const state of JOB_STATUSES) m.jobs.set({ state }, counts[state]);
  const hub = runtime.services.get("hub") as Pick<RealtimeHub, "stats"> | undefined;
  m.wsClients.set(hub?.stats().clients ?? 0);
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}

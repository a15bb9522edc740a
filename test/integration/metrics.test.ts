import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as executionsRoute from "@/app/api/batches/[id]/executions/route";
import * as executionRoute from "@/app/api/executions/[id]/route";
import * as healthRoute from "@/app/api/health/route";
import * as metricsRoute from "@/app/metrics/route";
import { loadEnv } from "@/server/env";
import { frontDoor } from "@/server/http/front-door";
import { Scheduler } from "@/server/scheduler/scheduler";
import pkg from "../../package.json";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { type HubServer, startHubServer, TestClient } from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

/** The value of one sample line of the exposition text (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const scrape = async () => {
  const answer = await call(metricsRoute.GET, { path: "/metrics" });
  expect(answer.status).toBe(200);
  return { text: String(answer.body), contentType: answer.response.headers.get("content-type") };
};

describe.each(DATABASES)("/metrics and /api/health on %s", (kind) => {
  let t: TestRuntime;
  let hubServer: HubServer;
  let client: TestClient | undefined;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
    hubServer = await startHubServer(t.runtime);
    t.runtime.services.set("hub", hubServer.hub);
  });
  afterEach(async () => {
    client?.ws.close();
    await hubServer.close();
    await t.stop();
  });

  it("reports job states, claim and finish times, event lag, sockets and process metrics after a run", async () => {
    const before = (await scrape()).text;
    const counted = (text: string, series: string) => sample(text, series) ?? 0;

    // A paused run whose two jobs stay queued, and a run of five that the scheduler takes to completion.
    await insertFixture(t.runtime.db, { rows: 2, execution: { status: "paused" } });
    const { batch } = await insertFixture(t.runtime.db, {
      rows: 5,
      agent: { engine: "simulated", simulate: { durationMs: 0, failRate: 0 } },
    });
    const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000 }).start();
    t.runtime.services.set("scheduler", scheduler);
    await scheduler.whenStarted();
    client = await TestClient.connect(hubServer.url);
    const created = await call(executionsRoute.POST, {
      params: { id: batch.id },
      json: { mode: "production", concurrency: 2 },
    });
    expect(created.status).toBe(201);
    const id = created.body.execution.id;
    await waitFor(
      async () => (await call(executionRoute.GET, { params: { id } })).body.execution.status === "completed",
      "completion",
    );

    const { text, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain("# TYPE fleetdeck_jobs gauge");
    expect(sample(text, 'fleetdeck_jobs{state="completed"}')).toBe(5);
    expect(sample(text, 'fleetdeck_jobs{state="queued"}')).toBe(2);
    for (const state of ["running", "failed", "cancelled"])
      expect(sample(text, `fleetdeck_jobs{state="${state}"}`)).toBe(0);

    // Histograms are per process and outlive a test's runtime: compare with the scrape before the run.
    const grew = (series: string) => counted(text, series) - counted(before, series);
    expect(grew("fleetdeck_job_claim_seconds_count")).toBeGreaterThan(0);
    expect(grew("fleetdeck_job_finish_seconds_count")).toBe(5);
    expect(grew("fleetdeck_event_lag_seconds_count")).toBeGreaterThan(0);
    expect(sample(text, 'fleetdeck_job_finish_seconds_bucket{le="+Inf"}')).toBe(
      sample(text, "fleetdeck_job_finish_seconds_count"),
    );
    expect(sample(text, "fleetdeck_ws_clients")).toBe(1);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);

    client.ws.close();
    await client.waitFor(() => client?.closeCode !== null);
    await waitFor(
      async () => sample((await scrape()).text, "fleetdeck_ws_clients") === 0,
      "the socket to be counted out",
    );
  });

  it("health says the version and how many workers beat on time, keeping ok and the database", async () => {
    const ask = () => call(async () => healthRoute.GET());
    const idle = await ask();
    expect(idle.status).toBe(200);
    expect(idle.body).toEqual({
      ok: true,
      version: pkg.version,
      database: { kind, ok: true },
      workers: { live: 0 },
    });
    const scheduler = Scheduler.fromRuntime(t.runtime, { pollMs: 60_000 }).start();
    t.runtime.services.set("scheduler", scheduler);
    await scheduler.whenStarted();
    expect((await ask()).body.workers).toEqual({ live: 1 });
  });
});

describe("the front door for /metrics with AUTH=on", () => {
  let server: http.Server;
  let base: string;
  beforeEach(async () => {
    const env = loadEnv({ ...process.env, AUTH: "on", LOG_LEVEL: "silent" });
    // Nobody's credential is valid: every caller is signed out.
    const door = frontDoor(env, { dev: false, lookup: async () => null });
    server = http.createServer(async (req, res) => {
      if (!(await door.admit(req, res))) res.writeHead(200).end("admitted");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers a signed-out scraper 401 JSON, where a page redirects to sign in", async () => {
    const metrics = await fetch(`${base}/metrics`, { redirect: "manual" });
    expect(metrics.status).toBe(401);
    expect(metrics.headers.get("content-type")).toBe("application/json");
    expect((await metrics.json()).error.code).toBe("unauthenticated");
    const page = await fetch(`${base}/projects`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fprojects");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as estimateRoute from "@/app/api/batches/[id]/estimate/route";
import * as executionsRoute from "@/app/api/batches/[id]/executions/route";
import * as adjustRoute from "@/app/api/executions/[id]/adjust-concurrency/route";
import * as exportRoute from "@/app/api/executions/[id]/export/route";
import * as jobsRoute from "@/app/api/executions/[id]/jobs/route";
import * as liveStatsRoute from "@/app/api/executions/[id]/live-stats/route";
import * as pauseRoute from "@/app/api/executions/[id]/pause/route";
import * as resumeRoute from "@/app/api/executions/[id]/resume/route";
import * as executionRoute from "@/app/api/executions/[id]/route";
import * as stopRoute from "@/app/api/executions/[id]/stop/route";
import * as jobRoute from "@/app/api/jobs/[id]/route";
import { Scheduler } from "@/server/scheduler/scheduler";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

const UNKNOWN = "00000000-0000-0000-0000-000000000000";

describe.each(DATABASES)("executions API on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
  });
  afterEach(() => t.stop());

  const simulatedBatch = (rows: number, durationMs: number, failRate = 0) =>
    insertFixture(t.runtime.db, { rows, agent: { engine: "simulated", simulate: { durationMs, failRate } } });

  it("estimates before starting from the engine's expected duration, and validates the query", async () => {
    const { batch } = await simulatedBatch(20, 2000);
    const first = await call(estimateRoute.GET, {
      path: "/?mode=test&sampleSize=10&concurrency=5",
      params: { id: batch.id },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      totalJobs: 10,
      estimatedDurationMs: 4000,
      estimatedCost: expect.any(Number),
      basis: "config",
    });
    expect(
      (await call(estimateRoute.GET, { path: "/?mode=production", params: { id: batch.id } })).body.totalJobs,
    ).toBe(20);
    const bad = await call(estimateRoute.GET, { path: "/?mode=later&concurrency=99", params: { id: batch.id } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/mode/);
    expect(bad.body.error.message).toMatch(/concurrency must be an integer from 1 to 10/);
    expect((await call(estimateRoute.GET, { params: { id: UNKNOWN } })).status).toBe(404);
  });

  it("starts, lists, reads, pages jobs and exports results in the contract's shapes", async () => {
    const { batch } = await simulatedBatch(5, 0);
    t.runtime.services.set("scheduler", Scheduler.fromRuntime(t.runtime, { pollMs: 60_000 }).start());
    const created = await call(executionsRoute.POST, {
      params: { id: batch.id },
      json: { mode: "production", concurrency: 2 },
    });
    expect(created.status).toBe(201);
    const id = created.body.execution.id;
    expect(created.body.execution).toMatchObject({
      batchId: batch.id,
      status: "running",
      mode: "production",
      concurrency: 2,
      totalJobs: 5,
    });
    await waitFor(
      async () => (await call(executionRoute.GET, { params: { id } })).body.execution.status === "completed",
      "completion",
    );
    expect(
      (await call(executionsRoute.GET, { params: { id: batch.id } })).body.executions.map((e: { id: string }) => e.id),
    ).toEqual([id]);

    const stats = await call(liveStatsRoute.GET, { params: { id } });
    expect(stats.body).toMatchObject({
      executionId: id,
      status: "completed",
      concurrency: 2,
      stats: { total: 5, completed: 5, failed: 0, running: 0, queued: 0, cancelled: 0 },
      metrics: { successRate: 100 },
    });
    const history = await call(estimateRoute.GET, {
      path: "/?mode=production&concurrency=5",
      params: { id: batch.id },
    });
    expect(history.body.estimatedDurationMs).toBe(stats.body.metrics.avgDurationMs); // one wave of 5 at the measured average
    expect(Object.keys(stats.body.metrics).sort()).toEqual([
      "avgDurationMs",
      "costUsd",
      "elapsedMs",
      "estimatedCompletionTime",
      "estimatedRemainingMs",
      "projectedCostUsd",
      "successRate",
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { jobs: { id: string }[]; nextCursor: string | null } } = await call(jobsRoute.GET, {
        path: `/?status=completed&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        params: { id },
      });
      seen.push(...page.body.jobs.map((j) => j.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    expect((await call(jobsRoute.GET, { path: "/?status=lost", params: { id } })).body.error.message).toMatch(
      /status must be/,
    );
    expect((await call(jobsRoute.GET, { path: "/?cursor=garbage", params: { id } })).status).toBe(400);

    const job = await call(jobRoute.GET, { params: { id: seen[0]! } });
    expect(job.body.job).toMatchObject({
      status: "completed",
      extractedData: { simulated: true },
      progressPercentage: 100,
    });
    expect(job.body.steps.length).toBeGreaterThan(0);

    const csv = await call(exportRoute.GET, { path: "/?format=csv", params: { id } });
    expect(csv.response.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
    const lines = String(csv.body).trim().split("\r\n");
    expect(lines[0]).toBe("url,name,status,error,row,simulated,durationMs,finalUrl");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^https:\/\/example.com\/1,Row 1,completed,,/);
    const json = await call(exportRoute.GET, { path: "/?format=json", params: { id } });
    expect(json.body).toHaveLength(5);
    expect(json.body[0]).toMatchObject({
      url: "https://example.com/1",
      name: "Row 1",
      status: "completed",
      error: null,
      simulated: true,
    });
  });

  it("answers controls with success, no-ops and 409s as the contract says", async () => {
    const { batch } = await simulatedBatch(3, 60_000);
    const { body } = await call(executionsRoute.POST, {
      params: { id: batch.id },
      json: { mode: "test", sampleSize: 2 },
    });
    const id = body.execution.id;
    const paused = await call(pauseRoute.POST, { params: { id }, method: "POST" });
    expect(paused.body).toMatchObject({ success: true, execution: { status: "paused" }, message: expect.any(String) });
    const again = await call(pauseRoute.POST, { params: { id }, method: "POST" });
    expect(again.status).toBe(200);
    expect(again.body.message).toMatch(/already paused/);
    expect(
      (await call(adjustRoute.POST, { params: { id }, json: { concurrency: 7 } })).body.execution.concurrency,
    ).toBe(7);
    for (const concurrency of [0, 11, 2.5, "3", null]) {
      const res = await call(adjustRoute.POST, { params: { id }, json: { concurrency } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: "validation_failed",
        message: expect.stringMatching(/concurrency must be an integer from 1 to 10/),
      });
    }
    expect((await call(resumeRoute.POST, { params: { id }, method: "POST" })).body.execution.status).toBe("running");
    expect((await call(resumeRoute.POST, { params: { id }, method: "POST" })).body.message).toMatch(/already running/);
    const stopped = await call(stopRoute.POST, { params: { id }, json: { reason: "enough" } });
    expect(stopped.body.execution).toMatchObject({
      status: "stopped",
      stopReason: "enough",
      stats: { cancelled: 2, queued: 0 },
    });
    expect((await call(stopRoute.POST, { params: { id }, method: "POST" })).status).toBe(200);
    for (const handler of [pauseRoute.POST, resumeRoute.POST]) {
      const res = await call(handler, { params: { id }, method: "POST" });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("invalid_state");
    }
    expect((await call(adjustRoute.POST, { params: { id }, json: { concurrency: 3 } })).status).toBe(409);
  });

  it("rejects bad execution requests, naming the field, and starts nothing", async () => {
    const { batch } = await simulatedBatch(3, 0);
    const cases: [unknown, RegExp][] = [
      [{}, /mode/],
      [{ mode: "fast" }, /mode/],
      [{ mode: "test", sampleSize: 0 }, /sampleSize/],
      [{ mode: "production", concurrency: 11 }, /concurrency must be an integer from 1 to 10/],
    ];
    for (const [json, message] of cases) {
      const res = await call(executionsRoute.POST, { params: { id: batch.id }, json });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(
      (
        await call(executionsRoute.POST, {
          params: { id: batch.id },
          body: "{",
          headers: { "content-type": "application/json" },
        })
      ).body.error.code,
    ).toBe("invalid_json");
    expect((await call(executionsRoute.POST, { params: { id: UNKNOWN }, json: { mode: "test" } })).status).toBe(404);
    expect((await call(executionsRoute.GET, { params: { id: batch.id } })).body.executions).toEqual([]);
    for (const handler of [executionRoute.GET, liveStatsRoute.GET, jobsRoute.GET, exportRoute.GET, jobRoute.GET]) {
      const res = await call(handler, { params: { id: UNKNOWN } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await call(pauseRoute.POST, { params: { id: "nope" }, method: "POST" })).status).toBe(404);
  });
});

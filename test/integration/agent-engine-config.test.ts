// The goal-driven engine is offered only where a model is configured, and refused in the contract's shape elsewhere.
import { afterEach, describe, expect, it } from "vitest";
import * as executionsRoute from "@/app/api/batches/[id]/executions/route";
import * as configRoute from "@/app/api/config/route";
import * as jobsRoute from "@/app/api/executions/[id]/jobs/route";
import * as jobRoute from "@/app/api/jobs/[id]/route";
import * as projectBatchesRoute from "@/app/api/projects/[id]/batches/route";
import { batches } from "@/server/db/schema";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { startTestRuntime, type TestRuntime } from "../helpers/runtime";

const CSV = "url,goal\nhttps://example.com/a,Find the price\n";
const AGENT = { engine: "agent", timeoutMs: 120_000, agent: { maxSteps: 5 } };

describe("the agent engine and GET /api/config", () => {
  let t: TestRuntime;
  afterEach(() => t.stop());

  it("without a model: says how to configure one, refuses an agent batch naming agent.engine, creates nothing", async () => {
    t = await startTestRuntime("pglite", { LLM_BASE_URL: "", LLM_API_KEY: "", LLM_MODEL: "" });
    const config = await call(configRoute.GET);
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      maxConcurrency: 10,
      engines: { http: { available: true }, agent: { available: false, defaultModel: null } },
    });
    expect(config.body.engines.agent.message).toContain("LLM_BASE_URL");

    const { project } = await insertFixture(t.runtime.db, { rows: 0 });
    const created = await call(projectBatchesRoute.POST, {
      method: "POST",
      params: { id: project.id },
      json: { csv: CSV, agent: AGENT },
    });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: "validation_failed" });
    expect(created.body.error.message).toMatch(/^agent\.engine: .*LLM_BASE_URL/);
    expect(await t.runtime.db.select().from(batches)).toHaveLength(1); // the fixture's own batch only

    // A batch stored while a model was configured does not start once none is.
    const { batch } = await insertFixture(t.runtime.db, { rows: 2, agent: AGENT as never });
    const started = await call(executionsRoute.POST, {
      method: "POST",
      params: { id: batch.id },
      json: { mode: "production" },
    });
    expect(started.status).toBe(400);
    expect(started.body.error.message).toMatch(/^agent\.engine: /);
  });

  it("with a model: offers the engine with its default model (never the key) and takes agent batches", async () => {
    t = await startTestRuntime("pglite", {
      LLM_BASE_URL: "http://127.0.0.1:9/v1",
      LLM_API_KEY: "sk-secret-test-key",
      LLM_MODEL: "test-model",
    });
    const config = await call(configRoute.GET);
    expect(config.body.engines.agent).toEqual({ available: true, defaultModel: "test-model" });
    expect(JSON.stringify(config.body)).not.toContain("sk-secret");

    const { project } = await insertFixture(t.runtime.db, { rows: 0 });
    const created = await call(projectBatchesRoute.POST, {
      method: "POST",
      params: { id: project.id },
      json: { csv: CSV, agent: AGENT },
    });
    expect(created.status).toBe(201);
    expect(created.body.batch.agent).toMatchObject({ engine: "agent", agent: { maxSteps: 5 } });
  });

  it("shows each job's goal as the agent got it, its {{column}} values filled; an unknown column stays as written", async () => {
    t = await startTestRuntime("pglite");
    const { project } = await insertFixture(t.runtime.db, { rows: 0 });
    const csv =
      "url,goal,postcode\nhttps://example.com/a,Ship to {{postcode}},SW1A 1AA\nhttps://example.com/b,Ask {{nobody}},M1 1AE\n";
    const created = await call(projectBatchesRoute.POST, {
      method: "POST",
      params: { id: project.id },
      json: { csv, goalColumn: "goal", agent: { engine: "simulated" } },
    });
    expect(created.status).toBe(201);
    const started = await call(executionsRoute.POST, {
      method: "POST",
      params: { id: created.body.batch.id },
      json: { mode: "production" },
    });
    const jobs = await call(jobsRoute.GET, { params: { id: started.body.execution.id } });
    const asRun = [];
    for (const job of jobs.body.jobs) {
      const one = await call(jobRoute.GET, { params: { id: job.id } });
      asRun.push([one.body.job.goal, one.body.goalAsRun]);
    }
    expect(asRun).toEqual([
      ["Ship to {{postcode}}", "Ship to SW1A 1AA"],
      ["Ask {{nobody}}", "Ask {{nobody}}"],
    ]);
  });
});

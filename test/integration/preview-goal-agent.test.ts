import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as previewRoute from "@/app/api/batches/[id]/preview/route";
import { closeBrowser } from "@/server/agents/browser-pool";
import { findChromium } from "@/server/agents/chromium";
import { allowHost, clearAllowedHosts } from "@/server/agents/network-guard";
import { createBatchFromCsv } from "@/server/batches/service";
import { jobs, projects } from "@/server/db/schema";
import { type FixtureSite, startFixtureSite } from "../fixtures/site";
import { type FakeLlm, startFakeLlm } from "../helpers/fake-llm";
import { call } from "../helpers/http";
import { startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * The goal-driven engine spends on a model even in a preview: allowed, and its usage reported. The engines read the
 * process's configuration (as the scheduler's do), so the model is configured in process.env before anything reads
 * it; this file runs in its own process. The database plays no part here: PGlite alone.
 */

let site: FixtureSite;
let fake: FakeLlm;
let t: TestRuntime;

beforeAll(async () => {
  site = await startFixtureSite();
  allowHost(site.host);
  fake = await startFakeLlm({
    policy: () => ({ action: "answer", args: { answer: "Green Chair" }, reason: "The name is the heading" }),
  });
  process.env.LLM_BASE_URL = fake.baseURL;
  process.env.LLM_MODEL = "fake-model";
  process.env.LLM_PRICES = JSON.stringify({ "fake-model": { inputPerMillion: 1000, outputPerMillion: 2000 } });
  t = await startTestRuntime("pglite");
});
afterAll(async () => {
  await t?.stop();
  clearAllowedHosts();
  await closeBrowser();
  await fake?.close();
  await site?.close();
});

describe.skipIf(!findChromium())("a preview with the goal-driven engine", () => {
  it("answers the model's answer and what it cost, and records no job", async () => {
    const [project] = await t.runtime.db.insert(projects).values({ name: "Goals" }).returning();
    const { batch } = await createBatchFromCsv({
      projectId: project!.id,
      csv: `url,goal\n${site.origin}/item/3,What is this item called?`,
      goalColumn: "goal",
      agent: { engine: "agent", timeoutMs: 30_000 },
    });
    const tried = await call(previewRoute.POST, { params: { id: batch.id }, json: { rowIndex: 1 } });
    expect(tried.status).toBe(200);
    const p = tried.body.preview;
    expect(p.error).toBeNull();
    expect(p).toMatchObject({ engine: "agent", status: "completed", configVersion: 1 });
    expect(JSON.stringify(p.extractedData)).toContain("Green Chair");
    expect(p.usage).toMatchObject({ model: "fake-model" });
    expect(p.usage.inputTokens).toBeGreaterThan(0);
    expect(p.usage.costUsd).toBeGreaterThan(0);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect((await t.runtime.db.select({ n: count() }).from(jobs))[0]!.n).toBe(0);
  });
});

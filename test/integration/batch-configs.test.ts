import { count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as configsRoute from "@/app/api/batches/[id]/configs/route";
import * as previewRoute from "@/app/api/batches/[id]/preview/route";
import { closeBrowser } from "@/server/agents/browser-pool";
import { findChromium } from "@/server/agents/chromium";
import { allowHost, clearAllowedHosts } from "@/server/agents/network-guard";
import { createBatchFromCsv } from "@/server/batches/service";
import { auditLog, executions, jobSteps, jobs, projects } from "@/server/db/schema";
import { MAX_CONCURRENT_PREVIEWS } from "@/server/preview/slots";
import { type FixtureSite, startFixtureSite } from "../fixtures/site";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

/**
 * Agent config versions (GET/POST /api/batches/:id/configs) and "Try on row N" (POST /api/batches/:id/preview)
 * against the local fixture shop: what a preview extracts, that it leaves no execution or job behind, its per-process
 * limit, and the network guard.
 */

let site: FixtureSite;
beforeAll(async () => {
  site = await startFixtureSite();
  allowHost(site.host);
});
afterAll(async () => {
  clearAllowedHosts();
  await closeBrowser();
  await site.close();
});

const HTTP_CONFIG = {
  engine: "http",
  fields: [{ name: "price", selector: ".price" }],
  timeoutMs: 10_000,
  maxRetries: 1,
} as const;

describe.each(DATABASES)("agent config versions and previews on %s", (kind) => {
  let t: TestRuntime;
  let batchId: string;

  beforeEach(async () => {
    t = await startTestRuntime(kind);
    const [project] = await t.runtime.db.insert(projects).values({ name: "Configs" }).returning();
    const csv = [
      "url,name",
      `${site.origin}/item/1,Kettle`,
      `${site.origin}/item/2,Lamp`,
      `${site.origin}/item/3,Chair`,
      "http://10.0.0.1/admin,Private",
      `${site.origin}/slow,Slow`,
    ].join("\n");
    const created = await createBatchFromCsv({ projectId: project!.id, csv, agent: HTTP_CONFIG });
    batchId = created.batch.id;
  });
  afterEach(() => t.stop());

  const save = (agent: unknown) => call(configsRoute.POST, { params: { id: batchId }, json: { agent } });
  const preview = (body: unknown) => call(previewRoute.POST, { params: { id: batchId }, json: body });
  const tableCount = async (table: typeof executions | typeof jobs | typeof jobSteps) =>
    (await t.runtime.db.select({ n: count() }).from(table))[0]!.n;

  it("lists the upload's config as version 1, saves an edit as version 2 with an audit entry, and makes it current", async () => {
    const first = await call(configsRoute.GET, { params: { id: batchId } });
    expect(first.status).toBe(200);
    expect(first.body.versions).toEqual([
      expect.objectContaining({
        version: 1,
        createdBy: null,
        config: expect.objectContaining({ engine: "http", maxRetries: 1 }),
      }),
    ]);
    expect(first.body.versions[0].config.fields).toEqual([
      { name: "price", selector: ".price", attribute: "textContent", multiple: false, required: false },
    ]);

    const edited = { ...HTTP_CONFIG, fields: [{ name: "price", selector: "h1" }] };
    const saved = await save(edited);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ created: true, message: "Saved as version 2", version: { version: 2 } });
    expect(saved.body.batch.agent.fields[0].selector).toBe("h1");
    expect(saved.body.version.config.fields[0].selector).toBe("h1");

    const listed = await call(configsRoute.GET, { params: { id: batchId } });
    expect(listed.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const audit = await t.runtime.db.select().from(auditLog).where(eq(auditLog.action, "batch.config"));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ version: 2, engine: "http", fields: ["price"] });
    expect(audit[0]!.before).toMatchObject({ version: 1 });
  });

  it("answers 200 with the latest version for a config identical to it (defaults and key order aside)", async () => {
    // The same as version 1 once defaults are filled in, written in another order.
    const same = await save({
      maxRetries: 1,
      timeoutMs: 10_000,
      fields: [{ selector: ".price", name: "price", multiple: false }],
      engine: "http",
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ created: false, version: { version: 1 } });
    expect(same.body.message).toMatch(/identical to version 1/);
    expect((await call(configsRoute.GET, { params: { id: batchId } })).body.versions).toHaveLength(1);
  });

  it("refuses an invalid config with 400 naming the field, and saves nothing", async () => {
    const bad = await save({ ...HTTP_CONFIG, fields: [{ name: "price", selector: "" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect(bad.body.error.message).toMatch(/agent\.fields\.0\.selector: selector must not be empty/);
    const slow = await save({ ...HTTP_CONFIG, timeoutMs: 5 });
    expect(slow.status).toBe(400);
    expect(slow.body.error.message).toMatch(/agent\.timeoutMs/);
    // An engine this server cannot run (no model configured), as at batch creation.
    const goal = await save({ engine: "agent" });
    expect(goal.status).toBe(400);
    expect(goal.body.error.message).toMatch(/^agent\.engine: /);
    expect((await call(configsRoute.GET, { params: { id: batchId } })).body.versions).toHaveLength(1);
  });

  it("gives concurrent saves consecutive versions, the last of which is current", async () => {
    const answers = await Promise.all([2, 3, 4, 5, 6].map((n) => save({ ...HTTP_CONFIG, maxRetries: n })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.map((a) => a.body.version.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const listed = (await call(configsRoute.GET, { params: { id: batchId } })).body.versions;
    expect(listed.map((v: { version: number }) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
    const batch = answers.find((a) => a.body.version.version === 6)!.body;
    expect(listed[0].config.maxRetries).toBe(batch.version.config.maxRetries);
  });

  it("previews a row with an unsaved config: the fields, the steps, the final URL, and no execution or job", async () => {
    const tried = await preview({ rowIndex: 3, agent: { ...HTTP_CONFIG, fields: [{ name: "name", selector: "h1" }] } });
    expect(tried.status).toBe(200);
    const p = tried.body.preview;
    expect(p).toMatchObject({
      rowIndex: 3,
      inputId: "3",
      siteUrl: `${site.origin}/item/3`,
      engine: "http",
      configVersion: null,
      status: "completed",
      extractedData: { name: "Green Chair" },
      error: null,
      finalUrl: `${site.origin}/item/3`,
      httpStatus: 200,
      screenshot: null,
      usage: null,
    });
    expect(p.steps[0].step).toBe(`Fetching ${site.origin}/item/3`);
    expect(p.steps.at(-1)).toMatchObject({ step: "Completed", percent: 100 });
    // The saved config is unchanged, and the current one is the default.
    const current = await preview({ rowIndex: 3 });
    expect(current.body.preview).toMatchObject({ configVersion: 1, extractedData: { price: "$129.00" } });
    expect(await tableCount(executions)).toBe(0);
    expect(await tableCount(jobs)).toBe(0);
    expect(await tableCount(jobSteps)).toBe(0);
  });

  it("answers a failed row as a failed preview, and an unknown row or bad body as 400 naming the field", async () => {
    const failed = await preview({ rowIndex: 1, agent: { ...HTTP_CONFIG, fields: [{ name: "x", selector: "a[" }] } });
    expect(failed.status).toBe(200);
    expect(failed.body.preview).toMatchObject({ status: "failed", extractedData: null });
    expect(failed.body.preview.error.message).toMatch(/selector/i);
    expect(failed.body.preview.steps.at(-1).step).toMatch(/^Failed: /);

    const missing = await preview({ rowIndex: 99 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^rowIndex: row 99 is not an input of this batch/);
    const zero = await preview({ rowIndex: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error.message).toMatch(/rowIndex/);
    const badConfig = await preview({ rowIndex: 1, agent: { engine: "teleport" } });
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.error.message).toMatch(/agent\.engine/);
  });

  it("refuses a private address through the network guard", async () => {
    const refused = await preview({ rowIndex: 4 });
    expect(refused.status).toBe(200);
    expect(refused.body.preview).toMatchObject({ status: "failed", siteUrl: "http://10.0.0.1/admin" });
    expect(refused.body.preview.error.retryable).toBe(false);
    expect(refused.body.preview.error.message).toMatch(/private|not allowed|refused/i);
  });

  it(`runs ${MAX_CONCURRENT_PREVIEWS} previews at once per process; one more gets 429 with Retry-After`, async () => {
    const slowRequests = () => site.requests.filter((r) => r === "/slow").length;
    const before = slowRequests();
    const slowConfig = { ...HTTP_CONFIG, timeoutMs: 2000 };
    const running = Array.from({ length: MAX_CONCURRENT_PREVIEWS }, () => preview({ rowIndex: 5, agent: slowConfig }));
    await waitFor(() => slowRequests() === before + MAX_CONCURRENT_PREVIEWS, "the previews to reach /slow", 5000);
    const refused = await preview({ rowIndex: 1 });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(refused.response.headers.get("retry-after")).toMatch(/^\d+$/);

    const finished = await Promise.all(running);
    for (const f of finished) {
      expect(f.body.preview.status).toBe("failed");
      expect(f.body.preview.error).toMatchObject({ kind: "timeout", retryable: true });
    }
    // The slots are free again.
    expect((await preview({ rowIndex: 1 })).body.preview.extractedData).toEqual({ price: "$24.00" });
  });

  it.skipIf(!findChromium())("previews with the browser engine (real Chromium), with a screenshot", async () => {
    const tried = await preview({
      rowIndex: 2,
      agent: { engine: "browser", fields: [{ name: "name", selector: "h1" }], timeoutMs: 30_000 },
    });
    expect(tried.status).toBe(200);
    const p = tried.body.preview;
    expect(p).toMatchObject({ engine: "browser", status: "completed", extractedData: { name: "Red Lamp" } });
    const jpeg = Buffer.from(p.screenshot, "base64");
    expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(await tableCount(jobs)).toBe(0);
  });
});

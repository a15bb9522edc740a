import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as screenshotRoute from "@/app/api/jobs/[id]/screenshot/route";
import * as productRoute from "@/app/demo/products/[slug]/route";
import * as productsRoute from "@/app/demo/products/route";
import { agentConfigSchema } from "@/lib/contract/agent";
import { httpAgent } from "@/server/agents/http";
import { clearAllowedHosts, networkGuard } from "@/server/agents/network-guard";
import { PRODUCTS, SLOW_SLUGS } from "@/server/demo/catalog";
import { demoCsv } from "@/server/demo/csv";
import { allowDemoSite, seedDemo } from "@/server/demo/seed";
import { listProjects } from "@/server/projects/projects";
import { saveScreenshot } from "@/server/repos/screenshots";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

describe("demo site", () => {
  it("keeps demo/products.csv in step with the catalogue", () => {
    const file = fs.readFileSync(path.resolve(import.meta.dirname, "../../demo/products.csv"), "utf8");
    expect(file).toBe(demoCsv());
    expect(PRODUCTS).toHaveLength(48);
  });

  it("serves product pages the demo agent config can read, and paginates", async () => {
    const product = PRODUCTS.find((p) => !SLOW_SLUGS.has(p.slug) && p.stock > 0)!;
    const page = await call(productRoute.GET, { path: `/demo/products/${product.slug}` });
    expect(page.status).toBe(200);
    expect(page.response.headers.get("content-type")).toContain("text/html");
    expect(page.body).toContain(`<h1 itemprop="name">${product.name}</h1>`);
    expect(page.body).toContain(`data-rating="${product.rating.toFixed(1)}"`);

    const listing = await call(productsRoute.GET, { path: "/demo/products?page=2" });
    expect(listing.body.match(/class="card product-card"/g)).toHaveLength(12);
    expect(listing.body).toContain('href="/demo/products?page=3"');
    expect((await call(productsRoute.GET, { path: "/demo/products?page=9" })).status).toBe(404);
  });

  it("has deliberately broken pages: moved (301), failing (500), missing (404)", async () => {
    const moved = await call(productRoute.GET, { path: "/demo/products/oak-desk-lamp-2023" });
    expect(moved.status).toBe(301);
    expect(moved.response.headers.get("location")).toBe("/demo/products/oak-desk-lamp");
    expect((await call(productRoute.GET, { path: "/demo/products/clearance-mystery-box" })).status).toBe(500);
    expect((await call(productRoute.GET, { path: "/demo/products/discontinued-brass-kettle" })).status).toBe(404);
  });
});

describe.each(DATABASES)("demo seeding and screenshots on %s", (kind) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime(kind);
  });
  afterAll(async () => {
    clearAllowedHosts();
    await t.stop();
  });

  it("seeds a Demo project once, with a batch of the demo pages on this server's origin, and allows only /demo there", async () => {
    const seeded = await seedDemo({ port: 43210 });
    expect(seeded).not.toBeNull();
    expect(await seedDemo({ port: 43210 })).toBeNull();
    expect((await listProjects()).filter((p) => p.name === "Demo")).toHaveLength(1);

    const { getBatch, listInputs } = await import("@/server/batches/service");
    const batch = await getBatch(seeded!.batchId);
    expect(batch.rowCount).toBe(51);
    expect(batch.urlColumn).toBe("url");
    expect(batch.agent).toMatchObject({ timeoutMs: 20_000, maxRetries: 1 });
    expect(["browser", "http"]).toContain(batch.agent.engine);
    const fields = batch.agent.fields.map((f) => f.name);
    expect(fields).toEqual(
      batch.agent.engine === "browser"
        ? ["name", "price", "rating", "stock", "delivery"]
        : ["name", "price", "rating", "stock"],
    );
    const { inputs } = await listInputs(batch.id, { limit: 1 });
    expect(inputs[0]!.siteUrl).toBe(`http://127.0.0.1:43210/demo/products/${PRODUCTS[0]!.slug}`);

    // The goal batch is there for the goal-driven agent even though no model is configured in this test.
    const goals = await getBatch(seeded!.goalBatchId);
    expect(goals).toMatchObject({ rowCount: 8, goalColumn: "goal", agent: { engine: "agent", timeoutMs: 180_000 } });
    const goalInputs = (await listInputs(goals.id, { limit: 10 })).inputs;
    expect(goalInputs[0]).toMatchObject({
      siteUrl: `http://127.0.0.1:43210/demo/products/${PRODUCTS[0]!.slug}`,
      goal: expect.stringContaining("delivery estimate for a 2-item order to {{postcode}}"),
    });
    expect(goalInputs.at(-1)!.siteUrl).toMatch(/^http:\/\/127\.0\.0\.1:43210\/demo\/search\?q=/);

    await expect(networkGuard.check("http://127.0.0.1:43210/demo/products/x")).resolves.toBeInstanceOf(URL);
    await expect(networkGuard.check("http://localhost:43210/demo")).resolves.toBeInstanceOf(URL);
    await expect(networkGuard.check("http://127.0.0.1:43210/api/projects")).rejects.toMatchObject({
      kind: "refused_address",
    });
  });

  it("serves a job's latest screenshot as JPEG, never cached, and 404 in the contract shape when none", async () => {
    const { jobs } = await insertFixture(t.runtime.db, { rows: 1, execution: {} });
    const jobId = jobs[0]!.id;
    const none = await call(screenshotRoute.GET, { params: { id: jobId } });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe("not_found");
    expect((await call(screenshotRoute.GET, { params: { id: "nope" } })).status).toBe(404);

    await saveScreenshot(t.runtime.db, jobId, Buffer.from([0xff, 0xd8, 1]));
    await saveScreenshot(t.runtime.db, jobId, Buffer.from([0xff, 0xd8, 2]));
    const shot = await call(screenshotRoute.GET, { params: { id: jobId } });
    expect(shot.status).toBe(200);
    expect(shot.response.headers.get("content-type")).toBe("image/jpeg");
    expect(shot.response.headers.get("cache-control")).toBe("no-store");
    expect([...new Uint8Array(await shot.response.arrayBuffer())]).toEqual([0xff, 0xd8, 2]);
  });
});

describe("demo pages through the http engine", () => {
  it("extracts the demo fields from a served page", async () => {
    const { createServer } = await import("node:http");
    const { demoResponse } = await import("@/server/demo/pages");
    const server = createServer(async (req, res) => {
      const response = await demoResponse(new URL(req.url ?? "/", "http://127.0.0.1"), { slowMs: 0 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    allowDemoSite(port);
    try {
      const { demoAgentConfig } = await import("@/server/demo/seed");
      const url = `http://127.0.0.1:${port}/demo/products/oak-desk-lamp-2023`;
      const result = await httpAgent.run(
        { id: "j", executionId: "e", inputId: "1", siteUrl: url, goal: null, row: { url }, retryCount: 0 },
        {
          config: agentConfigSchema.parse(demoAgentConfig("http")),
          signal: new AbortController().signal,
          progress: () => {},
          screenshot: () => {},
        },
      );
      expect(result.finalUrl).toBe(`http://127.0.0.1:${port}/demo/products/${PRODUCTS[0]!.slug}`);
      expect(result.extractedData).toEqual({
        name: PRODUCTS[0]!.name,
        price: `$${(PRODUCTS[0]!.priceCents / 100).toFixed(2)}`,
        rating: PRODUCTS[0]!.rating.toFixed(1),
        stock: PRODUCTS[0]!.stock > 0 ? `In stock (${PRODUCTS[0]!.stock} left)` : "Out of stock",
      });
    } finally {
      clearAllowedHosts();
      server.close();
    }
  });
});

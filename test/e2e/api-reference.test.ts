// The API reference in real Chromium against the real server with accounts on: /docs/api and /api/openapi.json are
// public, the page renders every operation of the served document from our own origin, and nothing breaks the
// page's Content-Security-Policy (launchBrowser's close() fails the test on any violation).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { type RunningServer, startServer } from "../helpers/server";

interface ServedDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; tags: string[] }>>;
}

describe("the API reference page", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ AUTH: "on" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("renders every operation of the served document, signed out, with no request beyond our origin", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as ServedDocument;
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(40);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const pageErrors: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) elsewhere.push(request.url());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));

    const answer = await page.goto(`${server.url}/docs/api`);
    expect(answer?.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}/docs/api`);
    await expect(page.getByRole("heading", { name: "API reference" }).isVisible()).resolves.toBe(true);
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });

    for (const operation of operations) {
      // Swagger UI gives each operation the id `operations-<tag>-<operationId>`.
      const block = page.locator(`#operations-${operation.tags[0]}-${operation.operationId}`);
      expect(await block.count(), operation.operationId).toBe(1);
    }
    await page.locator("#operations-Executions-startExecution .opblock-summary-control").click();
    await page.getByText("The execution, running.").waitFor();

    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

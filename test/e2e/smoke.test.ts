import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";
import type { Browser } from "playwright-core";

describe("the running app", () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("serves health and the projects page", async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(await health.json()).toEqual({ ok: true });
    const page = await browser.newPage();
    await page.goto(server.url);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Projects");
    await page.close();
  });

  it("refuses a second process on the same data folder", async () => {
    const second = startServer({ DATA_DIR: server.dataDir }, { timeoutMs: 30_000 });
    await expect(second).rejects.toThrow(/already in use by process/);
  });
});

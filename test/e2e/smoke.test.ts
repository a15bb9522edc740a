import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { launchBrowser } from "../helpers/browser";
import { type RunningServer, startServer } from "../helpers/server";

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
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: { kind: "pglite", ok: true } });
    const page = await browser.newPage();
    await page.goto(server.url);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Projects");
    await page.close();
  });

  it("serves the WebSocket endpoint and refuses upgrades on any other path", async () => {
    const wsUrl = server.url.replace("http", "ws");
    const greeting = await new Promise<unknown>((resolve, reject) => {
      const socket = new WebSocket(`${wsUrl}/api/ws/executions`);
      socket.onmessage = (m) => {
        resolve(JSON.parse(String(m.data)));
        socket.close();
      };
      socket.onerror = () => reject(new Error("the endpoint refused the upgrade"));
    });
    expect(greeting).toMatchObject({ type: "connected", clientId: expect.any(String) });
    const refused = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`${wsUrl}/api/projects`);
      socket.onopen = () => resolve(false);
      socket.onerror = () => resolve(true);
    });
    expect(refused).toBe(true);
  });

  it("refuses a second process on the same data folder", async () => {
    const second = startServer({ DATA_DIR: server.dataDir }, { timeoutMs: 30_000 });
    await expect(second).rejects.toThrow(/already in use by process/);
  });
});

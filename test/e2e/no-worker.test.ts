// Split mode in real Chromium: a web process with no worker says so on the live view and the Workers page, and both
// follow a worker that starts. Behaviour only, no timings.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { expectAccessible, startSimulatedRun } from "../helpers/e2e";
import { createTestDatabase } from "../helpers/runtime";
import { type RunningServer, startServer } from "../helpers/server";

const NOTICE = "No worker is running — jobs will resume when one starts";

describe.runIf(process.env.TEST_DATABASE_URL)("split mode with no worker, in the browser (PostgreSQL)", () => {
  let db: { url: string; drop: () => Promise<void> };
  let web: RunningServer;
  let worker: RunningServer | undefined;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startServer({ DATABASE_URL: db.url, FLEETDECK_ROLE: "web" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await web?.stop();
    await db?.drop();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  };

  it("shows the notice while no worker runs, and the run completes once one starts", { timeout: 120_000 }, async () => {
    const run = await startSimulatedRun(web.url, 6, { durationMs: 200, failRate: 0 }, 2, "No worker");
    const live = await newPage();
    await live.goto(run.live);
    const notice = live.getByTestId("no-worker-banner");
    await notice.waitFor();
    expect(await notice.textContent()).toContain(NOTICE);
    expect(await notice.textContent()).toContain("npm run start:worker");
    await expectAccessible(live, "live view waiting for a worker");

    const workers = await newPage();
    await workers.goto(`${web.url}/workers`);
    await workers.getByText("No worker has registered").waitFor();
    await expectAccessible(workers, "Workers page, empty");

    worker = await startServer({ DATABASE_URL: db.url, FLEETDECK_ROLE: "worker" });
    await notice.waitFor({ state: "detached" });
    await live.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    expect(await live.getByTestId("no-worker-banner").count()).toBe(0);

    // The Workers page refreshes by itself: the new worker appears, alive.
    const row = workers.locator('tr[data-status="alive"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(String(worker.process.pid));
    await expectAccessible(workers, "Workers page with a worker");
  });
});

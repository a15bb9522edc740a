// Steering an execution from the Live Execution Viewer in real Chromium: pause and resume, stop with a reason,
// raising the concurrency, two tabs in sync, and what a failed or repeated action does. Behaviour only.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, type SimulatedRun as Run, startSimulatedRun } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

const get = <T>(path: string) => apiOf(server.url).get<T>(path);
const startRun = (rows: number, simulate: { durationMs: number; failRate: number }, concurrency: number) =>
  startSimulatedRun(server.url, rows, simulate, concurrency, "Controls e2e");

type Stats = { total: number; running: number; queued: number; completed: number; failed: number; cancelled: number };
const executionOf = async (run: Run) =>
  (
    await get<{ execution: { status: string; concurrency: number; stopReason: string | null; stats: Stats } }>(
      `/api/executions/${run.executionId}`,
    )
  ).execution;

async function openLive(run: Run): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(run.live);
  await page.waitForFunction(
    () => document.querySelector("[data-connection]")?.getAttribute("data-connection") === "live",
  );
  return page;
}

const waitForStatus = (page: Page, status: string) =>
  page.waitForFunction(
    (s) => document.querySelector('[data-testid="execution-status"]')?.getAttribute("data-status") === s,
    status,
  );
const liveCards = (page: Page) => page.locator('[data-testid="agent-card"]:not([data-leaving])');
const completionText = async (page: Page) =>
  (await page.getByTestId("completion-card").locator("h2").textContent())?.replace(/\s+/g, " ").trim();

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("steering an execution from the live view", () => {
  it("pauses (running jobs finish, none starts) and resumes to completion; a control is sent once", async () => {
    const run = await startRun(10, { durationMs: 1200, failRate: 0 }, 2);
    const page = await openLive(run);
    await liveCards(page).first().waitFor();

    // A slow answer: the button shows it is working and a second click sends nothing.
    let pauseRequests = 0;
    await page.route("**/api/executions/*/pause", async (route) => {
      pauseRequests++;
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
    const pause = page.getByRole("button", { name: "Pause" });
    await pause.click();
    await pause.click({ force: true, noWaitAfter: true, timeout: 2000 }).catch(() => {});
    await waitForStatus(page, "paused");
    expect(pauseRequests).toBe(1);
    await page.getByRole("status").filter({ hasText: "no new job starts until you resume" }).first().waitFor();

    // The running jobs finish; no new one starts while paused.
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-running"]')?.textContent === "0");
    const paused = await executionOf(run);
    expect(paused.status).toBe("paused");
    expect(paused.stats.running).toBe(0);
    expect(paused.stats.queued).toBeGreaterThan(0);
    expect(await liveCards(page).count()).toBe(0);
    await expectAccessible(page, "live view, paused");

    await page.getByRole("button", { name: "Resume" }).click();
    await waitForStatus(page, "running");
    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    expect(await completionText(page)).toBe("Execution complete — 10 completed, 0 failed");
    await page.context().close();
  });

  it("shows the API's message when a control fails", async () => {
    const run = await startRun(6, { durationMs: 1500, failRate: 0 }, 2);
    const page = await openLive(run);
    await page.route("**/api/executions/*/pause", (route) =>
      route.fulfill({
        status: 409,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "invalid_state", message: "the execution cannot be paused now" } }),
      }),
    );
    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("alert").filter({ hasText: "the execution cannot be paused now" }).waitFor();
    expect(await page.getByTestId("execution-status").getAttribute("data-status")).toBe("running");
    await page.unroute("**/api/executions/*/pause");
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.context().close();
  });

  it("stops with a reason: queued jobs are cancelled, running ones finish", async () => {
    const run = await startRun(20, { durationMs: 1500, failRate: 0 }, 3);
    const page = await openLive(run);
    await liveCards(page).first().waitFor();

    await page.getByRole("button", { name: "Stop" }).click();
    const dialog = page.getByRole("dialog", { name: "Stop this execution?" });
    await dialog.waitFor();
    await expectAccessible(page, "stop dialog");
    await dialog.getByLabel("Reason (optional)").fill("Wrong instructions");
    await dialog.getByRole("button", { name: "Stop execution" }).click();
    await dialog.waitFor({ state: "detached" });

    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    const final = await executionOf(run);
    expect(final.status).toBe("stopped");
    expect(final.stopReason).toBe("Wrong instructions");
    expect(final.stats.cancelled).toBeGreaterThan(0);
    expect(final.stats.completed + final.stats.failed + final.stats.cancelled).toBe(20);
    expect(final.stats.completed).toBeGreaterThan(0); // the jobs running at the stop finished
    const expected = `Execution stopped — ${final.stats.completed} completed, 0 failed, ${final.stats.cancelled} cancelled`;
    await page.waitForFunction(
      (t) =>
        document.querySelector('[data-testid="completion-card"] h2')?.textContent?.replace(/\s+/g, " ").trim() === t,
      expected,
    );
    await page.getByText("Reason: Wrong instructions").waitFor();
    expect(await page.getByRole("button", { name: "Pause" }).count()).toBe(0); // nothing left to steer

    // The results page lists the cancelled jobs too.
    await page.goto(run.results);
    await page.getByRole("button", { name: /^Cancelled/ }).click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count") === String(n),
      final.stats.cancelled,
    );
    await page.context().close();
  });

  it("raises the concurrency mid-run: more agent cards appear, at most six with a count of the rest", async () => {
    const run = await startRun(16, { durationMs: 2000, failRate: 0 }, 2);
    const page = await openLive(run);
    await liveCards(page).first().waitFor();
    expect(await liveCards(page).count()).toBeLessThanOrEqual(2);

    await page.getByRole("button", { name: /Concurrency: 2 agents at once/ }).click();
    const dialog = page.getByRole("dialog", { name: "Adjust concurrency" });
    const field = dialog.getByLabel("Agents at once");
    // Out of range: refused in the dialog, nothing sent.
    let adjustRequests = 0;
    page.on("request", (r) => r.url().includes("/adjust-concurrency") && adjustRequests++);
    await field.fill("11");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await dialog.getByText("Enter a whole number from 1 to 10.").waitFor();
    expect(adjustRequests).toBe(0);
    await expectAccessible(page, "concurrency dialog");
    await field.fill("8");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(adjustRequests).toBe(1);

    await page.waitForFunction(() => document.querySelector('[data-testid="stat-concurrency"]')?.textContent === "8");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="agent-card"]:not([data-leaving])').length === 6,
    );
    await page.getByTestId("more-running").waitFor();
    expect(await page.getByTestId("more-running").textContent()).toMatch(/^\+\d+ more running$/);
    expect(await liveCards(page).count()).toBeLessThanOrEqual(6);
    expect((await executionOf(run)).concurrency).toBe(8);
    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    await page.context().close();
  });

  it("keeps two tabs in sync, and one goes on when the other is closed", async () => {
    // Long enough that both tabs are open and live well before the run could end, even on a loaded machine.
    const run = await startRun(16, { durationMs: 2500, failRate: 0 }, 2);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const p of [a, b]) {
      p.setDefaultTimeout(30_000);
      await p.goto(run.live);
      await p.waitForFunction(
        () => document.querySelector("[data-connection]")?.getAttribute("data-connection") === "live",
      );
    }
    await a.getByRole("button", { name: "Pause" }).click();
    await waitForStatus(b, "paused");
    await b.getByRole("button", { name: /Concurrency: 2/ }).click();
    await b.getByRole("spinbutton", { name: "Agents at once" }).fill("4");
    await b.getByRole("button", { name: "Apply" }).click();
    await a.waitForFunction(() => document.querySelector('[data-testid="stat-concurrency"]')?.textContent === "4");
    await a.close();
    await b.getByRole("button", { name: "Resume" }).click();
    await waitForStatus(b, "running");
    await b.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    expect(await completionText(b)).toBe("Execution complete — 16 completed, 0 failed");
    await context.close();
  });
});

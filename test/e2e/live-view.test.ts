// The Live Execution Viewer in real Chromium against the real server: the happy path to export, a very fast
// execution, an all-failures execution, a refresh mid-run and a dropped network. Behaviour only, no timings.
import ExcelJS from "exceljs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, type SimulatedRun as Run, startSimulatedRun } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

const get = <T>(path: string) => apiOf(server.url).get<T>(path);
const startRun = (rows: number, simulate: { durationMs: number; failRate: number }, concurrency = 5) =>
  startSimulatedRun(server.url, rows, simulate, concurrency, "Live e2e");

type Stats = { total: number; running: number; queued: number; completed: number; failed: number; cancelled: number };
const statsOf = async (run: Run) =>
  (await get<{ execution: { status: string; stats: Stats } }>(`/api/executions/${run.executionId}`)).execution;

async function newPage(context?: BrowserContext): Promise<Page> {
  const ctx =
    context ?? (await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" }));
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

const connection = (page: Page) => page.locator("[data-connection]").getAttribute("data-connection");
const waitForConnection = (page: Page, state: "live" | "disconnected") =>
  page.waitForFunction(
    (s) => document.querySelector("[data-connection]")?.getAttribute("data-connection") === s,
    state,
  );
const resultCount = async (page: Page) => Number(await page.getByTestId("results-count").getAttribute("data-count"));
const waitForResults = (page: Page, n: number) =>
  page.waitForFunction(
    (n) => document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count") === String(n),
    n,
  );
const completionText = async (page: Page) =>
  (await page.getByTestId("completion-card").locator("h2").textContent())?.replace(/\s+/g, " ").trim();

/** Every job id in the results table, scrolling the virtualised list from top to bottom. */
async function allRowIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const region = document.querySelector('[data-testid="results-table"]')!.closest('[role="region"]') as HTMLElement;
    const ids = new Set<string>();
    region.scrollTop = 0;
    for (let guard = 0; guard < 1000; guard++) {
      await new Promise((r) => setTimeout(r, 30));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      document.querySelectorAll('[data-testid="result-row"]').forEach((row) => {
        ids.add(row.getAttribute("data-job-id")!);
      });
      if (region.scrollTop + region.clientHeight >= region.scrollHeight - 1) break;
      region.scrollTop += Math.max(40, region.clientHeight / 2);
    }
    return [...ids];
  });
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("live execution view", () => {
  it("follows an execution to completion, then shows its results, a job and the exports", async () => {
    // Long enough (four waves of 3 s) that agents are still at work once the page is live, even on a loaded machine.
    const run = await startRun(20, { durationMs: 3000, failRate: 0 }, 5);
    const page = await newPage();
    await page.goto(run.live);
    await waitForConnection(page, "live");

    // Agents at work: one card per running job, never more than six.
    await page.getByTestId("agent-card").first().waitFor();
    const cards = await page.getByTestId("agent-card").count();
    expect(cards).toBeGreaterThan(0);
    expect(cards).toBeLessThanOrEqual(6);
    await expectAccessible(page, "live view, running");

    // Results stream in, and the run finishes with the celebration and no navigation away.
    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    expect(await completionText(page)).toBe("Execution complete — 20 completed, 0 failed");
    await waitForResults(page, 20);
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-success"]')?.textContent === "100.0%");
    expect(await page.getByTestId("stat-progress").textContent()).toBe("20/20");
    expect(page.url()).toBe(run.live);
    expect(await page.getByTestId("agent-card").count()).toBe(0);
    expect(new Set(await allRowIds(page)).size).toBe(20);
    await expectAccessible(page, "live view, completed");

    // Exports: plain downloads of every row.
    const csvHref = await page.getByRole("link", { name: "Export CSV" }).first().getAttribute("href");
    const jsonHref = await page.getByRole("link", { name: "Export JSON" }).first().getAttribute("href");
    const csv = await fetch(server.url + csvHref);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toContain("status");
    expect(lines).toHaveLength(21);
    const json = (await (await fetch(server.url + jsonHref)).json()) as { status: string }[];
    expect(json).toHaveLength(20);
    expect(json.every((row) => row.status === "completed")).toBe(true);
    const xlsxHref = await page.getByRole("link", { name: "Export XLSX" }).first().getAttribute("href");
    const xlsx = await fetch(server.url + xlsxHref);
    expect(xlsx.headers.get("content-disposition")).toMatch(/attachment; filename=".*\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.getWorksheet("Results")?.rowCount).toBe(21);

    // View results -> the full table -> a row opens its job.
    await page.getByRole("link", { name: "View results" }).click();
    await page.waitForURL(run.results);
    await waitForResults(page, 20);
    await expectAccessible(page, "results page");
    await page.getByTestId("result-row").first().locator("td").nth(1).click();
    await page.waitForURL(/\/jobs\//);
    await page.getByTestId("step-log").waitFor();
    expect(await page.getByTestId("job-status").textContent()).toBe("Completed");
    await page.getByTestId("extracted-data").waitFor();
    await page.getByTestId("no-screenshot").waitFor(); // the simulated engine takes none: a placeholder, not a broken image
    await expectAccessible(page, "job page");
    await page.context().close();
  });

  it("shows every job of a very fast execution", async () => {
    const run = await startRun(3, { durationMs: 0, failRate: 0 }, 5);
    const page = await newPage();
    await page.goto(run.live);
    await page.getByTestId("completion-card").waitFor();
    expect(await completionText(page)).toBe("Execution complete — 3 completed, 0 failed");
    await waitForResults(page, 3);
    expect(new Set(await allRowIds(page)).size).toBe(3);
    await page.context().close();
  });

  it("shows 0 % success when every job fails, with the errors", async () => {
    const run = await startRun(4, { durationMs: 200, failRate: 1 }, 4);
    const page = await newPage();
    await page.goto(run.live);
    await page.getByTestId("completion-card").waitFor();
    expect(await completionText(page)).toBe("Execution complete — 0 completed, 4 failed");
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-success"]')?.textContent === "0.0%");
    await waitForResults(page, 4);
    // Filter by status: all four are failures, none completed.
    await page.getByRole("button", { name: /^Completed/ }).click();
    await waitForResults(page, 0);
    await page.getByRole("button", { name: /^Failed/ }).click();
    await waitForResults(page, 4);
    expect(await page.getByTestId("result-row").first().locator("td").last().textContent()).toMatch(
      /Simulated failure/,
    );
    await expectAccessible(page, "live view, all failed");
    await page.getByTestId("result-row").first().getByRole("link").first().click();
    await page.getByTestId("job-error").waitFor();
    expect(await page.getByTestId("job-status").textContent()).toBe("Failed");
    await page.context().close();
  });

  it("picks up where it was after a refresh mid-run", async () => {
    const run = await startRun(16, { durationMs: 1500, failRate: 0 }, 4);
    const page = await newPage();
    await page.goto(run.live);
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count")) >= 4,
    );
    await page.reload();
    // Straight after the reload the page shows at least what had finished before it.
    await page.getByTestId("results-count").waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count")) >= 4,
    );
    await waitForConnection(page, "live");
    expect(await statsOf(run).then((e) => e.status)).toBe("running");
    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    await waitForResults(page, 16);
    expect(new Set(await allRowIds(page)).size).toBe(16);
    await page.context().close();
  });

  it("says Disconnected when the network drops, reconnects by itself and misses no row", async () => {
    const run = await startRun(30, { durationMs: 600, failRate: 0.2 }, 5);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    // Offline emulation does not always close an open WebSocket: close ours too, as a real drop would.
    await context.addInitScript(() => {
      const sockets: WebSocket[] = [];
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      } as typeof WebSocket;
      (window as unknown as { __dropSockets: () => void }).__dropSockets = () => {
        for (const s of sockets) if (s.readyState <= 1) s.close();
      };
    });
    const page = await newPage(context);
    await page.goto(run.live);
    await waitForConnection(page, "live");
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count")) >= 2,
    );

    await context.setOffline(true);
    await page.evaluate(() => (window as unknown as { __dropSockets: () => void }).__dropSockets());
    await waitForConnection(page, "disconnected");
    const shownWhenCut = await resultCount(page);
    // The execution goes on without us.
    for (let i = 0; i < 400; i++) {
      const e = await statsOf(run);
      if (e.stats.completed + e.stats.failed >= shownWhenCut + 3 || e.status === "completed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await connection(page)).toBe("disconnected");

    await context.setOffline(false);
    await waitForConnection(page, "live");
    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    const final = await statsOf(run);
    expect(final.stats.completed + final.stats.failed).toBe(30);
    await waitForResults(page, 30);
    const ids = await allRowIds(page);
    const { jobs } = await get<{ jobs: { id: string }[] }>(
      `/api/executions/${run.executionId}/jobs?status=completed,failed&limit=100`,
    );
    expect(new Set(ids)).toEqual(new Set(jobs.map((j) => j.id)));
    expect(await completionText(page)).toBe(
      `Execution complete — ${final.stats.completed} completed, ${final.stats.failed} failed`,
    );
    await context.close();
  });
});

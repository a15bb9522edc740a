// The results table in real Chromium against the real server and the bundled Demo: a production run's 51 pages
// (some failing) fit a 1280 px window without sideways scrolling on the results page and in the live view; a
// header click sorts (ascending, descending, off), the search narrows the rows ("N of 51 rows") and "Select all
// N matching" takes what the status filter and the search show. Behaviour only, no timings.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, screenshotIfAsked, untilFinished } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

interface Job {
  id: string;
  inputId: string | null;
  siteUrl: string | null;
  status: string;
  errorMessage: string | null;
  extractedData: Record<string, unknown> | null;
}

const api = () => apiOf(server.url);

const finished = (id: string) => untilFinished(server.url, id);

const shot = screenshotIfAsked;

const waitForResults = (page: Page, n: number) =>
  page.waitForFunction(
    (n) => document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count") === String(n),
    n,
  );

/** How far the table's scroll container and the page itself would scroll sideways (0: they fit). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const region = document.querySelector('[data-testid="results-table"]')!.closest('[role="region"]') as HTMLElement;
    const root = document.documentElement;
    return { table: region.scrollWidth - region.clientWidth, page: root.scrollWidth - root.clientWidth };
  });

/** The job ids of the rows in view, top to bottom. */
const visibleIds = (page: Page) =>
  page.getByTestId("result-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job-id")!));

const priceOf = (job: Job) => {
  const text = job.extractedData?.price;
  return typeof text === "string" && text.trim() !== "" ? Number(text.replace(/[^\d.]/g, "")) : null;
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ SEED_DEMO: "true" }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the results table on the Demo", () => {
  it("fits 1280 px, sorts by a column, searches and selects what the search shows", async () => {
    const { projects } = await api().get<{ projects: { id: string; name: string }[] }>("/api/projects");
    const demo = projects.find((p) => p.name === "Demo")!;
    const { batches } = await api().get<{ batches: { id: string; agent: { engine: string } }[] }>(
      `/api/projects/${demo.id}/batches`,
    );
    const batch = batches.find((b) => b.agent.engine !== "agent")!;
    const { execution } = await api().post<{ execution: { id: string } }>(`/api/batches/${batch.id}/executions`, {
      mode: "production",
      concurrency: 10,
    });
    await finished(execution.id);
    const { jobs } = await api().get<{ jobs: Job[] }>(`/api/executions/${execution.id}/jobs?limit=1000`);
    expect(jobs).toHaveLength(51);
    expect(jobs.some((j) => j.status === "failed")).toBe(true);
    const base = `${server.url}/projects/${demo.id}/batches/${batch.id}/executions/${execution.id}`;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);

    // The live view of the finished run: the table fits, with the Demo's fields, URL and error columns.
    await page.goto(`${base}/live`);
    await waitForResults(page, 51);
    expect(await sidewaysOverflow(page)).toEqual({ table: 0, page: 0 });
    await shot(page, "results-1-live-view-1280");

    // The results page: 51 rows, the same.
    await page.goto(`${base}/results`);
    await waitForResults(page, 51);
    expect(await page.getByTestId("results-count").textContent()).toBe("51 rows");
    expect(await sidewaysOverflow(page)).toEqual({ table: 0, page: 0 });
    // An error shows on at most two lines, whole on hover.
    await page.getByRole("button", { name: /^Failed/ }).click();
    await waitForResults(page, jobs.filter((j) => j.status === "failed").length);
    const failedRow = page.getByTestId("result-row").first();
    const failedId = await failedRow.getAttribute("data-job-id");
    const failedJob = jobs.find((j) => j.id === failedId)!;
    expect(await failedRow.locator("td").last().getAttribute("title")).toBe(failedJob.errorMessage);
    await page.getByRole("button", { name: /^All/ }).click();
    await waitForResults(page, 51);
    // Each row links its page, whole on hover, opening in a new tab.
    const pageLink = page
      .getByTestId("result-row")
      .first()
      .getByRole("link", { name: /^Open .* in a new tab$/ });
    expect(await pageLink.getAttribute("target")).toBe("_blank");
    expect(jobs.map((j) => j.siteUrl)).toContain(await pageLink.getAttribute("href"));
    await expectAccessible(page, "results page at 1280 px");
    await shot(page, "results-2-results-page-1280");
    const newestFirst = await visibleIds(page);

    // Sort by price: ascending, descending, then back to newest first.
    const priceHeader = page.getByRole("columnheader", { name: "price" });
    const priceById = new Map(jobs.map((j) => [j.id, priceOf(j)]));
    const pricesInView = async () => (await visibleIds(page)).map((id) => priceById.get(id) ?? null);
    const priced = jobs.map(priceOf).filter((p): p is number => p !== null);
    await priceHeader.getByRole("button").click();
    await page.waitForFunction(() =>
      document.querySelector('th[aria-sort="ascending"]')?.textContent?.includes("price"),
    );
    const ascending = (await pricesInView()).slice(0, 10);
    expect(ascending).toEqual(priced.toSorted((a, b) => a - b).slice(0, 10));
    await priceHeader.getByRole("button").click();
    await page.waitForFunction(() =>
      document.querySelector('th[aria-sort="descending"]')?.textContent?.includes("price"),
    );
    expect((await pricesInView()).slice(0, 10)).toEqual(priced.toSorted((a, b) => b - a).slice(0, 10));
    await expectAccessible(page, "results sorted by price");
    await shot(page, "results-3-sorted-by-price");
    await priceHeader.getByRole("button").click();
    await page.waitForFunction(() => document.querySelector("th[aria-sort]") === null);
    expect(await visibleIds(page)).toEqual(newestFirst);

    // Search across values, URL, input id and error: a product word, ignoring case.
    const word = "oak";
    const matches = jobs.filter((j) =>
      [j.siteUrl, j.inputId, j.errorMessage, ...Object.values(j.extractedData ?? {}).map(String)]
        .join("\n")
        .toLowerCase()
        .includes(word),
    );
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.length).toBeLessThan(51);
    await page.getByRole("searchbox", { name: "Search all results" }).fill("OAK");
    await waitForResults(page, matches.length);
    expect(await page.getByTestId("results-count").textContent()).toBe(`${matches.length} of 51 rows`);
    expect(new Set(await visibleIds(page))).toEqual(new Set(matches.map((j) => j.id)));

    // With the Completed filter too, "Select all N matching" takes exactly the rows both let through.
    const completedMatches = matches.filter((j) => j.status === "completed");
    await page.getByRole("button", { name: /^Completed/ }).click();
    await waitForResults(page, completedMatches.length);
    await page
      .getByRole("button", { name: `Select all ${completedMatches.length} matching “Completed” and “oak”` })
      .click();
    await page
      .getByTestId("selected-count")
      .filter({ hasText: new RegExp(`^${completedMatches.length} selected$`) })
      .waitFor();
    const checked = await page
      .getByTestId("result-row")
      .evaluateAll((rows) =>
        rows
          .filter((r) => r.querySelector<HTMLInputElement>("input[type=checkbox]")?.checked)
          .map((r) => r.getAttribute("data-job-id")!),
      );
    expect(new Set(checked)).toEqual(new Set(completedMatches.map((j) => j.id)));
    await page.getByRole("button", { name: `Re-run selected (${completedMatches.length})` }).waitFor();
    await expectAccessible(page, "results searched and selected");
    await shot(page, "results-4-searched-and-selected");

    // A search that finds nothing says so.
    await page.getByRole("searchbox", { name: "Search all results" }).fill("no such page anywhere");
    await waitForResults(page, 0);
    await page.getByText("No result matches this filter").waitFor();
    await context.close();
    // A Demo production run of 51 pages in a browser: minutes on a loaded machine.
  }, 300_000);
});

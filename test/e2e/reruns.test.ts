// Re-runs in real Chromium against the real server and the bundled Demo (read by the http engine): a production run
// whose failing pages fail, "Re-run failed" from its completion card runs only those rows, linked to the parent; rows
// picked in the results table re-run the same way. Behaviour only, no timings.
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, screenshotIfAsked, untilFinished } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

interface Execution {
  id: string;
  batchId: string;
  status: string;
  totalJobs: number;
  parentExecutionId: string | null;
  rerun: { of: string; selection: string; rows: number } | null;
  stats: { completed: number; failed: number; cancelled: number };
}
interface Job {
  id: string;
  inputId: string;
  status: string;
}

const api = () => apiOf(server.url);
const jobsOf = async (id: string) => (await api().get<{ jobs: Job[] }>(`/api/executions/${id}/jobs?limit=1000`)).jobs;

const finished = (id: string) => untilFinished<Execution>(server.url, id);

const textOf = async (locator: Locator) => (await locator.textContent())?.replace(/\s+/g, " ").trim();

const shot = screenshotIfAsked;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ SEED_DEMO: "true" }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("re-runs on the Demo", () => {
  it("re-runs the failed rows of a production run from its completion card, then rows picked in the results", async () => {
    const { projects } = await api().get<{ projects: { id: string; name: string }[] }>("/api/projects");
    const demo = projects.find((p) => p.name === "Demo")!;
    const { batches } = await api().get<{ batches: { id: string; agent: { engine: string } }[] }>(
      `/api/projects/${demo.id}/batches`,
    );
    const batch = batches.find((b) => b.agent.engine !== "agent")!;
    // The http engine reads the same pages in a fraction of the browser's time; the broken pages fail on it too.
    const textField = (name: string, selector: string) => ({
      name,
      selector,
      attribute: "textContent",
      required: false,
    });
    await api().post(`/api/batches/${batch.id}/configs`, {
      agent: {
        engine: "http",
        fields: [textField("name", "h1"), textField("price", ".price")],
        steps: [],
        timeoutMs: 20_000,
        maxRetries: 0,
      },
    });
    const { execution: parent } = await api().post<{ execution: Execution }>(`/api/batches/${batch.id}/executions`, {
      mode: "production",
      concurrency: 10,
    });
    const base = `${server.url}/projects/${demo.id}/batches/${batch.id}/executions`;
    const parentDone = await finished(parent.id);
    // The Demo's failing pages: a server error and a discontinued product.
    const failedInputs = (await jobsOf(parent.id)).filter((j) => j.status === "failed").map((j) => j.inputId);
    expect(failedInputs.length).toBeGreaterThan(0);
    expect(parentDone.stats.failed).toBe(failedInputs.length);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${base}/${parent.id}/live`);
    const card = page.getByTestId("completion-card");
    await card.waitFor();
    // Nothing was cancelled, so there is no "Re-run cancelled".
    await expect(card.getByRole("button", { name: /Re-run cancelled/ }).count()).resolves.toBe(0);
    await shot(page, "rerun-1-completion-card");
    await card.getByRole("button", { name: `Re-run failed (${failedInputs.length})` }).click();

    const dialog = page.getByRole("dialog");
    await dialog
      .getByTestId("rerun-estimate")
      .filter({ hasText: new RegExp(`^Re-run ${failedInputs.length} jobs?\\? `) })
      .waitFor();
    await expectAccessible(page, "re-run dialog");
    await shot(page, "rerun-2-dialog");
    await dialog.getByRole("button", { name: `Re-run ${failedInputs.length} rows` }).click();

    // The new run's live view, linked to its parent.
    await page.waitForURL((url) => url.pathname.endsWith("/live") && !url.pathname.includes(parent.id));
    const rerunId = page.url().split("/executions/")[1]!.split("/")[0]!;
    const lineage = page.getByTestId("rerun-lineage");
    await lineage.waitFor();
    expect(await textOf(lineage)).toBe(
      `Re-run of execution ${parent.id.slice(0, 8)}, ${failedInputs.length} rows (failed)`,
    );
    const rerun = await finished(rerunId);
    expect(rerun).toMatchObject({
      batchId: batch.id,
      parentExecutionId: parent.id,
      totalJobs: failedInputs.length,
      rerun: { of: parent.id, selection: "failed", rows: failedInputs.length },
    });
    expect((await jobsOf(rerunId)).map((j) => j.inputId)).toEqual(failedInputs);
    await page.getByTestId("completion-card").waitFor();
    await shot(page, "rerun-3-live-view-of-rerun");
    await lineage.getByRole("link").click();
    await page.waitForURL(`**/executions/${parent.id}/live`);

    // The parent lists its re-run; its results page picks two completed rows by hand and re-runs them.
    await page.goto(`${base}/${parent.id}/results`);
    const reruns = page.getByTestId("reruns-list");
    await reruns.getByRole("link", { name: `Execution ${rerunId.slice(0, 8)}` }).waitFor();
    await page.getByRole("button", { name: /^Completed/ }).click();
    const boxes = page.getByTestId("result-row").getByRole("checkbox");
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const picked = await page
      .getByTestId("result-row")
      .evaluateAll((rows) => rows.slice(0, 2).map((r) => r.getAttribute("data-job-id")!));
    await page
      .getByTestId("selected-count")
      .filter({ hasText: /^2 selected$/ })
      .waitFor();
    await expectAccessible(page, "results with a selection");
    await shot(page, "rerun-4-results-selection");
    await page.getByRole("button", { name: "Re-run selected (2)" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Re-run 2 rows" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/live") && !url.pathname.includes(parent.id));
    const pickedRunId = page.url().split("/executions/")[1]!.split("/")[0]!;
    await page.getByTestId("rerun-lineage").waitFor();
    expect(await textOf(page.getByTestId("rerun-lineage"))).toBe(
      `Re-run of execution ${parent.id.slice(0, 8)}, 2 rows (selected)`,
    );
    const pickedRun = await finished(pickedRunId);
    expect(pickedRun.rerun).toEqual({ of: parent.id, selection: "jobs", rows: 2 });
    const parentJobs = await jobsOf(parent.id);
    const pickedInputs = parentJobs.filter((j) => picked.includes(j.id)).map((j) => j.inputId);
    expect((await jobsOf(pickedRunId)).map((j) => j.inputId)).toEqual(pickedInputs);

    // "Select all matching the filter" takes every row the filter shows.
    await page.goto(`${base}/${parent.id}/results`);
    await page.getByRole("button", { name: /^Failed/ }).click();
    await page.getByRole("button", { name: /^Select all \d+ matching/ }).click();
    await page
      .getByTestId("selected-count")
      .filter({ hasText: new RegExp(`^${failedInputs.length} selected$`) })
      .waitFor();
    await page.getByRole("button", { name: `Re-run selected (${failedInputs.length})` }).waitFor();
    await context.close();
    // A Demo production run of 51 pages, then re-runs: well over a minute on a loaded machine.
  }, 300_000);
});

// Issue 15's loop "run → look → fix → re-run → compare" in real Chromium against the real server and the bundled Demo:
// a production run whose slow pages time out and whose broken pages fail → "Re-run failed" with a longer timeout runs
// only those rows, linked to the parent → the compare page shows exactly the rows whose status changed; then the
// batch page's price selector is edited, "Try on row 3" shows the new value, it is saved, picked rows of the first
// run re-run with it, and the compare page shows the changed field for exactly those rows. Behaviour only, no timings.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILING_SLUG, MISSING_SLUG, SLOW_SLUGS } from "@/server/demo/catalog";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, screenshotIfAsked, untilFinished } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

interface Field {
  name: string;
  selector: string;
}
interface Agent {
  engine: string;
  fields: Field[];
  steps: unknown[];
  timeoutMs: number;
  maxRetries: number;
}
interface Execution {
  id: string;
  status: string;
  totalJobs: number;
  configVersion: number;
  parentExecutionId: string | null;
  rerun: { of: string; selection: string; rows: number } | null;
  stats: { completed: number; failed: number; cancelled: number };
}
interface Job {
  id: string;
  inputId: string;
  siteUrl: string;
  status: string;
  extractedData: Record<string, unknown> | null;
}

const api = () => apiOf(server.url);
const jobsOf = async (id: string) => (await api().get<{ jobs: Job[] }>(`/api/executions/${id}/jobs?limit=1000`)).jobs;
const latestVersion = async (batchId: string) =>
  (await api().get<{ versions: { version: number }[] }>(`/api/batches/${batchId}/configs`)).versions[0]!.version;

const finished = (id: string) => untilFinished<Execution>(server.url, id);

const textOf = async (locator: Locator) => (await locator.textContent())?.replace(/\s+/g, " ").trim() ?? "";
const inputsWith = (jobs: Job[], status: string) => jobs.filter((j) => j.status === status).map((j) => j.inputId);
const inputOfSlug = (jobs: Job[], slug: string) =>
  jobs.find((j) => j.siteUrl.endsWith(`/demo/products/${slug}`))!.inputId;

const shot = screenshotIfAsked;

/** The live view of a re-run just started from `parentId`'s pages: its id once the URL names it. */
async function rerunOpened(page: Page, parentId: string): Promise<string> {
  await page.waitForURL((url) => url.pathname.endsWith("/live") && !url.pathname.includes(parentId));
  return page.url().split("/executions/")[1]!.split("/")[0]!;
}

/** From a finished re-run's completion card, "Compare with…" picks its parent as A; the compare page opens. */
async function compareWithParent(page: Page, base: string, parentId: string, rerunId: string) {
  const card = page.getByTestId("completion-card");
  await card.waitFor();
  await card.getByRole("button", { name: "Compare with…" }).click();
  const dialog = page.getByRole("dialog", { name: "Compare with another run" });
  await dialog.getByRole("radio", { checked: true }).waitFor();
  expect(await dialog.getByRole("radio", { checked: true }).getAttribute("value")).toBe(parentId);
  await dialog.getByRole("link", { name: "Compare" }).click();
  await page.waitForURL(`${base}/${parentId}/compare/${rerunId}`);
  await page.getByTestId("compare-summary").waitFor();
}

/** The input ids of the compare page's rows once they are `expected` (in any order). */
async function compareRowsShown(page: Page, expected: string[]): Promise<string[]> {
  const rows = page.getByTestId("compare-row");
  const ids = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-input-id")!).sort());
  await expect.poll(ids).toEqual([...expected].sort());
  return ids();
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ SEED_DEMO: "true" }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("run → re-run failed → compare → edit the config → re-run → compare, on the Demo", () => {
  it("re-runs what failed, then what an edited selector changes, and compares each re-run with its parent", async () => {
    const { projects } = await api().get<{ projects: { id: string; name: string }[] }>("/api/projects");
    const demo = projects.find((p) => p.name === "Demo")!;
    const { batches } = await api().get<{ batches: { id: string; rowCount: number; agent: Agent }[] }>(
      `/api/projects/${demo.id}/batches`,
    );
    const batch = batches.find((b) => b.agent.engine !== "agent")!;
    const base = `${server.url}/projects/${demo.id}/batches/${batch.id}/executions`;

    // The http engine keeps the runs short (the browser's delivery field and its wait step go with it). A timeout
    // below the slow pages' answer time makes them fail as pages of a loaded site do, beside the broken ones.
    const demoFields = batch.agent.fields.filter((f) => f.name !== "delivery");
    const agent = { ...batch.agent, engine: "http", fields: demoFields, steps: [], maxRetries: 0 };
    await api().post(`/api/batches/${batch.id}/configs`, { agent: { ...agent, timeoutMs: 3_000 } });
    const { execution: started } = await api().post<{ execution: Execution }>(`/api/batches/${batch.id}/executions`, {
      mode: "production",
      concurrency: 10,
    });
    const parent = await finished(started.id);
    const parentJobs = await jobsOf(parent.id);
    const failedInputs = inputsWith(parentJobs, "failed");
    const slowInputs = [...SLOW_SLUGS].map((slug) => inputOfSlug(parentJobs, slug));
    const brokenInputs = [FAILING_SLUG, MISSING_SLUG].map((slug) => inputOfSlug(parentJobs, slug));
    expect(failedInputs).toEqual(expect.arrayContaining([...slowInputs, ...brokenInputs]));
    expect(parent.stats).toMatchObject({
      failed: failedInputs.length,
      completed: batch.rowCount - failedInputs.length,
    });

    // The fix for the slow pages: a longer timeout, saved as the batch's next version, which a re-run runs.
    await api().post(`/api/batches/${batch.id}/configs`, { agent: { ...agent, timeoutMs: 20_000 } });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    // 1. "Re-run failed" from the first run's completion card: only the failed rows, linked to the parent.
    await page.goto(`${base}/${parent.id}/live`);
    const card = page.getByTestId("completion-card");
    await card.getByRole("button", { name: `Re-run failed (${failedInputs.length})` }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Re-run ${failedInputs.length} rows` })
      .click();
    const failedRunId = await rerunOpened(page, parent.id);
    const lineage = page.getByTestId("rerun-lineage");
    await lineage.waitFor();
    expect(await textOf(lineage)).toBe(
      `Re-run of execution ${parent.id.slice(0, 8)}, ${failedInputs.length} rows (failed)`,
    );
    const failedRun = await finished(failedRunId);
    expect(failedRun).toMatchObject({
      parentExecutionId: parent.id,
      totalJobs: failedInputs.length,
      rerun: { of: parent.id, selection: "failed", rows: failedInputs.length },
    });
    const failedRunJobs = await jobsOf(failedRunId);
    expect(failedRunJobs.map((j) => j.inputId)).toEqual(failedInputs);
    // The slow pages pass with the longer timeout; the broken pages fail again.
    const nowPassing = inputsWith(failedRunJobs, "completed");
    expect(nowPassing).toEqual(expect.arrayContaining(slowInputs));
    expect(inputsWith(failedRunJobs, "failed")).toEqual(brokenInputs);
    await shot(page, "iterate-1-rerun-failed");

    // 2. Compare the two runs: the rows whose status changed, and nothing else, under "Status changes".
    await compareWithParent(page, base, parent.id, failedRunId);
    const firstSummary = await textOf(page.getByTestId("compare-summary"));
    expect(firstSummary).toContain(`${nowPassing.length} newly passing`);
    expect(firstSummary).toContain(`${batch.rowCount - failedInputs.length} only in A`);
    expect(firstSummary).not.toContain("now failing");
    expect(firstSummary).toContain(
      `${nowPassing.length} of ${failedInputs.length} inputs run in both differ (${nowPassing.length} by status)`,
    );
    expect(firstSummary).toContain(`Status changes: ${nowPassing.length} failed → completed`);
    await page.getByRole("button", { name: "Status changes" }).click();
    await compareRowsShown(page, nowPassing);
    await expectAccessible(page, "compare page of a re-run of the failed rows");
    await shot(page, "iterate-2-compare-status");

    // 3. On the batch page, read the price from another element; "Try on row 3" shows what it extracts; save.
    const { preview: saved } = await api().post<{ preview: { extractedData: Record<string, unknown> | null } }>(
      `/api/batches/${batch.id}/preview`,
      { rowIndex: 3 },
    );
    const row3Name = String(saved.extractedData?.name);
    expect(saved.extractedData?.price).toMatch(/^\$/);
    const nextVersion = (await latestVersion(batch.id)) + 1;
    await page.goto(`${server.url}/projects/${demo.id}/batches/${batch.id}`);
    const section = page.getByRole("region", { name: "Agent config" });
    await section.getByTestId(`config-version-${nextVersion - 1}`).waitFor();
    const priceIndex = demoFields.findIndex((f) => f.name === "price");
    const selector = section.getByLabel(`Field ${priceIndex + 1} selector`);
    expect(await selector.inputValue()).toBe(".price");
    await selector.fill("h1");
    await section.getByRole("button", { name: "Try on row 3" }).click();
    const tried = section.getByTestId("preview-field-price");
    await tried.waitFor();
    expect(await textOf(tried.locator("td").first())).toBe(row3Name);
    await section.getByRole("button", { name: `Save as version ${nextVersion}` }).click();
    await section.getByText(`Saved as version ${nextVersion}`).waitFor();
    expect(await section.getByTestId(`config-version-${nextVersion}`).textContent()).toContain("price: .price → h1");
    await shot(page, "iterate-3-config-saved");

    // 4. Back on the first run's results, two completed rows picked by hand re-run with the saved version.
    await page.goto(`${base}/${parent.id}/results`);
    await page.getByRole("button", { name: /^Completed/ }).click();
    const resultRows = page.getByTestId("result-row");
    await resultRows.first().waitFor();
    const boxes = resultRows.getByRole("checkbox");
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const pickedJobIds = await resultRows.evaluateAll((rows) =>
      rows.slice(0, 2).map((r) => r.getAttribute("data-job-id")!),
    );
    await page.getByRole("button", { name: "Re-run selected (2)" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Re-run 2 rows" }).click();
    const pickedRunId = await rerunOpened(page, parent.id);
    await page.getByTestId("rerun-lineage").waitFor();
    expect(await textOf(page.getByTestId("rerun-lineage"))).toBe(
      `Re-run of execution ${parent.id.slice(0, 8)}, 2 rows (selected)`,
    );
    const pickedRun = await finished(pickedRunId);
    expect(pickedRun).toMatchObject({
      configVersion: nextVersion,
      rerun: { of: parent.id, selection: "jobs", rows: 2 },
      stats: { completed: 2 },
    });
    const before = parentJobs.filter((j) => pickedJobIds.includes(j.id));
    const after = await jobsOf(pickedRunId);
    expect(after.map((j) => j.inputId)).toEqual(before.map((j) => j.inputId));

    // 5. Compare with the first run: the price changed on exactly those rows, from the price to the heading.
    await compareWithParent(page, base, parent.id, pickedRunId);
    const secondSummary = await textOf(page.getByTestId("compare-summary"));
    expect(secondSummary).toContain("2 price changed");
    expect(secondSummary).toContain(`${batch.rowCount - 2} only in A`);
    expect(secondSummary).toContain("2 of 2 inputs run in both differ (0 by status)");
    await page.getByRole("button", { name: "Field changes" }).click();
    await compareRowsShown(
      page,
      before.map((j) => j.inputId),
    );
    for (const old of before) {
      const row = page.locator(`[data-testid="compare-row"][data-input-id="${old.inputId}"]`);
      const fields = await row
        .locator("[data-field]")
        .evaluateAll((els) => els.map((el) => el.getAttribute("data-field")));
      expect(fields).toEqual(["price"]);
      const now = after.find((j) => j.inputId === old.inputId)!;
      expect(now.extractedData?.price).toBe(old.extractedData?.name);
      const line = await row.locator('[data-field="price"]').textContent();
      expect(line).toContain(JSON.stringify(old.extractedData?.price));
      expect(line).toContain(JSON.stringify(now.extractedData?.price));
    }
    await expectAccessible(page, "compare page of a re-run with an edited selector");
    await shot(page, "iterate-4-compare-fields");

    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});

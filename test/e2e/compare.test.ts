// Comparing two runs in real Chromium against the real server and the bundled Demo: two production runs of the shop's
// pages with different agent configs (price read from another element, a rating field added); "Compare with…" on the
// newer run's results picks the older as A, and the compare page shows the counts in words, the rows with each
// changed field before → after, and its filters. Behaviour only, no timings.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompareResponse } from "@/lib/contract/compare";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, screenshotIfAsked, untilFinished } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

const api = () => apiOf(server.url);

const finished = (id: string) => untilFinished(server.url, id);

const shot = screenshotIfAsked;

const field = (name: string, selector: string, attribute = "textContent") => ({
  name,
  selector,
  attribute,
  multiple: false,
});

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ SEED_DEMO: "true" }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("compare two runs of the Demo", () => {
  it("shows what changed between two runs, from 'Compare with…' on the newer run's results", async () => {
    const { projects } = await api().get<{ projects: { id: string; name: string }[] }>("/api/projects");
    const demo = projects.find((p) => p.name === "Demo")!;
    const { batches } = await api().get<{ batches: { id: string; agent: { engine: string } }[] }>(
      `/api/projects/${demo.id}/batches`,
    );
    const batch = batches.find((b) => b.agent.engine !== "agent")!;
    const run = async (fields: ReturnType<typeof field>[]) => {
      await api().post(`/api/batches/${batch.id}/configs`, {
        agent: { engine: "http", fields, steps: [], timeoutMs: 20_000, maxRetries: 0 },
      });
      const { execution } = await api().post<{ execution: { id: string } }>(`/api/batches/${batch.id}/executions`, {
        mode: "production",
        concurrency: 10,
      });
      await finished(execution.id);
      return execution.id;
    };
    const a = await run([field("name", "h1"), field("price", ".price")]);
    const b = await run([
      field("name", "h1"),
      field("price", ".stock"),
      field("rating", "[data-rating]", "data-rating"),
    ]);

    const expected = await api().get<CompareResponse>(`/api/executions/${a}/compare/${b}?limit=500`);
    const counts = expected.counts!;
    const price = counts.fields.find((f) => f.name === "price")!;
    const rating = counts.fields.find((f) => f.name === "rating")!;
    expect(price.changed).toBeGreaterThan(0);
    expect(rating.added).toBeGreaterThan(0);
    expect(counts.statusChanged).toBe(0);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const base = `${server.url}/projects/${demo.id}/batches/${batch.id}/executions`;

    // From the newer run: the picker offers the older one, which becomes A.
    await page.goto(`${base}/${b}/results`);
    await page.getByRole("button", { name: "Compare with…" }).click();
    const dialog = page.getByRole("dialog", { name: "Compare with another run" });
    await expect.poll(() => dialog.getByRole("radio").count()).toBeGreaterThan(0);
    expect(await dialog.getByRole("radio", { checked: true }).getAttribute("value")).toBe(a);
    await shot(page, "compare-picker");
    await dialog.getByRole("link", { name: "Compare" }).click();
    await page.waitForURL(`${base}/${a}/compare/${b}`);

    const summary = page.getByTestId("compare-summary");
    await summary.waitFor();
    const summaryText = (await summary.textContent()) ?? "";
    expect(summaryText).toContain(`${price.changed} price changed`);
    expect(summaryText).toContain(`${rating.added} rating added`);
    expect(summaryText).toContain(
      `${counts.changed} of ${counts.rowsCompared} inputs run in both differ (0 by status)`,
    );

    const rows = page.getByTestId("compare-row");
    await expect.poll(() => rows.count()).toBe(Math.min(50, expected.rows.length));
    const first = expected.rows[0]!;
    const firstRow = page.locator(`[data-testid="compare-row"][data-input-id="${first.inputId}"]`);
    expect(await firstRow.textContent()).toContain(first.siteUrl);
    const priceChange = first.fields.find((f) => f.name === "price");
    if (priceChange?.change === "changed") {
      const line = (await firstRow.locator('[data-field="price"]').textContent()) ?? "";
      expect(line).toContain(JSON.stringify(priceChange.before));
      expect(line).toContain(JSON.stringify(priceChange.after));
    }
    await expectAccessible(page, "compare page");
    await shot(page, "compare-page");

    // No status changed between these runs: that filter shows nothing.
    await page.getByRole("button", { name: "Status changes" }).click();
    await page.getByText("No input matches this filter.").waitFor();
    // One field: each row lists that field alone.
    await page.getByRole("button", { name: "Any change" }).click();
    await page.getByLabel("Field").selectOption("rating");
    await expect.poll(() => rows.count()).toBe(Math.min(50, rating.added + rating.removed + rating.changed));
    const fieldsShown = await rows
      .locator("[data-field]")
      .evaluateAll((els) => [...new Set(els.map((el) => el.getAttribute("data-field")))]);
    expect(fieldsShown).toEqual(["rating"]);
    await shot(page, "compare-field-filter");

    // The export link carries the filter.
    const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    expect(csvHref).toBe(`/api/executions/${a}/compare/${b}?change=any&field=rating&format=csv`);
    const csv = await (await fetch(server.url + csvHref)).text();
    expect(csv.trimEnd().split("\r\n")).toHaveLength(1 + rating.added + rating.removed + rating.changed);

    expect(errors).toEqual([]);
    await context.close();
  });
});

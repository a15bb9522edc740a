// Screenshots of the Live Execution Viewer, its results page and a job page, at phone (390 px) and desktop
// (1280 px) widths, into docs/screenshots/. Starts its own server on a fresh data folder.
//   npx tsx scripts/screenshots-live.ts
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser";
import { startServer } from "../test/helpers/server";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "docs", "screenshots");
const WIDTHS = [
  { name: "390", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  { name: "1280", viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
] as const;

async function json<T>(base: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(
    base + p,
    body === undefined
      ? {}
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function main() {
  execSync("node scripts/ensure-build.mjs", { cwd: root, stdio: "inherit" });
  fs.mkdirSync(out, { recursive: true });
  const server = await startServer();
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const base = server.url;
    const { project } = await json<{ project: { id: string } }>(base, "/api/projects", { name: "Bookshop audit" });
    const rows = Array.from(
      { length: 40 },
      (_, i) =>
        `https://books.example.com/catalogue/a-very-long-product-page-name-number-${i + 1}/index.html,Book ${i + 1},${(9 + i * 1.37).toFixed(2)}`,
    );
    const { batch } = await json<{ batch: { id: string } }>(base, `/api/projects/${project.id}/batches`, {
      name: "catalogue.csv",
      csv: ["url,title,price", ...rows].join("\n"),
      agent: { engine: "simulated", simulate: { durationMs: 6000, failRate: 0.15 } },
    });
    const { execution } = await json<{ execution: { id: string } }>(base, `/api/batches/${batch.id}/executions`, {
      mode: "production",
      concurrency: 8,
    });
    const prefix = `/projects/${project.id}/batches/${batch.id}/executions/${execution.id}`;

    const pages: Page[] = [];
    for (const w of WIDTHS) {
      const context = await browser.newContext({
        viewport: w.viewport,
        deviceScaleFactor: w.deviceScaleFactor,
        isMobile: w.isMobile,
        hasTouch: w.hasTouch,
        reducedMotion: "reduce",
      });
      const page = await context.newPage();
      await page.goto(`${base + prefix}/live`);
      pages.push(page);
    }
    // Mid-run: some results in, agents at work.
    for (const page of pages) await page.getByTestId("result-row").first().waitFor({ timeout: 30_000 });
    await pages[0]!.waitForTimeout(1500);
    for (const [i, w] of WIDTHS.entries())
      await pages[i]!.screenshot({ path: path.join(out, `live-running-${w.name}.png`), fullPage: true });

    for (const page of pages) await page.getByTestId("completion-card").waitFor({ timeout: 120_000 });
    await pages[0]!.waitForTimeout(800);
    for (const [i, w] of WIDTHS.entries())
      await pages[i]!.screenshot({ path: path.join(out, `live-completed-${w.name}.png`), fullPage: true });

    const jobs = await json<{ jobs: { id: string; status: string }[] }>(
      base,
      `/api/executions/${execution.id}/jobs?status=completed,failed&limit=100`,
    );
    const failed = jobs.jobs.find((j) => j.status === "failed") ?? jobs.jobs[0]!;
    const completed = jobs.jobs.find((j) => j.status === "completed") ?? jobs.jobs[0]!;
    for (const [i, w] of WIDTHS.entries()) {
      const page = pages[i]!;
      await page.goto(`${base + prefix}/results`);
      await page.getByTestId("result-row").first().waitFor();
      await page.screenshot({ path: path.join(out, `results-${w.name}.png`), fullPage: true });
      await page.goto(`${base + prefix}/jobs/${completed.id}`);
      await page.getByText("Step log").waitFor();
      await page.screenshot({ path: path.join(out, `job-${w.name}.png`), fullPage: true });
      await page.goto(`${base + prefix}/jobs/${failed.id}`);
      await page.getByText("Step log").waitFor();
      await page.screenshot({ path: path.join(out, `job-failed-${w.name}.png`), fullPage: true });
    }
    console.log(`screenshots written to ${path.relative(root, out)}/`);
  } finally {
    await browser?.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Screenshots of the project and batch pages at phone and desktop widths, into docs/screenshots/<page>-<width>.png.
//   node scripts/ensure-build.mjs && npx tsx scripts/screenshots.ts
// Starts the real server on a fresh data folder, seeds a few projects, batches and runs through the public API,
// then captures each page in headless Chromium once its data has loaded.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser";
import { startServer } from "../test/helpers/server";

const root = path.resolve(import.meta.dirname, "..");
const outDir = path.join(root, "docs", "screenshots");
const widths = [390, 1280];

async function call<T>(base: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${route}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const products = [
  "Ergonomic chair",
  "Standing desk",
  "Monitor arm",
  "Desk lamp",
  "Laptop stand",
  "Cable tray",
  "Footrest",
  "Webcam light",
];

function productsCsv(rows: number): string {
  const lines = ["url,product,sku,goal"];
  for (let i = 1; i <= rows; i++) {
    const name = products[i % products.length]!;
    lines.push(
      `shop-${(i % 6) + 1}.example.com/p/${i},"${name}, model ${i}",SKU-${String(1000 + i)},Read the price and stock level`,
    );
  }
  return lines.join("\n");
}

/** A messier file for the new-batch preview: semicolons, a bare domain, a quoted comma, a row without a URL. */
const MESSY_CSV =
  "\uFEFFcompany;website;country;notes\r\n" +
  '"Acme, Inc";acme.example.com;US;main site\r\n' +
  "Globex;https://www.globex.example/about;DE;\r\n" +
  "Initech;;US;no website yet\r\n" +
  "Umbrella;umbrella.example.org/contact;UK;contact page\r\n" +
  "Hooli;https://hooli.example/careers?team=ml;US;careers\r\n" +
  "Stark Industries;stark.example.com;US;\r\n";

async function waitForData(page: Page) {
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll(".animate-pulse").length === 0, undefined, {
    timeout: 15_000,
  });
  await page.waitForTimeout(300);
}

async function capture(
  browser: Browser,
  name: string,
  url: string,
  prepare?: (page: Page) => Promise<void>,
  fullPage = true,
) {
  for (const width of widths) {
    const context = await browser.newContext({
      viewport: { width, height: width < 600 ? 844 : 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(url);
    await waitForData(page);
    await prepare?.(page);
    const file = path.join(outDir, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage });
    console.log(`  ${path.relative(root, file)}`);
    await context.close();
  }
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const base = server.url;
    const { project } = await call<{ project: { id: string } }>(base, "/api/projects", { name: "Competitor prices" });
    await call(base, "/api/projects", { name: "Partner directory audit" });
    const empty = await call<{ project: { id: string } }>(base, "/api/projects", { name: "Docs link check" });

    const agent = { engine: "simulated", simulate: { durationMs: 4000, failRate: 0.15 } };
    await call(base, `/api/projects/${project.id}/batches`, { name: "Spring catalogue", csv: productsCsv(12), agent });
    const { batch } = await call<{ batch: { id: string } }>(base, `/api/projects/${project.id}/batches`, {
      name: "Office furniture, all shops",
      csv: productsCsv(64),
      goalColumn: "goal",
      idColumn: "sku",
      agent,
    });
    // One finished test run and one production run in progress, so the runs list has something to show.
    await call(base, `/api/batches/${batch.id}/executions`, { mode: "test", sampleSize: 3, concurrency: 3 });
    await new Promise((r) => setTimeout(r, 6000));
    await call(base, `/api/batches/${batch.id}/executions`, { mode: "production", concurrency: 5 });
    await new Promise((r) => setTimeout(r, 5000));

    console.log("Capturing:");
    await capture(browser, "home", base);
    await capture(browser, "project", `${base}/projects/${project.id}`);
    await capture(browser, "project-empty", `${base}/projects/${empty.project.id}`);
    await capture(browser, "new-batch", `${base}/projects/${project.id}/batches/new`, async (page) => {
      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: "partners.csv", mimeType: "text/csv", buffer: Buffer.from(MESSY_CSV) });
      await page.getByRole("region", { name: /Preview of the first/ }).waitFor();
    });
    try {
      await capture(browser, "new-batch-created", `${base}/projects/${project.id}/batches/new`, async (page) => {
        await page
          .locator('input[type="file"]')
          .setInputFiles({ name: "partners.csv", mimeType: "text/csv", buffer: Buffer.from(MESSY_CSV) });
        await page.getByRole("region", { name: /Preview of the first/ }).waitFor();
        await page.getByText("Simulated", { exact: true }).click();
        await page.getByRole("button", { name: "Create batch" }).click();
        await page.getByRole("heading", { name: /Batch “partners” created/ }).waitFor({ timeout: 10_000 });
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      });
    } catch (e) {
      console.warn(
        `  new-batch-created skipped: the upload did not succeed (${e instanceof Error ? e.message.split("\n")[0] : e})`,
      );
    }
    await capture(browser, "batch", `${base}/projects/${project.id}/batches/${batch.id}`);
    await capture(
      browser,
      "execute-dialog",
      `${base}/projects/${project.id}/batches/${batch.id}`,
      async (page) => {
        await page.getByRole("button", { name: "Execute Batch" }).click();
        await page.waitForFunction(() =>
          /\?/.test(document.querySelector('[data-testid="estimate"]')?.textContent ?? ""),
        );
      },
      false,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

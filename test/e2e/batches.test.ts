// The batch flow in real Chromium against the real server: projects, new batch from a messy CSV, the batch page
// with its paginated inputs, the Execute dialog with the server's estimate, and an accessibility check on every page.
import Papa from "papaparse";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { expectAccessible } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

/** Semicolons, a BOM, CRLF, a blank line, a quoted cell with a comma, a quoted multi-line cell, a row with no URL, bare domains. */
const MESSY_CSV =
  "\uFEFFname;website;notes\r\n" +
  '"Acme, Inc";example.com;first\r\n' +
  "No URL Co;;missing its url\r\n" +
  "\r\n" +
  'Beta;https://beta.example.org/x?y=1;"two\r\nlines"\r\n' +
  "Gamma;www.example.net/path;ok\r\n" +
  "Delta;http://example.com/delta;last\r\n";

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

describe("projects and batches in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    return { context, page };
  }

  async function seedBatch(rows: number) {
    const { project } = await json<{ project: { id: string } }>(
      await fetch(`${server.url}/api/projects`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `Seeded ${rows}` }),
      }),
    );
    const csv = [
      "url,title",
      ...Array.from({ length: rows }, (_, i) => `https://example.com/p/${i + 1},Page ${i + 1}`),
    ].join("\n");
    const { batch } = await json<{ batch: { id: string } }>(
      await fetch(`${server.url}/api/projects/${project.id}/batches`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: "Seeded pages",
          csv,
          agent: { engine: "simulated", simulate: { durationMs: 200 } },
        }),
      }),
    );
    return { projectId: project.id, batchId: batch.id };
  }

  it("creates a project, uploads a messy CSV, shows the batch and starts a test run from the Execute dialog", async () => {
    const { context, page } = await newPage();
    // Count the notification permission prompts (headless Chromium answers them on its own).
    await context.addInitScript(() => {
      Object.defineProperty(Notification, "permission", { get: () => "default" });
      Notification.requestPermission = async () => {
        localStorage.setItem(
          "test:notification-asks",
          String(Number(localStorage.getItem("test:notification-asks") ?? 0) + 1),
        );
        return "default";
      };
    });

    // Home: the list starts empty, with a form to create a project.
    await page.goto(server.url);
    await page.getByRole("heading", { level: 1, name: "Projects" }).waitFor();
    await page.getByText("No projects yet").waitFor();
    await expectAccessible(page, "home (empty)");
    // An empty name is refused in words, without a request.
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByText("Give the project a name.").waitFor();
    await page.getByLabel("Project name").fill("Price watch");
    // A double click sends one request: one project.
    await page.getByRole("button", { name: "Create project" }).dblclick();

    // The new project opens, with no batch yet.
    await page.waitForURL(/\/projects\/[^/]+$/);
    const projectUrl = page.url();
    await page.getByRole("heading", { level: 1, name: "Price watch" }).waitFor();
    const { projects } = await json<{ projects: { name: string }[] }>(await fetch(`${server.url}/api/projects`));
    expect(projects.filter((p) => p.name === "Price watch")).toHaveLength(1);
    await page.getByText("No batches yet").waitFor();
    await expectAccessible(page, "project (empty)");

    // New batch: pick the file, see the preview, the URL column guessed.
    await page.getByRole("link", { name: "New batch" }).click();
    await page.waitForURL(/\/batches\/new$/);
    await page.getByRole("heading", { level: 1, name: "New batch" }).waitFor();
    await expectAccessible(page, "new batch (no file)");
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: "messy-prices.csv", mimeType: "text/csv", buffer: Buffer.from(MESSY_CSV, "utf8") });
    const preview = page.getByRole("region", { name: /Preview of the first 5 rows/ });
    await preview.waitFor();
    await expect(preview.getByRole("columnheader", { name: /website/ }).count()).resolves.toBe(1);
    await expect(preview.getByText("Acme, Inc", { exact: true }).count()).resolves.toBe(1);
    await expect(page.getByText("separated by semicolons").count()).resolves.toBe(1);
    expect(await page.getByLabel("URL column").inputValue()).toBe("website");
    expect(await page.getByLabel("Batch name").inputValue()).toBe("messy-prices");
    await expect(page.getByText(/1 row in the preview has no usable URL/).count()).resolves.toBe(1);
    await page.getByText("Simulated", { exact: true }).click();
    expect(await page.getByRole("radio", { name: /Simulated/ }).isChecked()).toBe(true);
    await expectAccessible(page, "new batch (preview)");

    // Create: the result says how many rows and lists the skipped one.
    await page.getByRole("button", { name: "Create batch" }).click();
    const created = page.getByRole("heading", { name: /Batch “messy-prices” created/ });
    const refused = page.getByRole("alert").filter({ hasText: "The batch was not created" });
    await created.or(refused).waitFor();
    if (await refused.isVisible()) throw new Error(`the upload was refused: ${await refused.textContent()}`);
    expect(await page.getByTestId("row-count").textContent()).toBe("4 rows");
    const skipped = page.getByRole("list", { name: "Skipped rows" });
    expect(await skipped.textContent()).toMatch(/Row 2/);
    await expectAccessible(page, "new batch (created)");

    // The batch page: summary, inputs (the bare domain made a URL), no runs yet.
    await page.getByRole("link", { name: "Open batch" }).click();
    await page.waitForURL(/\/batches\/(?!new)[^/]+$/);
    const batchUrl = page.url();
    await page.getByRole("heading", { level: 1, name: "messy-prices" }).waitFor();
    const inputs = page.getByRole("region", { name: "Inputs of this batch" });
    await inputs.getByText("https://example.com", { exact: false }).first().waitFor();
    expect(await inputs.locator("tbody tr").count()).toBe(4);
    await expect(inputs.getByText("Acme, Inc").count()).resolves.toBe(1);
    await page.getByText("No runs yet").waitFor();
    await page.getByText("Rows 1–4 of 4").waitFor();
    await expectAccessible(page, "batch");

    // Execute: the dialog shows the server's estimate in words, updated as the choice changes.
    await page.getByRole("button", { name: "Execute Batch" }).click();
    const dialog = page.getByRole("dialog", { name: "Execute batch" });
    await dialog.waitFor();
    const estimate = dialog.getByTestId("estimate");
    await page.waitForFunction(() =>
      /^Test \d+ jobs?\?/.test(document.querySelector('[data-testid="estimate"]')?.textContent ?? ""),
    );
    // The sample (default 5) is capped by the batch's 4 rows.
    expect(await dialog.getByLabel("Sample size").inputValue()).toBe("4");
    expect(await estimate.textContent()).toMatch(/^Test 4 jobs\? .+, \$\d+\.\d\d\.$/);
    await expectAccessible(page, "execute dialog");
    // Keyboard: focus stays in the dialog, Escape closes it and gives focus back to the button.
    for (let i = 0; i < 12; i++) await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.waitForFunction(() => document.activeElement?.textContent === "Execute Batch");
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.waitForFunction(() =>
      /^Test \d+ jobs?\?/.test(document.querySelector('[data-testid="estimate"]')?.textContent ?? ""),
    );

    await dialog.getByLabel("Sample size").fill("2");
    await page.waitForFunction(() =>
      /^Test 2 jobs\?/.test(document.querySelector('[data-testid="estimate"]')?.textContent ?? ""),
    );
    await dialog.getByText("Production", { exact: true }).click();
    await page.waitForFunction(() =>
      /^Run all 4 jobs\?/.test(document.querySelector('[data-testid="estimate"]')?.textContent ?? ""),
    );

    // Out-of-range concurrency is refused in words and cannot be sent.
    await dialog.getByLabel("Concurrency").fill("11");
    await dialog.getByText("Concurrency must be a whole number from 1 to 10.").waitFor();
    expect(await dialog.getByRole("button", { name: "Start production run" }).isDisabled()).toBe(true);
    await dialog.getByLabel("Concurrency").fill("2");
    await dialog.getByText("Test run", { exact: true }).click();
    await dialog.getByLabel("Sample size").fill("2");
    await page.waitForFunction(() =>
      /^Test 2 jobs\?/.test(document.querySelector('[data-testid="estimate"]')?.textContent ?? ""),
    );

    // Confirm starts the run (once, even on a double click) and goes to its live view.
    await dialog.getByRole("button", { name: "Start test run" }).dblclick();
    await page.waitForURL(/\/executions\/[^/]+\/live$/);
    const executionId = page.url().match(/executions\/([^/]+)\/live$/)![1]!;
    expect(await page.evaluate(() => localStorage.getItem("test:notification-asks"))).toBe("1");
    const { executions } = await json<{
      executions: { id: string; mode: string; sampleSize: number | null; concurrency: number; totalJobs: number }[];
    }>(await fetch(`${server.url}/api/batches/${batchUrl.split("/").pop()}/executions`));
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ id: executionId, mode: "test", concurrency: 2, totalJobs: 2 });

    // The live view follows the run to its end, and the export holds the uploaded rows with their results.
    await page.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    expect((await page.getByTestId("completion-card").locator("h2").textContent())?.replace(/\s+/g, " ")).toMatch(
      /Execution complete — 2 completed, 0 failed/,
    );
    const csvHref = await page.getByRole("link", { name: "Export CSV" }).first().getAttribute("href");
    const exported = await (await fetch(new URL(csvHref!, server.url))).text();
    const [header, ...rows] = Papa.parse<string[]>(exported.trim()).data;
    expect(header!.slice(0, 5)).toEqual(["name", "website", "notes", "status", "error"]);
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ["Acme, Inc", "example.com", "first", "completed"],
      ["Beta", "https://beta.example.org/x?y=1", "two\r\nlines", "completed"],
    ]);

    // Back on the batch page, the run is listed with its status and links; the project lists the batch.
    await page.goto(batchUrl);
    const runs = page.getByRole("region", { name: "Runs", exact: true });
    await runs.getByText("Test run 1").waitFor();
    await runs.getByRole("link", { name: "Live view of Test run 1" }).waitFor();
    expect(await runs.getByRole("link", { name: "Results of Test run 1" }).getAttribute("href")).toMatch(
      new RegExp(`/executions/${executionId}/results$`),
    );
    await expectAccessible(page, "batch (with a run)");

    await page.goto(projectUrl);
    await page.getByRole("link", { name: /messy-prices/ }).waitFor();
    expect(await page.getByRole("link", { name: /messy-prices/ }).textContent()).toMatch(/4 rows/);
    await expectAccessible(page, "project (with a batch)");

    await page.goto(server.url);
    await page.getByRole("link", { name: /Price watch/ }).waitFor();
    await expectAccessible(page, "home (with a project)");

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("pages through inputs with Next and Previous", async () => {
    const { projectId, batchId } = await seedBatch(60);
    const { context, page } = await newPage();
    await page.goto(`${server.url}/projects/${projectId}/batches/${batchId}`);
    const inputs = page.getByRole("region", { name: "Inputs of this batch" });
    await page.getByText("Rows 1–25 of 60").waitFor();
    expect(await inputs.locator("tbody tr").count()).toBe(25);
    const next = page.getByRole("button", { name: "Next" });
    const previous = page.getByRole("button", { name: "Previous" });
    expect(await previous.isDisabled()).toBe(true);
    await next.click();
    await page.getByText("Rows 26–50 of 60").waitFor();
    await inputs.getByText("https://example.com/p/26", { exact: true }).waitFor();
    await next.click();
    await page.getByText("Rows 51–60 of 60").waitFor();
    expect(await inputs.locator("tbody tr").count()).toBe(10);
    await page.waitForFunction(() => document.querySelector("button[aria-busy]") === null);
    expect(await next.isDisabled()).toBe(true);
    await previous.click();
    await page.getByText("Rows 26–50 of 60").waitFor();
    await previous.click();
    await page.getByText("Rows 1–25 of 60").waitFor();
    await inputs.getByText("https://example.com/p/1", { exact: true }).waitFor();
    await context.close();
  });

  it("shows the server's message when a CSV has no usable row, and not-found pages for unknown ids", async () => {
    const { context, page } = await newPage();
    const { project } = await json<{ project: { id: string } }>(
      await fetch(`${server.url}/api/projects`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Bad files" }),
      }),
    );
    await page.goto(`${server.url}/projects/${project.id}/batches/new`);
    // This time the file is dropped on the drop zone.
    await page.getByTestId("csv-dropzone").waitFor();
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(
        new File(["name,notes\nAlpha,no url here\nBeta,none either\n"], "nothing.csv", { type: "text/csv" }),
      );
      const zone = document.querySelector('[data-testid="csv-dropzone"]')!;
      for (const type of ["dragenter", "dragover", "drop"])
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await page.getByRole("region", { name: /Preview of the first/ }).waitFor();
    await page.getByRole("button", { name: "Create batch" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "The batch was not created" });
    await alert.waitFor();
    // The API's own words (400 invalid_csv): no column holds URLs.
    expect(await alert.textContent()).toMatch(/URL/);
    await expectAccessible(page, "new batch (server error)");

    await page.goto(`${server.url}/projects/does-not-exist`);
    await page.getByText("This project does not exist").waitFor();
    await page.goto(`${server.url}/projects/${project.id}/batches/does-not-exist`);
    await page.getByText("This batch does not exist").waitFor();
    await expectAccessible(page, "batch (not found)");
    await context.close();
  });

  it("fits a phone screen and stays accessible there", async () => {
    const { projectId, batchId } = await seedBatch(8);
    const { context, page } = await newPage(390);
    for (const [where, url] of [
      ["home", server.url],
      ["project", `${server.url}/projects/${projectId}`],
      ["new batch", `${server.url}/projects/${projectId}/batches/new`],
      ["batch", `${server.url}/projects/${projectId}/batches/${batchId}`],
    ] as const) {
      await page.goto(url);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.waitForFunction(
        () => !document.querySelector('[role="status"] .animate-pulse, [aria-hidden="true"].animate-pulse'),
      );
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${where} scrolls sideways at 390px`).toBeLessThanOrEqual(0);
      await expectAccessible(page, `${where} at 390px`);
    }
    await context.close();
  });
});

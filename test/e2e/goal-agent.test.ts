// The goal-driven agent in the UI, in real Chromium against the real server: the batch form's engine choice (and its
// settings), the Execute dialog's spend cap, cards narrating each action with the model's reason, spend climbing, the
// budget pause in two tabs, raising the cap, answers in the results, the job's transcript and usage. The model is a
// local test double of an OpenAI-compatible server (test/helpers/fake-llm.ts) whose scripted policy reads the page the
// agent sent; the shop is the app's own demo under /demo.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryEstimate, PRODUCTS } from "@/server/demo/catalog";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible } from "../helpers/e2e";
import { deliveryEstimatePolicy, type FakeLlm, startFakeLlm } from "../helpers/fake-llm";
import { type RunningServer, startServer } from "../helpers/server";

const MODEL = "fake-model";
// Every answer counts 20,000 tokens in and 400 out: at $5 / $25 per million, $0.11 a model call.
const USAGE = { prompt_tokens: 20_000, completion_tokens: 400 };
const PRICES = { [MODEL]: { inputPerMillion: 5, outputPerMillion: 25 } };
const COST_PER_CALL = 0.11;
// Choose 2, type the postcode, press "Estimate delivery", answer: four calls a row.
const CALLS_PER_ROW = 4;
const CAP = 0.5;
const POSTCODES = ["SW1A 1AA", "EH1 1YZ", "M1 1AE", "CF10 1EP"];
const GOAL = "Find the delivery estimate for a 2-item order to {{postcode}}: working days and shipping cost";
const ROWS = PRODUCTS.filter((p) => p.stock > 0)
  .slice(0, 4)
  .map((product, i) => ({ id: `G-${i + 1}`, product, postcode: POSTCODES[i]! }));
/** Where to save screenshots of the new states (docs/screenshots), when set. */
const SHOTS = process.env.E2E_SCREENSHOTS_DIR;

let llm: FakeLlm;
let server: RunningServer;
let bare: RunningServer;
let browser: Browser;

beforeAll(async () => {
  llm = await startFakeLlm({ policy: deliveryEstimatePolicy(), usage: () => USAGE, delayMs: 600 });
  [server, bare, browser] = await Promise.all([
    startServer({ LLM_BASE_URL: llm.baseURL, LLM_MODEL: MODEL, LLM_PRICES: JSON.stringify(PRICES) }),
    startServer(),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), bare?.stop()]);
  await llm?.close();
});

async function newPage(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(url);
  return page;
}

/** A dialog's overlay covers the viewport only: those are taken as the viewport shows them. */
async function shot(page: Page, name: string, fullPage = true) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `goal-${name}.png`), fullPage });
}

/** What the agent cards said, every step with its reason as it was shown: the page records it as it changes. */
type Narration = { step: string; reason: string }[];
declare function narration(): Narration;

async function recordNarration(page: Page) {
  await page.evaluate(() => {
    const seen: Narration = [];
    Object.assign(window, { narration: () => seen });
    const record = () => {
      for (const card of document.querySelectorAll('[data-testid="agent-card"]')) {
        const step = card.querySelector('[data-testid="agent-step"]')?.textContent ?? "";
        const reason = card.querySelector('[data-testid="agent-reason"]')?.textContent ?? "";
        if (!seen.some((s) => s.step === step && s.reason === reason)) seen.push({ step, reason });
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    record();
  });
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().textContent()) ?? "";
const dollars = (shown: string) => Number(shown.replace(/[$,]/g, ""));
const csvOf = (origin: string) =>
  [
    "id,url,goal,postcode",
    ...ROWS.map((r) => `${r.id},${origin}/demo/products/${r.product.slug},"${GOAL}",${r.postcode}`),
  ].join("\n");

async function uploadCsv(page: Page, csv: string) {
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "shop-goals.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  await page.getByRole("region", { name: /Preview of the first/ }).waitFor();
}

describe("the goal-driven agent in the UI", () => {
  it("is shown but disabled, with what to set, when the server has no model", async () => {
    const { project } = await apiOf(bare.url).post<{ project: { id: string } }>("/api/projects", { name: "No model" });
    const page = await newPage(`${bare.url}/projects/${project.id}/batches/new`);
    await uploadCsv(page, csvOf(bare.url));
    const engine = page.getByRole("radio", { name: /Goal-driven agent/ });
    await page
      .getByTestId("engine-agent")
      .getByText(/Point the agent engine at a model: set LLM_BASE_URL/)
      .waitFor();
    expect(await engine.isDisabled()).toBe(true);
    expect(await page.getByRole("radio", { name: /Browser/ }).isChecked()).toBe(true);
    await expectAccessible(page, "new batch, agent engine unavailable");
    await shot(page, "engine-disabled");
    await page.context().close();
  });

  it("runs a goal batch live: narrated steps, spend, the budget pause in two tabs, a raised cap, answers, transcript", async () => {
    const { post, get } = apiOf(server.url);
    const { project } = await post<{ project: { id: string } }>("/api/projects", { name: "Shop questions" });

    // The batch, through the form: the engine with its settings and the answer's fields.
    const page = await newPage(`${server.url}/projects/${project.id}/batches/new`);
    await uploadCsv(page, csvOf(server.url));
    expect(await page.getByLabel("Goal column").inputValue()).toBe("goal");
    await page.getByText("Goal-driven agent", { exact: true }).click();
    expect(await page.getByLabel("Model", { exact: true }).getAttribute("placeholder")).toBe(MODEL);
    await page.getByLabel("Goal column").selectOption("");
    await page.getByText(/The goal-driven agent needs one/).waitFor();
    await page.getByLabel("Goal column").selectOption("goal");
    await page.getByLabel("Max steps").fill("8");
    const fields: [string, string][] = [
      ["price", "number"],
      ["inStock", "boolean"],
      ["deliveryDays", "integer"],
      ["shipping", "number"],
    ];
    for (const [i, [name, type]] of fields.entries()) {
      await page.getByRole("button", { name: "Add a field" }).click();
      await page.getByLabel(`Field ${i + 1} name`).fill(name);
      await page.getByLabel(`Field ${i + 1} type`).selectOption(type);
    }
    await expectAccessible(page, "new batch, goal-driven agent settings");
    await shot(page, "batch-form");
    await page.getByRole("button", { name: "Create batch" }).click();
    await page.getByRole("heading", { name: /created/ }).waitFor();
    await page.getByRole("link", { name: "Open batch" }).click();
    await page.waitForURL((url) => /\/batches\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
    const batchId = page.url().split("/").pop()!;
    const { batch } = await get<{ batch: { goalColumn: string; agent: Record<string, unknown> } }>(
      `/api/batches/${batchId}`,
    );
    expect(batch.goalColumn).toBe("goal");
    expect(batch.agent).toMatchObject({
      engine: "agent",
      timeoutMs: 180_000,
      agent: { maxSteps: 8, outputSchema: fields.map(([name, type]) => ({ name, type })) },
    });

    // Execute with a spend cap: the estimate says it rests on the settings (nothing of this batch has run).
    await page.getByRole("button", { name: "Execute Batch" }).click();
    const dialog = page.getByRole("dialog", { name: "Execute batch" });
    await dialog.getByText("Production", { exact: true }).click();
    await dialog.getByLabel("Concurrency").fill("2");
    await dialog.getByLabel("Spend cap (USD)").fill("abc");
    await dialog.getByText(/The spend cap must be an amount of dollars/).waitFor();
    await dialog.getByLabel("Spend cap (USD)").fill(String(CAP));
    await dialog
      .getByTestId("estimate-basis")
      .getByText(/Based on the batch's settings/)
      .waitFor();
    await expectAccessible(page, "execute dialog, goal batch");
    await shot(page, "execute-dialog", false);
    await dialog.getByRole("button", { name: "Start production run" }).click();
    await page.waitForURL(/\/executions\/[^/]+\/live$/);
    const executionId = page.url().match(/executions\/([^/]+)\/live$/)![1]!;
    await recordNarration(page);
    const other = await newPage(page.url());

    // Cards narrate each action with the model's reason (the page records what they said, as reports of a step can
    // be short-lived); spend climbs from the running jobs' reports.
    const narrated = async (step: RegExp, reason: RegExp) =>
      page.waitForFunction(
        ([s, r]) => narration().some((seen) => new RegExp(s).test(seen.step) && new RegExp(r).test(seen.reason)),
        [step.source, reason.source],
      );
    await narrated(/^Current step: Choosing ‘2’ in ‘Quantity’$/, /^Why: The goal asks about 2 items$/);
    await narrated(/^Current step: Typing ‘[A-Z0-9 ]+’ into ‘Postcode’$/, /^Why: The estimate depends on the postcode/);
    await narrated(
      /^Current step: Clicking ‘Estimate delivery’$/,
      /^Why: The form shows the estimate once it is sent$/,
    );
    const reason = page.getByTestId("agent-reason").first();
    expect(await reason.getAttribute("title")).toBe((await reason.textContent())?.replace(/^Why: /, ""));
    await page.getByTestId("spend-card").waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-spend"]')?.textContent !== "$0.00");
    const early = dollars(await text(page, "stat-spend"));
    expect(early).toBeGreaterThan(0);
    expect(await text(page, "stat-cap")).toBe("of $0.50 cap");
    await shot(page, "live-narration");

    // The cap is reached: the run pauses itself, and both tabs say so within seconds.
    const banner = /^Paused: the \$0\.50 spend cap is reached — \$\d+\.\d\d spent/;
    await page.getByTestId("budget-banner").getByText(banner).waitFor({ timeout: 30_000 });
    const seenAt = Date.now();
    await other.getByTestId("budget-banner").getByText(banner).waitFor({ timeout: 5_000 });
    expect(Date.now() - seenAt).toBeLessThan(5_000);
    const paused = await get<{ execution: { status: string; pauseReason: string; spend: { costUsd: number } } }>(
      `/api/executions/${executionId}`,
    );
    expect(paused.execution).toMatchObject({ status: "paused", pauseReason: "budget reached" });
    expect(paused.execution.spend.costUsd).toBeGreaterThanOrEqual(CAP);
    expect(dollars(await text(page, "stat-spend"))).toBeGreaterThan(early);
    await expectAccessible(other, "live view, budget pause banner");
    await shot(other, "budget-pause");

    // Resume asks for a higher cap: too low is refused here, a refusal of the server is shown in its words.
    await page.getByRole("button", { name: "Resume" }).click();
    const resume = page.getByRole("dialog", { name: "Raise the spend cap?" });
    await resume.getByLabel("New spend cap (USD)").fill("0.10");
    await resume.getByRole("button", { name: "Raise and resume" }).click();
    await resume.getByText(/Enter an amount of dollars greater than the \$\d+\.\d\d already spent/).waitFor();
    const refusal = "The execution has spent $0.88 of its $0.90 budget: resume with a higher maxCost";
    await page.route("**/api/executions/*/resume", (route) =>
      route.fulfill({
        status: 409,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "invalid_state", message: refusal } }),
      }),
    );
    await resume.getByLabel("New spend cap (USD)").fill("5");
    await resume.getByRole("button", { name: "Raise and resume" }).click();
    await resume.getByRole("alert").filter({ hasText: refusal }).waitFor();
    await expectAccessible(page, "raise the spend cap dialog");
    await shot(page, "resume-dialog", false);
    await page.unroute("**/api/executions/*/resume");
    await resume.getByRole("button", { name: "Raise and resume" }).click();
    await resume.waitFor({ state: "detached" });

    // It runs to the end under the new cap, in both tabs.
    for (const tab of [page, other]) await tab.getByTestId("completion-card").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("budget-banner").count()).toBe(0);
    const done = await get<{
      execution: { status: string; maxCost: number; spend: { costUsd: number; inputTokens: number } };
    }>(`/api/executions/${executionId}`);
    expect(done.execution).toMatchObject({ status: "completed", maxCost: 5 });
    const calls = ROWS.length * CALLS_PER_ROW;
    expect(done.execution.spend.costUsd).toBeCloseTo(calls * COST_PER_CALL, 6);
    expect(done.execution.spend.inputTokens).toBe(calls * USAGE.prompt_tokens);
    for (const tab of [page, other]) {
      expect(await text(tab, "stat-spend")).toBe(`$${(calls * COST_PER_CALL).toFixed(2)}`);
      expect(await text(tab, "stat-tokens")).toBe(`${(calls * 20).toFixed(0)}k / ${(calls * 0.4).toFixed(1)}k`);
    }
    await other.context().close();

    // The answers are the results' columns.
    const table = page.getByTestId("results-table");
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="result-row"]').length === n,
      ROWS.length,
    );
    for (const name of ["price", "inStock", "deliveryDays", "shipping"])
      await table.getByRole("columnheader", { name }).waitFor();
    for (const row of ROWS) {
      const estimate = deliveryEstimate(row.product, 2)!;
      const cells = await table.getByTestId("result-row").filter({ hasText: row.id }).first().textContent();
      expect(cells).toContain(String(estimate.days));
      expect(cells).toContain(String(estimate.costCents / 100));
    }
    await shot(page, "live-complete");

    // The job page: the model's usage and the transcript, step by step.
    await table.getByTestId("result-row").filter({ hasText: "G-1" }).first().getByRole("link").first().click();
    await page.getByTestId("transcript").waitFor();
    const steps = page.getByTestId("transcript-step");
    expect(await steps.count()).toBe(CALLS_PER_ROW);
    expect(await steps.nth(0).textContent()).toContain("The goal asks about 2 items");
    expect(await steps.nth(3).textContent()).toMatch(/answer/);
    expect(await steps.nth(3).textContent()).toContain("20,000 in · 400 out");
    expect(await text(page, "job-tokens")).toBe("80,000 in · 1,600 out");
    expect(await text(page, "job-cost")).toBe("$0.44");
    await page.getByText(MODEL, { exact: true }).first().waitFor();
    await expectAccessible(page, "job page with the transcript");
    await shot(page, "job-transcript");

    // The next estimate of this batch rests on what its finished jobs took and spent.
    await page.goto(`${server.url}/projects/${project.id}/batches/${batchId}`);
    await page.getByRole("button", { name: "Execute Batch" }).click();
    const again = page.getByRole("dialog", { name: "Execute batch" });
    await again.getByTestId("estimate-basis").getByText("Based on this batch's finished jobs").waitFor();
    expect(dollars((await again.getByTestId("estimate").textContent())!.match(/\$\d[\d,]*\.\d\d/)![0])).toBeGreaterThan(
      0,
    );
    await page.context().close();
  });
});

// The batch page's agent config in real Chromium against the real server and the bundled Demo: edit a field's
// selector, "Try on row 3" shows what the edited config extracts there (no run appears), save → version 2 in the
// history and as the batch's config; the next run says it runs version 2. Behaviour only, no timings.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { apiOf, expectAccessible, screenshotIfAsked } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;

interface Field {
  name: string;
  selector: string;
}
interface Preview {
  extractedData: Record<string, unknown> | null;
}

const api = () => apiOf(server.url);

const shot = screenshotIfAsked;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ SEED_DEMO: "true" }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("agent config on the Demo batch", () => {
  it("edits a field's selector, tries it on row 3, and saves it as version 2", async () => {
    const { projects } = await api().get<{ projects: { id: string; name: string }[] }>("/api/projects");
    const demo = projects.find((p) => p.name === "Demo")!;
    const { batches } = await api().get<{ batches: { id: string; agent: { engine: string; fields: Field[] } }[] }>(
      `/api/projects/${demo.id}/batches`,
    );
    const batch = batches.find((b) => b.agent.engine !== "agent")!;
    const priceIndex = batch.agent.fields.findIndex((f) => f.name === "price");
    expect(priceIndex).toBeGreaterThanOrEqual(0);
    // What row 3 is called, as the saved config reads it: the edited price field will read the same heading.
    const { preview: saved } = await api().post<{ preview: Preview }>(`/api/batches/${batch.id}/preview`, {
      rowIndex: 3,
    });
    const productName = String(saved.extractedData?.name);
    expect(productName).not.toBe("");
    expect(saved.extractedData?.price).toMatch(/^\$/);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${server.url}/projects/${demo.id}/batches/${batch.id}`);
    const section = page.getByRole("region", { name: "Agent config" });
    await section.getByTestId("config-version-1").waitFor();
    await expectAccessible(page, "batch page with its agent config");
    await shot(page, "config-1-batch-page");

    const selector = section.getByLabel(`Field ${priceIndex + 1} selector`);
    expect(await selector.inputValue()).toBe(".price");
    await selector.fill("h1");
    await section.getByRole("button", { name: "Try on row 3" }).click();
    const price = section.getByTestId("preview-field-price");
    await price.waitFor();
    expect((await price.locator("td").first().textContent())?.trim()).toBe(productName);
    await expect(section.getByText("Row 3 · unsaved config").count()).resolves.toBe(1);
    await expectAccessible(page, "agent config with a preview");
    await shot(page, "config-2-preview");

    await section.getByRole("button", { name: "Save as version 2" }).click();
    await section.getByText("Saved as version 2").waitFor();
    const v2 = section.getByTestId("config-version-2");
    await v2.waitFor();
    expect(await v2.textContent()).toContain("price: .price → h1");
    await section.getByRole("button", { name: "Save as version 3" }).waitFor();
    await shot(page, "config-3-saved");

    const { versions } = await api().get<{ versions: { version: number; config: { fields: Field[] } }[] }>(
      `/api/batches/${batch.id}/configs`,
    );
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[0]!.config.fields[priceIndex]!.selector).toBe("h1");
    // A preview is no run: the batch has none.
    const { executions } = await api().get<{ executions: unknown[] }>(`/api/batches/${batch.id}/executions`);
    expect(executions).toEqual([]);

    // A run started now runs version 2, and the runs list says so.
    await api().post(`/api/batches/${batch.id}/executions`, { mode: "test", sampleSize: 1, concurrency: 1 });
    await page.reload();
    await page.getByText(/1 job · config v2 · concurrency 1/).waitFor();
    await shot(page, "config-4-run-list");
    await context.close();
  });
});

// The README's picture: the seeded Demo batch running with real Chromium agents, mid-run, at 1280 px.
//   npx tsx scripts/screenshot-demo.ts
import { execSync } from "node:child_process";
import path from "node:path";
import { launchBrowser } from "../test/helpers/browser";
import { apiOf } from "../test/helpers/e2e";
import { startServer } from "../test/helpers/server";

const root = path.resolve(import.meta.dirname, "..");

async function main() {
  execSync("node scripts/ensure-build.mjs", { cwd: root, stdio: "inherit" });
  const server = await startServer({ SEED_DEMO: "true" });
  const browser = await launchBrowser();
  try {
    const api = apiOf(server.url);
    const { projects } = await api.get<{ projects: { id: string; name: string }[] }>("/api/projects");
    const demo = projects.find((p) => p.name === "Demo")!;
    const { batches } = await api.get<{ batches: { id: string }[] }>(`/api/projects/${demo.id}/batches`);
    const batch = batches[0]!;
    const { execution } = await api.post<{ execution: { id: string } }>(`/api/batches/${batch.id}/executions`, {
      mode: "production",
      concurrency: 6,
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/projects/${demo.id}/batches/${batch.id}/executions/${execution.id}/live`);
    // Wait until the cards show real thumbnails and a few results are in.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="agent-card"] img').length >= 4,
      undefined,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(2500);
    await page.screenshot({ path: path.join(root, "docs", "screenshots", "live-demo-1280.png"), fullPage: true });
    console.log("wrote docs/screenshots/live-demo-1280.png");
  } finally {
    await browser.close();
    await server.stop();
  }
}

void main();

import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const axePath = path.resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js");

/** Runs axe-core on the page as it is now and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, where: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe-core's global has no types in the page
    const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map(
      (v: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      }),
    );
  });
  const serious = (violations as { impact: string | null }[]).filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious, `${where}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** JSON calls to a running server's API that fail loudly with the server's answer. */
export function apiOf(baseUrl: string) {
  const check = async <T>(path: string, res: Response): Promise<T> => {
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    post: async <T>(path: string, body: unknown) =>
      check<T>(
        path,
        await fetch(baseUrl + path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      ),
    get: async <T>(path: string) => check<T>(path, await fetch(baseUrl + path)),
  };
}

export interface SimulatedRun {
  projectId: string;
  batchId: string;
  executionId: string;
  live: string;
  results: string;
}

/** A project, a batch of `rows` simulated inputs, and a running production execution of it. */
export async function startSimulatedRun(
  baseUrl: string,
  rows: number,
  simulate: { durationMs: number; failRate: number },
  concurrency = 5,
  projectName = "E2E",
): Promise<SimulatedRun> {
  const { post } = apiOf(baseUrl);
  const { project } = await post<{ project: { id: string } }>("/api/projects", { name: projectName });
  const csv = [
    "url,name",
    ...Array.from({ length: rows }, (_, i) => `https://site${i + 1}.example.com/page,Row ${i + 1}`),
  ].join("\n");
  const { batch } = await post<{ batch: { id: string } }>(`/api/projects/${project.id}/batches`, {
    name: "rows.csv",
    csv,
    agent: { engine: "simulated", simulate },
  });
  const { execution } = await post<{ execution: { id: string } }>(`/api/batches/${batch.id}/executions`, {
    mode: "production",
    concurrency,
  });
  const base = `${baseUrl}/projects/${project.id}/batches/${batch.id}/executions/${execution.id}`;
  return {
    projectId: project.id,
    batchId: batch.id,
    executionId: execution.id,
    live: `${base}/live`,
    results: `${base}/results`,
  };
}

/** Polls an execution until it is completed or stopped (60 s at most) and answers it as the API does. */
export async function untilFinished<T extends { status: string }>(baseUrl: string, executionId: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const { execution } = await apiOf(baseUrl).get<{ execution: T }>(`/api/executions/${executionId}`);
    if (execution.status === "completed" || execution.status === "stopped") return execution;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`execution ${executionId} did not finish`);
}

/** A full-page screenshot named `name`, when SCREENSHOT_DIR asks for them. */
export async function screenshotIfAsked(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

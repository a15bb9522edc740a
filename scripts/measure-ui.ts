// Measures the Live Execution Viewer in real headless Chromium against a real server (fresh data folder):
//  1. time to a usable live view on a 1,000-job execution (navigation start -> stats, agent cards and a live
//     connection on screen),
//  2. frames per second (a requestAnimationFrame counter) and the longest main-thread task (PerformanceObserver
//     "longtask") while those 1,000 jobs stream (10 agents, 100 ms per job: events every few ms),
//  3. the page's JS heap (after a forced GC) once 10,000 results have streamed into the open live view.
//   npx tsx scripts/measure-ui.ts [--jobs 1000] [--results 10000]
import { execSync } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser";
import { type RunningServer, startServer } from "../test/helpers/server";

const root = path.resolve(import.meta.dirname, "..");
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const JOBS = arg("jobs", 1000);
const RESULTS = arg("results", 10_000);

let server: RunningServer;

async function post<T>(p: string, body: unknown): Promise<T> {
  const res = await fetch(server.url + p, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function createBatch(rows: number, durationMs: number) {
  const { project } = await post<{ project: { id: string } }>("/api/projects", { name: `Measure ${rows}` });
  const csv = [
    "url,name,category",
    ...Array.from(
      { length: rows },
      (_, i) => `https://site${i + 1}.example.com/products/${i + 1},Product ${i + 1},cat-${i % 7}`,
    ),
  ].join("\n");
  const { batch } = await post<{ batch: { id: string } }>(`/api/projects/${project.id}/batches`, {
    name: `${rows} rows`,
    csv,
    agent: { engine: "simulated", simulate: { durationMs, failRate: 0.05 } },
  });
  return { projectId: project.id, batchId: batch.id };
}

async function startExecution(b: { projectId: string; batchId: string }) {
  const { execution } = await post<{ execution: { id: string } }>(`/api/batches/${b.batchId}/executions`, {
    mode: "production",
    concurrency: 10,
  });
  return `${server.url}/projects/${b.projectId}/batches/${b.batchId}/executions/${execution.id}/live`;
}

/**
 * Counts frames and long tasks from the first script on. A string, not a function: tsx wraps nested functions in
 * a helper (__name) that does not exist in the page.
 */
const INSTRUMENT = `
  window.__frames = [];
  window.__longTasks = [];
  window.__marks = {};
  const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {}
  const watch = () => {
    const m = window.__marks;
    if (!m.stats && document.querySelector('[data-testid="stat-progress"]')) m.stats = performance.now();
    if (!m.live && document.querySelector('[data-connection="live"]')) m.live = performance.now();
    if (!m.cards && document.querySelector('[data-testid="agent-card"]')) m.cards = performance.now();
    if (!(m.stats && m.live && m.cards)) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
`;

const resultCount = (page: Page) =>
  page.evaluate(() => Number(document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count") ?? 0));

async function measureStreaming(browser: Browser) {
  const batch = await createBatch(JOBS, 100);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript({ content: INSTRUMENT });
  const page = await context.newPage();
  const url = await startExecution(batch);
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(
    () => {
      const m = (window as unknown as { __marks: Record<string, number> }).__marks;
      return Boolean(m.stats && m.live && (m.cards || document.querySelector('[data-testid="completion-card"]')));
    },
    undefined,
    { timeout: 120_000 },
  );
  const marks = await page.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);
  const usable = Math.max(marks.stats ?? 0, marks.live ?? 0, marks.cards ?? 0);
  const windowStart = await page.evaluate(() => performance.now());
  await page.getByTestId("completion-card").waitFor({ timeout: 600_000 });
  const windowEnd = await page.evaluate(() => performance.now());
  const finalCount = await resultCount(page);
  const network = await page.evaluate((statsAt) => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const api = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((r) =>
      r.name.includes("/api/"),
    );
    const snapshot = api.filter((r) => r.responseEnd <= statsAt);
    return {
      htmlMs: nav ? nav.responseEnd : NaN,
      snapshotDoneMs: snapshot.reduce((m, r) => Math.max(m, r.responseEnd), 0),
      jobListRequests: api.filter((r) => r.name.includes("/jobs?")).length,
    };
  }, marks.stats ?? 0);
  const { fps, worstSecondFps, longest, longTasks } = await page.evaluate(
    ([from, to]) => {
      const w = window as unknown as { __frames: number[]; __longTasks: { start: number; duration: number }[] };
      const frames = w.__frames.filter((t) => t >= from && t <= to);
      const perSecond = new Map<number, number>();
      for (const t of frames) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
      const full = [...perSecond.entries()].filter(([s]) => s * 1000 >= from && (s + 1) * 1000 <= to).map(([, n]) => n);
      const tasks = w.__longTasks.filter((t) => t.start >= from && t.start <= to);
      return {
        fps: (frames.length / (to - from)) * 1000,
        worstSecondFps: full.length ? Math.min(...full) : NaN,
        longest: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
        longTasks: tasks.length,
      };
    },
    [windowStart, windowEnd] as const,
  );
  await context.close();
  return {
    usable,
    marks,
    network,
    streamSeconds: (windowEnd - windowStart) / 1000,
    fps,
    worstSecondFps,
    longest,
    longTasks,
    finalCount,
  };
}

async function measureHeap(browser: Browser) {
  const batch = await createBatch(RESULTS, 0);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const url = await startExecution(batch);
  await page.goto(url);
  await page.getByTestId("completion-card").waitFor({ timeout: 1_800_000 });
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="results-count"]')?.getAttribute("data-count") === String(n),
    RESULTS,
    { timeout: 120_000 },
  );
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
  const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  // Scrolling the 10,000 rows: frames during a fling to the bottom (a string: see INSTRUMENT).
  const scrollFps = (await page.evaluate(`(async () => {
    const region = document.querySelector('[data-testid="results-table"]').closest('[role="region"]');
    let frames = 0;
    const start = performance.now();
    await new Promise((resolve) => {
      const step = () => {
        frames++;
        region.scrollTop += 400;
        if (region.scrollTop + region.clientHeight >= region.scrollHeight - 1 || performance.now() - start > 5000) resolve();
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    return (frames / (performance.now() - start)) * 1000;
  })()`)) as number;
  await context.close();
  return { usedMiB: heap.usedSize / 1048576, totalMiB: heap.totalSize / 1048576, domNodes, scrollFps };
}

async function main() {
  execSync("node scripts/ensure-build.mjs", { cwd: root, stdio: "inherit" });
  server = await startServer({ LOG_LEVEL: "warn" });
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const s = await measureStreaming(browser);
    console.log(`\nLive view, ${JOBS} jobs (10 agents, simulated 100 ms each, 5 % failures), headless Chromium:`);
    console.log(
      `  time to a usable live view:   ${s.usable.toFixed(0)} ms (navigation start -> stats, agent cards and "Live" all on screen)`,
    );
    console.log(
      `    stats ${s.marks.stats?.toFixed(0)} ms, "Live" ${s.marks.live?.toFixed(0)} ms, first agent card ${s.marks.cards?.toFixed(0)} ms`,
    );
    console.log(
      `    of which: page HTML received ${s.network.htmlMs.toFixed(0)} ms, REST calls before the stats showed answered by ${s.network.snapshotDoneMs.toFixed(0)} ms`,
    );
    console.log(`  job-list requests by the page: ${s.network.jobListRequests} (snapshot + results table + catch-ups)`);
    console.log(
      `  streaming window:             ${s.streamSeconds.toFixed(1)} s, ${s.finalCount} rows in the table at the end`,
    );
    console.log(
      `  frames per second:            ${s.fps.toFixed(1)} average, ${Number.isNaN(s.worstSecondFps) ? "n/a" : s.worstSecondFps} in the worst full second`,
    );
    console.log(`  longest main-thread task:     ${s.longest.toFixed(0)} ms (${s.longTasks} tasks over 50 ms)`);
    if (RESULTS > 0) {
      const h = await measureHeap(browser);
      console.log(`\nLive view after ${RESULTS} results streamed in:`);
      console.log(
        `  JS heap after GC:             ${h.usedMiB.toFixed(1)} MiB used (${h.totalMiB.toFixed(1)} MiB allocated)`,
      );
      console.log(`  DOM elements:                 ${h.domNodes}`);
      console.log(`  scrolling the table:          ${h.scrollFps.toFixed(1)} frames per second`);
    }
  } finally {
    await browser?.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

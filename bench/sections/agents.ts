import { execFile, fork } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { PRODUCTS } from "@/server/demo/catalog";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

export interface AgentRow {
  system: "fleetdeck" | "crawlee";
  engine: "browser" | "http";
  concurrency: number;
  pages: number;
  pagesPerSec: number;
  failed: number;
  peakRssMb: number;
  peakPssMb: number;
}

/**
 * fleetdeck's engines through scripts/measure-agents.ts (the agents' own measuring script, called as is), and
 * Crawlee's PlaywrightCrawler / CheerioCrawler through bench/sections/crawlee-run.ts on the same demo pages
 * (served by measure-agents' own --serve child, staged delays off), one child process per measurement.
 */
export async function measureFleetdeckAgents(
  engine: "browser" | "http",
  pages: number,
  levels: number[],
): Promise<AgentRow[]> {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/measure-agents.ts",
      "--pages",
      String(pages),
      "--engines",
      engine,
      "--levels",
      levels.join(","),
    ],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    },
  );
  const rows: AgentRow[] = [];
  // "browser     5      0.5   12       0   25.85              2473 (261 + 2212)          788"
  for (const line of stdout.split("\n")) {
    const m = /^(http|browser)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+) \(.*?\)\s+([\d.]+|n\/a)/.exec(
      line.trim(),
    );
    if (!m) continue;
    rows.push({
      system: "fleetdeck",
      engine: m[1] as "browser" | "http",
      concurrency: Number(m[2]),
      pages,
      pagesPerSec: Number(m[3]),
      failed: Number(m[5]),
      peakRssMb: Number(m[7]),
      peakPssMb: m[8] === "n/a" ? NaN : Number(m[8]),
    });
  }
  if (rows.length !== levels.length)
    throw new Error(`measure-agents printed ${rows.length} rows for ${levels.length} levels:\n${stdout}`);
  return rows;
}

export async function withDemoSite<T>(fn: (urls: (pages: number) => string[]) => Promise<T>): Promise<T> {
  const server = fork(path.join(root, "scripts/measure-agents.ts"), ["--serve"], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  try {
    const port = await new Promise<number>((resolve) =>
      server.once("message", (m: { port: number }) => resolve(m.port)),
    );
    // The same URL list measure-agents builds: product pages in catalogue order, cycling.
    return await fn((pages) =>
      Array.from(
        { length: pages },
        (_, i) => `http://127.0.0.1:${port}/demo/products/${PRODUCTS[i % PRODUCTS.length]!.slug}`,
      ),
    );
  } finally {
    server.kill();
  }
}

export async function measureCrawlee(
  engine: "browser" | "http",
  urls: string[],
  levels: number[],
): Promise<AgentRow[]> {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/sections/crawlee-run.ts",
      engine === "browser" ? "playwright" : "cheerio",
      levels.join(","),
      ...urls,
    ],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    },
  );
  const rows = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map(
      (l) =>
        JSON.parse(l) as {
          concurrency: number;
          pagesPerSec: number;
          failed: number;
          peakRssMb: number;
          peakPssMb: number;
        },
    )
    .map(
      (r): AgentRow => ({
        system: "crawlee",
        engine,
        concurrency: r.concurrency,
        pages: urls.length,
        pagesPerSec: r.pagesPerSec,
        failed: r.failed,
        peakRssMb: r.peakRssMb,
        peakPssMb: r.peakPssMb,
      }),
    );
  if (rows.length !== levels.length)
    throw new Error(`crawlee-run printed ${rows.length} rows for ${levels.length} levels:\n${stdout}`);
  return rows;
}

/**
 * Measures the agent engines on the bundled demo site: N product pages through each engine at concurrency 1, 5 and
 * 10, printing pages/second and peak memory (this process + its Chromium processes, read from /proc).
 *
 *   npx tsx scripts/measure-agents.ts [--pages 48] [--engines http,browser] [--levels 1,5,10]
 *
 * The demo pages are served by a child process (so its memory is not counted), with the staged 4 s delay of the
 * two slow products turned off: this measures the engines, not the demo's theatre.
 */
import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import { agentConfigSchema } from "../src/lib/contract/agent";
import { browserAgent } from "../src/server/agents/browser";
import { chromiumProcessIds, closeBrowser } from "../src/server/agents/browser-pool";
import { findChromium } from "../src/server/agents/chromium";
import { httpAgent } from "../src/server/agents/http";
import type { Agent, AgentJob } from "../src/server/agents/types";
import { PRODUCTS } from "../src/server/demo/catalog";
import { demoResponse } from "../src/server/demo/pages";
import { allowDemoSite, demoAgentConfig } from "../src/server/demo/seed";

if (process.argv.includes("--serve")) {
  const server = createServer(async (req, res) => {
    const response = await demoResponse(new URL(req.url ?? "/", "http://127.0.0.1"), { slowMs: 0 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as { port: number }).port }));
} else {
  await main();
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function main() {
  const pages = Number(arg("pages", "48"));
  const engines = arg("engines", "http,browser").split(",");
  const levels = arg("levels", "1,5,10").split(",").map(Number);

  const server: ChildProcess = fork(new URL(import.meta.url).pathname, ["--serve"], {
    execArgv: ["--import", "tsx"],
    stdio: "inherit",
  });
  const port = await new Promise<number>((resolve) => server.once("message", (m: { port: number }) => resolve(m.port)));
  allowDemoSite(port);
  const urls = Array.from(
    { length: pages },
    (_, i) => `http://127.0.0.1:${port}/demo/products/${PRODUCTS[i % PRODUCTS.length]!.slug}`,
  );

  console.log(
    `fleetdeck agents on the demo site: ${pages} product pages, ${os.cpus().length} CPUs, Node ${process.version}, Chromium ${findChromium() ?? "not found"}`,
  );
  // Other work on the machine skews every number: say how busy it was.
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log("engine   conc  pages/s   ok  failed  wall s  peak RSS MB (node + chromium)  peak PSS MB");
  for (const engine of engines) {
    const agent: Agent = engine === "browser" ? browserAgent : httpAgent;
    // The same work as the peers: read the four page fields, without waiting for the demo's delivery widget.
    const demo = demoAgentConfig(engine as "browser" | "http");
    const config = agentConfigSchema.parse({
      ...demo,
      steps: [],
      fields: demo.fields?.filter((f) => f.name !== "delivery"),
    });
    // Warm-up (not measured): the first job launches Chromium, JIT-compiles the engine.
    await runOne(agent, urls[0]!, config);
    for (const concurrency of levels) {
      const sampler = startMemorySampler();
      const started = performance.now();
      let ok = 0;
      let failed = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < urls.length) {
            const url = urls[next++]!;
            try {
              await runOne(agent, url, config);
              ok++;
            } catch (e) {
              failed++;
              if (failed <= 3) console.error(`  ${engine} c=${concurrency}: ${(e as Error).message}`);
            }
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const peak = sampler.stop();
      console.log(
        `${engine.padEnd(8)} ${String(concurrency).padStart(4)}  ${(urls.length / seconds).toFixed(1).padStart(7)}  ${String(ok).padStart(3)}  ${String(failed).padStart(6)}  ${seconds.toFixed(2).padStart(6)}  ${`${peak.rssMb.toFixed(0)} (${peak.nodeMb.toFixed(0)} + ${peak.chromiumMb.toFixed(0)})`.padStart(29)}  ${peak.pssMb ? peak.pssMb.toFixed(0).padStart(11) : "n/a".padStart(11)}`,
      );
    }
    if (engine === "browser") await closeBrowser();
  }
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  server.kill();
}

async function runOne(agent: Agent, url: string, config: ReturnType<typeof agentConfigSchema.parse>) {
  const job: AgentJob = {
    id: "m",
    executionId: "m",
    inputId: "1",
    siteUrl: url,
    goal: null,
    row: { url },
    retryCount: 0,
  };
  let thumbnails = 0;
  await agent.run(job, {
    config,
    signal: AbortSignal.timeout(config.timeoutMs),
    progress: () => {},
    screenshot: () => void thumbnails++,
  });
}

/** Samples memory every 100 ms; RSS sums double-count memory Chromium's processes share, PSS does not. */
function startMemorySampler() {
  const peak = { rssMb: 0, nodeMb: 0, chromiumMb: 0, pssMb: 0 };
  const sample = () => {
    const node = kb(`/proc/${process.pid}/status`, "VmRSS") / 1024 || process.memoryUsage().rss / 2 ** 20;
    const chromium = chromiumProcessIds().all;
    const chromiumMb = chromium.reduce((sum, pid) => sum + kb(`/proc/${pid}/status`, "VmRSS"), 0) / 1024;
    const pssMb =
      [process.pid, ...chromium].reduce((sum, pid) => sum + kb(`/proc/${pid}/smaps_rollup`, "Pss"), 0) / 1024;
    if (node + chromiumMb > peak.rssMb) Object.assign(peak, { rssMb: node + chromiumMb, nodeMb: node, chromiumMb });
    peak.pssMb = Math.max(peak.pssMb, pssMb);
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

function kb(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(file, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

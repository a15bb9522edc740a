/**
 * Child process: Crawlee crawling the same demo pages that scripts/measure-agents.ts gives fleetdeck's engines,
 * extracting the same fields as the demo's agent config, with the machine's Chromium.
 *   tsx bench/sections/crawlee-run.ts <playwright|cheerio> <levels, e.g. 1,5,10> <url> [<url>…]
 * Prints one JSON line per level: { concurrency, pagesPerSec, ok, failed, seconds, peakRssMb, peakPssMb }.
 * A fresh crawler per level (its own browser), warmed up on one page that is not measured.
 * Memory is sampled like measure-agents: this process plus its Chromium processes, RSS and PSS from /proc.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { CheerioCrawler } from "@crawlee/cheerio";
import { Configuration, log, PlaywrightCrawler } from "@crawlee/playwright";
import { chromium } from "playwright";
import { CHROMIUM_ARGS } from "@/server/agents/browser-pool";
import { findChromium } from "@/server/agents/chromium";

const [engine, levelsArg, ...urls] = process.argv.slice(2);
log.setLevel(log.LEVELS.OFF);
const storage = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-bench-crawlee-"));
process.env.CRAWLEE_STORAGE_DIR = storage;
const config = new Configuration({
  persistStorage: false,
  purgeOnStart: true,
  storageClientOptions: { localDataDirectory: storage, persistStorage: false },
});

/** The demo agent config's fields: name (h1), price, rating, stock. */
const FIELDS = `(() => ({
  name: document.querySelector("h1")?.textContent?.trim() ?? null,
  price: document.querySelector(".price")?.textContent?.trim() ?? null,
  rating: document.querySelector("[data-rating]")?.getAttribute("data-rating") ?? null,
  stock: document.querySelector(".stock")?.textContent?.trim() ?? null,
  title: document.title,
}))()`;

function kb(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(file, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** This process and every descendant (Crawlee's Chromium and its helpers). */
function tree(): number[] {
  const parents = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const out = [process.pid];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parents) if (ppid === out[i]) out.push(pid);
  return out;
}

const peak = { rssMb: 0, pssMb: 0 };
const sample = () => {
  const pids = tree();
  peak.rssMb = Math.max(peak.rssMb, pids.reduce((s, p) => s + kb(`/proc/${p}/status`, "VmRSS"), 0) / 1024);
  peak.pssMb = Math.max(peak.pssMb, pids.reduce((s, p) => s + kb(`/proc/${p}/smaps_rollup`, "Pss"), 0) / 1024);
};

for (const concurrency of levelsArg!.split(",").map(Number)) {
  let ok = 0;
  let failed = 0;
  const requests = urls.map((url, i) => ({ url, uniqueKey: `${url}#${concurrency}#${i}` }));
  const common = {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    maxRequestRetries: 0,
    failedRequestHandler: () => void failed++,
  };
  const crawler =
    engine === "playwright"
      ? new PlaywrightCrawler(
          {
            ...common,
            launchContext: {
              launcher: chromium,
              // A fresh context per page, as fleetdeck gives each job: the same isolation.
              useIncognitoPages: true,
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH || findChromium() || "/usr/bin/chromium",
                headless: true,
                args: CHROMIUM_ARGS.filter((a) => a !== "--headless"),
              },
            },
            preNavigationHooks: [
              (_ctx, gotoOptions) => {
                if (gotoOptions) gotoOptions.waitUntil = "domcontentloaded";
              },
            ],
            requestHandler: async ({ page }) => {
              await page.evaluate(FIELDS);
              ok++;
            },
          },
          config,
        )
      : new CheerioCrawler(
          {
            ...common,
            requestHandler: async ({ $ }) => {
              void {
                name: $("h1").first().text().trim(),
                price: $(".price").first().text().trim(),
                rating: $("[data-rating]").attr("data-rating"),
                stock: $(".stock").first().text().trim(),
                title: $("title").text(),
              };
              ok++;
            },
          },
          config,
        );
  // Warm-up (not measured), as measure-agents does: the first page launches Chromium and JIT-compiles the crawler.
  await crawler.run([{ url: urls[0]!, uniqueKey: `warm-up-${concurrency}` }]);
  ok = 0;
  failed = 0;
  peak.rssMb = 0;
  peak.pssMb = 0;
  sample();
  const timer = setInterval(sample, 100);
  const t0 = performance.now();
  await crawler.run(requests);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  await crawler.teardown();
  console.log(
    JSON.stringify({
      concurrency,
      pagesPerSec: urls.length / seconds,
      ok,
      failed,
      seconds,
      peakRssMb: peak.rssMb,
      peakPssMb: peak.pssMb,
    }),
  );
}
fs.rmSync(storage, { recursive: true, force: true });
process.exit(0);

/**
 * Measures the goal-driven engine on the bundled demo shop, without a real model:
 *
 *  1. the overhead per step outside the model call (observe + act + thumbnail), from a full job (listing page →
 *     product → choose 2 → type a postcode → "Estimate delivery" → answer) against the fake OpenAI-compatible
 *     server of the tests, which answers at once;
 *  2. the size of what the model reads per page (the compact snapshot) against the raw HTML and Playwright's own
 *     AI snapshot, in characters and ≈ tokens (chars / 4).
 *
 *   npx tsx scripts/measure-goal-agent.ts [--runs 5]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { chromium } from "playwright-core";
import { agentConfigSchema } from "../src/lib/contract/agent";
import { closeBrowser } from "../src/server/agents/browser-pool";
import { findChromium } from "../src/server/agents/chromium";
import { createGoalAgent } from "../src/server/agents/goal";
import { DEFAULT_SNAPSHOT_CHARS, observe } from "../src/server/agents/goal/observe";
import { allowHost } from "../src/server/agents/network-guard";
import type { ProgressReport } from "../src/server/agents/types";
import { PRODUCTS } from "../src/server/demo/catalog";
import { demoResponse } from "../src/server/demo/pages";
import { type Policy, startFakeLlm } from "../test/helpers/fake-llm";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 5);
const PRODUCT = PRODUCTS[3]!;

const shop = createServer(async (req, res) => {
  const response = await demoResponse(new URL(req.url ?? "/", "http://127.0.0.1"), { slowMs: 0 });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
allowHost(new URL(origin).host);

console.log(
  `goal agent on the demo shop: ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}, Node ${process.version}, Chromium ${findChromium()}`,
);

/** The tests' shopper, in brief: reads the snapshot, acts by ref. */
const shopper: Policy = ({ page }) => {
  if (!page) throw new Error("no page");
  if (page.url.endsWith("/demo/products")) return { action: "click", args: { ref: page.ref("link", PRODUCT.name) } };
  const estimate = page.match(/- status: ".*?(\d+) working days/);
  if (estimate) return { action: "answer", args: { answer: `${estimate[1]} working days` } };
  const quantity = page.find("combobox", "Quantity")!;
  if (!quantity.line.includes('"2" (selected)')) return { action: "select", args: { ref: quantity.ref, option: "2" } };
  const postcode = page.find("textbox", "Postcode")!;
  if (!postcode.line.includes("SW1A")) return { action: "type", args: { ref: postcode.ref, text: "SW1A 1AA" } };
  return { action: "click", args: { ref: page.ref("button", "Estimate delivery") } };
};

// 1. Overhead per step: from an action's narration to the next "Thinking" report the agent observes the page and acts;
// from "Thinking" to the narration it waits for the model (here: the fake, answering at once).
const fake = await startFakeLlm({ policy: shopper });
const agent = createGoalAgent({
  settings: { configured: true, baseURL: fake.baseURL, apiKey: "measure", defaultModel: "fake", prices: {} },
});
const outside: number[] = [];
/** By action ("Clicking", "Choosing", …): a click that loads a page costs more than one that does not. */
const byAction = new Map<string, number[]>();
const modelCalls: number[] = [];
const opens: number[] = [];
for (let run = 0; run <= runs; run++) {
  const marks: { step: string; at: number }[] = [];
  const started = performance.now();
  await agent.run(
    {
      id: "m",
      executionId: "m",
      inputId: "1",
      siteUrl: `${origin}/demo/products`,
      goal: "Delivery estimate for 2 items to SW1A 1AA",
      row: {},
      retryCount: 0,
    },
    {
      config: agentConfigSchema.parse({ timeoutMs: 60_000, agent: {} }),
      signal: new AbortController().signal,
      progress: (r: ProgressReport) => marks.push({ step: r.step, at: performance.now() }),
      screenshot: () => {},
    },
  );
  if (run === 0) continue; // the first run launches Chromium
  const thinking = marks.filter((m) => m.step.startsWith("Thinking"));
  opens.push(thinking[0]!.at - started);
  for (let i = 0; i < thinking.length; i++) {
    const acting = marks.find((m) => m.at > thinking[i]!.at && !m.step.startsWith("Thinking"))!;
    modelCalls.push(acting.at - thinking[i]!.at);
    if (i + 1 < thinking.length) {
      const ms = thinking[i + 1]!.at - acting.at;
      outside.push(ms);
      const name = `${acting.step.split(" ")[0]} (step ${i + 1})`;
      byAction.set(name, [...(byAction.get(name) ?? []), ms]);
    }
  }
}
await fake.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
console.log(`\n${runs} jobs of 5 decisions (4 actions + answer), after a warm-up job:`);
console.log(
  `  observe + act per step (outside the model call): median ${median(outside).toFixed(0)} ms, p90 ${p90(outside).toFixed(0)} ms`,
);
for (const [name, times] of byAction) console.log(`    ${name.padEnd(20)} median ${median(times).toFixed(0)} ms`);
console.log(
  `  model call round trip with the instant fake (HTTP + SDK + prompt): median ${median(modelCalls).toFixed(0)} ms`,
);
console.log(`  opening the context and the first page, first snapshot: median ${median(opens).toFixed(0)} ms`);

// 2. What the model reads per page, against the HTML.
const browser = await chromium.launch({ executablePath: findChromium()!, args: ["--no-sandbox"] });
const page = await browser.newPage();
console.log(
  `\nper page: characters (≈ tokens at 4 characters a token); snapshot limit ${DEFAULT_SNAPSHOT_CHARS} chars`,
);
console.log(
  "  page                               raw HTML        Playwright AI YAML   compact snapshot   refs  observe ms",
);
for (const path of ["/demo", "/demo/products", `/demo/products/${PRODUCT.slug}`, "/demo/search?q=oak"]) {
  const response = await page.goto(`${origin}${path}`);
  const html = (await response!.text()).length;
  const yaml = (await page.ariaSnapshot({ mode: "ai" })).length;
  const times: number[] = [];
  let compact = 0;
  let refs = 0;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const observation = await observe(page, { maxChars: DEFAULT_SNAPSHOT_CHARS, signal: new AbortController().signal });
    times.push(performance.now() - t);
    compact = observation.snapshot.text.length;
    refs = observation.snapshot.refs.size;
  }
  const cell = (chars: number) => `${chars} (${Math.ceil(chars / 4)})`.padEnd(19);
  console.log(
    `  ${path.padEnd(34)} ${cell(html)} ${cell(yaml)}  ${cell(compact)}${String(refs).padStart(4)}  ${median(times).toFixed(0)}`,
  );
}
await browser.close();
await closeBrowser();
shop.close();

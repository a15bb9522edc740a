import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import { browserAgent, createBrowserAgent } from "@/server/agents/browser";
import { browserLaunchCount, chromiumProcessIds, closeBrowser } from "@/server/agents/browser-pool";
import { createHttpAgent, httpAgent } from "@/server/agents/http";
import { extractionLimits } from "@/server/agents/limits";
import {
  allowHost,
  clearAllowedHosts,
  createNetworkGuard,
  type NetworkGuard,
  protectAppOrigin,
} from "@/server/agents/network-guard";
import { type Agent, AgentError, type AgentJob, type ProgressReport } from "@/server/agents/types";
import { type FixtureSite, startFixtureSite } from "../fixtures/site";

let site: FixtureSite;

beforeAll(async () => {
  site = await startFixtureSite();
  allowHost(site.host);
});

afterAll(async () => {
  clearAllowedHosts();
  await closeBrowser();
  await site.close();
});

/** Runs one job the way the scheduler does, recording what the agent reports. */
async function run(
  agent: Agent,
  url: string,
  config: Partial<AgentConfig> = {},
  options: { row?: Record<string, string>; signal?: AbortSignal } = {},
) {
  const progress: ProgressReport[] = [];
  const screenshots: Buffer[] = [];
  const job: AgentJob = {
    id: "job-1",
    executionId: "exec-1",
    inputId: "1",
    siteUrl: url,
    goal: null,
    row: { url, ...options.row },
    retryCount: 0,
  };
  const ctx = {
    config: agentConfigSchema.parse({ timeoutMs: 30_000, ...config }),
    signal: options.signal ?? new AbortController().signal,
    progress: (r: ProgressReport) => progress.push(r),
    screenshot: (jpeg: Buffer) => screenshots.push(jpeg),
  };
  try {
    const result = await agent.run(job, ctx);
    return { result, error: null, progress, screenshots };
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    return { result: null, error, progress, screenshots };
  }
}

const ENGINES: [string, Agent][] = [
  ["http", httpAgent],
  ["browser", browserAgent],
];

describe.each(ENGINES)("%s engine", (engine, agent) => {
  it("extracts the default field set when no fields are configured", async () => {
    const { result, progress } = await run(agent, `${site.origin}/item/1`);
    expect(result).toEqual({
      extractedData: {
        title: "Blue Kettle | Fixture shop",
        metaDescription: "All about the Blue Kettle.",
        h1: "Blue Kettle",
        canonicalUrl: `${site.origin}/item/1`,
        httpStatus: 200,
      },
      finalUrl: `${site.origin}/item/1`,
      httpStatus: 200,
    });
    const verb = engine === "http" ? "Fetching" : "Opening";
    expect(progress[0]).toMatchObject({ step: `${verb} ${site.origin}/item/1`, url: `${site.origin}/item/1` });
    expect(progress.at(-1)!.step).toBe("Extracting 5 fields");
    const percents = progress.map((p) => p.percent!);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it("gives null for default fields a bare page lacks", async () => {
    const { result } = await run(agent, `${site.origin}/bare`);
    expect(result!.extractedData).toEqual({
      title: null,
      metaDescription: null,
      h1: null,
      canonicalUrl: null,
      httpStatus: 200,
    });
  });

  it("extracts single, multiple and attribute fields, trimmed", async () => {
    const { result, progress } = await run(agent, `${site.origin}/item/3`, {
      fields: [
        { name: "name", selector: "h1", attribute: "textContent", multiple: false, required: true },
        { name: "rating", selector: "[data-rating]", attribute: "data-rating", multiple: false, required: false },
        { name: "tags", selector: "li.tag", attribute: "textContent", multiple: true, required: false },
        { name: "next", selector: "a.next", attribute: "href", multiple: false, required: false },
        { name: "absent", selector: ".nope", attribute: "textContent", multiple: false, required: false },
        { name: "absentList", selector: ".nope", attribute: "textContent", multiple: true, required: false },
      ],
    });
    expect(result!.extractedData).toEqual({
      name: "Green Chair",
      rating: "4.8",
      tags: ["furniture", "office", "wood"],
      next: `${site.origin}/item/4`,
      absent: null,
      absentList: [],
    });
    expect(progress.at(-1)!.step).toBe("Extracting 6 fields");
  });

  it("follows redirects: the final URL and the progress URL follow each hop", async () => {
    const { result, progress } = await run(agent, `${site.origin}/redirect`, {
      fields: [{ name: "name", selector: "h1", attribute: "textContent", multiple: false, required: false }],
    });
    expect(result).toMatchObject({
      extractedData: { name: "Red Lamp" },
      finalUrl: `${site.origin}/item/2`,
      httpStatus: 200,
    });
    const urls = progress.map((p) => p.url);
    expect(urls).toContain(`${site.origin}/redirect-again`);
    expect(urls).toContain(`${site.origin}/item/2`);
    expect(progress.some((p) => p.step === `Following redirect to ${site.origin}/item/2`)).toBe(true);
  });

  it("runs goto steps templated from the row", async () => {
    const { result } = await run(
      agent,
      `${site.origin}/`,
      {
        steps: [{ action: "goto", url: "/search?q={{product}}" }],
        fields: [{ name: "results", selector: ".result", attribute: "textContent", multiple: true, required: false }],
      },
      { row: { product: "Red Lamp" } },
    );
    expect(result).toMatchObject({
      extractedData: { results: ["Red Lamp"] },
      finalUrl: `${site.origin}/search?q=Red%20Lamp`,
    });
  });

  it("fails a 404 page without retry and a 500 page with retry, naming the URL", async () => {
    const missing = await run(agent, `${site.origin}/missing`);
    expect(missing.error).toMatchObject({ retryable: false, kind: "http_4xx" });
    expect(missing.error!.message).toContain(`404`);
    expect(missing.error!.message).toContain(`${site.origin}/missing`);
    const broken = await run(agent, `${site.origin}/broken`);
    expect(broken.error).toMatchObject({ retryable: true, kind: "http_5xx" });
    expect(broken.error!.message).toContain(`${site.origin}/broken`);
  });

  it("fails a required field that matches nothing, naming the field", async () => {
    const { error } = await run(agent, `${site.origin}/bare`, {
      fields: [{ name: "price", selector: ".price", attribute: "textContent", multiple: false, required: true }],
    });
    expect(error).toMatchObject({ retryable: false, kind: "missing_field" });
    expect(error!.message).toContain('"price"');
  });

  it("refuses loopback and private addresses that are not allowed, before any connection", async () => {
    const before = site.requests.length;
    // Same server, but under a name that is not allowed: localhost resolves to loopback.
    const loopback = await run(agent, `http://localhost:${site.port}/item/1`);
    expect(loopback.error).toMatchObject({ retryable: false, kind: "refused_address" });
    expect(loopback.error!.message).toContain(`http://localhost:${site.port}/item/1`);
    const privateAddress = await run(agent, "http://10.0.0.1/admin");
    expect(privateAddress.error).toMatchObject({ retryable: false, kind: "refused_address" });
    expect(site.requests.length).toBe(before);
  });

  it("refuses a redirect into a private or loopback address", async () => {
    const { error } = await run(agent, `${site.origin}/to-private`);
    expect(error).toMatchObject({ retryable: false, kind: "refused_address" });
    expect(error!.message).toContain("10.0.0.1");
    const before = site.requests.length;
    const loopback = await run(agent, `${site.origin}/to-loopback`);
    expect(loopback.error).toMatchObject({ retryable: false, kind: "refused_address" });
    expect(loopback.error!.message).toContain(`http://localhost:${site.port}/item/1`);
    expect(site.requests.slice(before)).toEqual(["/to-loopback"]);
  });

  it("cuts a field at MAX_FIELD_BYTES and the result at MAX_RESULT_BYTES, naming the truncated fields", async () => {
    const { maxFieldBytes, maxResultBytes } = extractionLimits();
    const big = await run(agent, `${site.origin}/huge-static`);
    const data = big.result!.extractedData;
    expect(data.title).toBe("Big page");
    expect(Buffer.byteLength(data.h1 as string)).toBeLessThanOrEqual(maxFieldBytes);
    expect(Buffer.byteLength(data.h1 as string)).toBeGreaterThan(maxFieldBytes - 16);
    expect((data.h1 as string).startsWith("Heading € Heading €")).toBe(true);
    expect(data._truncated).toEqual(["h1"]);

    // 17 copies of the heading, each cut to the field limit, are more than one job's result may hold.
    const headings = Array.from({ length: 17 }, (_, i) => ({
      name: `heading${i}`,
      selector: "h1",
      attribute: "innerHTML",
      multiple: false,
      required: false,
    }));
    const { result } = await run(agent, `${site.origin}/huge-static`, {
      fields: [
        { name: "rows", selector: "li.row", attribute: "textContent", multiple: true, required: false },
        ...headings,
      ],
    });
    const extracted = result!.extractedData;
    const rows = extracted.rows as string[];
    expect(rows[0]).toMatch(/^000000 "quoted"/);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(300);
    const rowBytes = rows.reduce((sum, row) => sum + Buffer.byteLength(row), 0);
    expect(rowBytes).toBeLessThanOrEqual(maxFieldBytes);
    expect(rowBytes).toBeGreaterThan(maxFieldBytes - 1_000);
    expect(Buffer.byteLength(JSON.stringify(extracted))).toBeLessThanOrEqual(maxResultBytes);
    expect(Buffer.byteLength(JSON.stringify(extracted))).toBeGreaterThan(maxResultBytes - 2_000);
    // Every heading is cut (each is longer than a field may be); the last ones find the result already full.
    expect(extracted._truncated).toEqual(["rows", ...headings.map((h) => h.name)]);
    expect(extracted.heading16).toBeNull();
  });

  it("fails a page that hangs when the job's signal aborts (timeout, retryable) and lets go of it", async () => {
    const seen = slowRequests();
    const released = site.releasedSlowRequests();
    const controller = new AbortController();
    const pending = run(agent, `${site.origin}/slow`, {}, { signal: controller.signal });
    await until(() => slowRequests() > seen && pendingSlow());
    controller.abort();
    const { error } = await pending;
    expect(error).toMatchObject({ retryable: true, kind: "timeout" });
    expect(error!.message).toContain(`${site.origin}/slow`);
    await until(() => site.releasedSlowRequests() > released);
  });
});

describe("http engine only", () => {
  it("refuses click and fill steps, which need a browser", async () => {
    const { error } = await run(httpAgent, `${site.origin}/`, {
      steps: [{ action: "fill", selector: "#q", value: "x" }],
    });
    expect(error).toMatchObject({ retryable: false, kind: "unsupported_step" });
    expect(error!.message).toContain("browser engine");
  });
});

describe("browser engine only", () => {
  it("fills a search box from the row, clicks, and reports each step in words with thumbnails", async () => {
    const { result, progress, screenshots } = await run(
      browserAgent,
      `${site.origin}/`,
      {
        steps: [
          { action: "fill", selector: "#q", value: "{{product}}" },
          { action: "click", selector: "#go", label: "Search" },
          { action: "waitFor", selector: ".result" },
        ],
        fields: [{ name: "results", selector: ".result a", attribute: "textContent", multiple: true, required: true }],
      },
      { row: { product: "Chair" } },
    );
    expect(result).toMatchObject({
      extractedData: { results: ["Green Chair"] },
      finalUrl: `${site.origin}/search?q=Chair`,
      httpStatus: 200,
    });
    const steps = progress.map((p) => p.step);
    expect(steps).toEqual(
      expect.arrayContaining([
        `Opening ${site.origin}/`,
        "Filling #q with 'Chair'",
        "Clicking 'Search'",
        "Waiting for .result",
        "Extracting 1 field",
      ]),
    );
    expect(progress.some((p) => p.url === `${site.origin}/search?q=Chair`)).toBe(true);
    expect(screenshots.length).toBeGreaterThanOrEqual(4);
    const jpeg = screenshots.at(-1)!;
    expect(jpeg.subarray(0, 2).toString("hex")).toBe("ffd8");
    expect(jpegWidth(jpeg)).toBe(480);
  });

  it("reads a 40 MiB heading built by the page's script only up to the field limit", async () => {
    const { result } = await run(browserAgent, `${site.origin}/huge-script?mib=40`);
    const h1 = result!.extractedData.h1 as string;
    expect(Buffer.byteLength(h1)).toBeLessThanOrEqual(extractionLimits().maxFieldBytes);
    expect(h1.startsWith("ab€ab€")).toBe(true);
    expect(h1).not.toContain("\uFFFD");
    expect(result!.extractedData._truncated).toEqual(["h1"]);
  });

  it("fails the job in flight when the browser is killed (retryable), then relaunches for the next job", async () => {
    await run(browserAgent, `${site.origin}/item/1`);
    const launches = browserLaunchCount();
    const pid = chromiumProcessIds().browser;
    expect(pid).toBeTypeOf("number");
    const seen = slowRequests();
    const pending = run(browserAgent, `${site.origin}/slow`);
    await until(() => slowRequests() > seen && pendingSlow());
    process.kill(pid!, "SIGKILL");
    const { error } = await pending;
    expect(error).toMatchObject({ retryable: true, kind: "browser_crashed" });
    expect(error!.message).toContain(`${site.origin}/slow`);

    const next = await run(browserAgent, `${site.origin}/item/2`, {
      fields: [{ name: "name", selector: "h1", attribute: "textContent", multiple: false, required: true }],
    });
    expect(next.result).toMatchObject({ extractedData: { name: "Red Lamp" } });
    expect(browserLaunchCount()).toBe(launches + 1);
  });
});

const slowRequests = () => site.requests.filter((r) => r === "/slow").length;
/** True while some /slow request is still open (requests seen minus connections released). */
const pendingSlow = () => slowRequests() > site.releasedSlowRequests();

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The width in a JPEG's start-of-frame header. */
function jpegWidth(jpeg: Buffer): number {
  for (let i = 2; i < jpeg.length; ) {
    const marker = jpeg[i + 1]!;
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return jpeg.readUInt16BE(i + 7);
    i += 2 + length;
  }
  return 0;
}

describe("http engine address pinning", () => {
  it("connects to the address the guard checked, not to a second DNS answer", async () => {
    // The guard admitted this host at 127.0.0.1; the name itself resolves nowhere (.invalid never does), so the
    // page can only load if the connection goes to the checked address.
    const pinnedGuard: NetworkGuard = {
      check: async (raw) => new URL(raw),
      admit: async (raw) => ({ url: new URL(raw), addresses: [{ address: "127.0.0.1", family: 4 }] }),
    };
    const url = `http://shop.invalid:${new URL(site.origin).port}/item/1`;
    const { result, error } = await run(createHttpAgent(pinnedGuard), url);
    expect(error).toBeNull();
    expect(result?.extractedData).toMatchObject({ h1: "Blue Kettle" });
  });
});

describe.each([
  ["http", createHttpAgent],
  ["browser", createBrowserAgent],
] as const)("%s engine and the app's own origin", (_engine, createAgent) => {
  it("opens only ports 80 and 443 for an ALLOWED_HOSTS entry without a port", async () => {
    const other = await startFixtureSite();
    try {
      const { error } = await run(
        createAgent(createNetworkGuard({ allowedHosts: ["127.0.0.1"] })),
        `${other.origin}/item/1`,
      );
      expect(error).toMatchObject({ kind: "refused_address", retryable: false });
      expect(other.requests).toEqual([]);
      const open = await run(
        createAgent(createNetworkGuard({ allowedHosts: ["127.0.0.1:*"] })),
        `${other.origin}/item/1`,
      );
      expect(open.result).toMatchObject({ extractedData: { h1: "Blue Kettle" } });
    } finally {
      await other.close();
    }
  });

  it("never reaches the app outside /demo, even with every port allowed, directly or through a redirect", async () => {
    const app = await startFixtureSite();
    protectAppOrigin(app.port);
    try {
      const agent = createAgent(createNetworkGuard({ allowedHosts: ["127.0.0.1:*", "localhost:*"] }));
      for (const url of [
        `${app.origin}/item/1`,
        `http://localhost:${app.port}/item/1`,
        `${site.origin}/redirect-to?url=${encodeURIComponent(`${app.origin}/item/1`)}`,
      ]) {
        const { error } = await run(agent, url);
        expect(error, url).toMatchObject({ kind: "refused_address", retryable: false });
      }
      expect(app.requests).toEqual([]);
      // The demo paths stay open (the fixture has none there: a 404, not a refusal).
      const demo = await run(agent, `${app.origin}/demo/products/x`);
      expect(demo.error).toMatchObject({ kind: "http_4xx" });
      expect(app.requests).toEqual(["/demo/products/x"]);
    } finally {
      clearAllowedHosts();
      allowHost(site.host);
      await app.close();
    }
  });
});

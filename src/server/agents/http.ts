import * as cheerio from "cheerio";
import { Agent as Dispatcher, fetch as pinnedFetch } from "undici";
import { abortedError, classifyError, httpStatusError, unsupportedStep } from "./errors";
import { buildExtractedData, collectWithCheerio, extractingWords, fieldsToExtract } from "./extract";
import { extractionLimits } from "./limits";
import { type NetworkGuard, networkGuard, pinnedLookup } from "./network-guard";
import { ProgressTracker } from "./progress";
import { gotoTarget } from "./template";
import { type Agent, type AgentContext, AgentError, type AgentJob, type AgentResult } from "./types";

/** Bigger pages are cut here: the fields users want sit near the top, and a runaway download must not eat memory. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 10;
const USER_AGENT = "Mozilla/5.0 (compatible; fleetdeck-agent/0.1; +http engine)";

interface FetchedPage {
  url: string;
  status: number;
  html: string;
}

/** Static pages without a browser: fetch, follow redirects by hand (each hop passes the guard), parse with cheerio. */
export function createHttpAgent(guard: NetworkGuard = networkGuard): Agent {
  return {
    async run(job: AgentJob, ctx: AgentContext): Promise<AgentResult> {
      const steps = ctx.config.steps;
      const unsupported = steps.find((s) => s.action !== "goto");
      if (unsupported) throw unsupportedStep(unsupported.action, "http");
      const { fields, isDefaultSet } = fieldsToExtract(ctx.config.fields);
      const progress = new ProgressTracker(ctx, steps.length + 2, job.siteUrl);

      let page = await fetchPage(job.siteUrl, guard, ctx, progress);
      for (const [index, step] of steps.entries()) {
        page = await fetchPage(gotoTarget(step, index, job, page.url), guard, ctx, progress);
      }

      const count = fields.length + (isDefaultSet ? 1 : 0);
      progress.begin(extractingWords(count), page.url);
      const $ = cheerio.load(page.html);
      const limits = extractionLimits();
      const extractedData = buildExtractedData(
        fields,
        collectWithCheerio($, fields, limits),
        { url: page.url, httpStatus: page.status, isDefaultSet },
        limits,
      );
      return { extractedData, finalUrl: page.url, httpStatus: page.status };
    },
  };
}

export const httpAgent = createHttpAgent();

async function fetchPage(
  startUrl: string,
  guard: NetworkGuard,
  ctx: AgentContext,
  progress: ProgressTracker,
): Promise<FetchedPage> {
  let url = startUrl;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // Checked before every request, so a public page cannot redirect an agent into a private network;
    // the connection goes to the very address that was checked, so a second DNS answer cannot differ.
    const { addresses } = await guard.admit(url);
    const dispatcher = new Dispatcher({ connect: { lookup: pinnedLookup(addresses) as never } });
    try {
      if (hop === 0) progress.begin(`Fetching ${url}`, url);
      else progress.movedTo(url, `Following redirect to ${url}`);
      if (ctx.signal.aborted) throw abortedError(ctx.signal, url, "fetching the page");

      let response: Response;
      try {
        response = (await pinnedFetch(url, {
          redirect: "manual",
          signal: ctx.signal,
          dispatcher,
          headers: { "user-agent": USER_AGENT, accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" },
        })) as unknown as Response;
      } catch (e) {
        if (ctx.signal.aborted) throw abortedError(ctx.signal, url, "fetching the page");
        throw classifyError(e, url);
      }

      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => {});
        url = new URL(location, url).toString();
        continue;
      }
      const failure = httpStatusError(url, response.status, response.statusText);
      if (failure) {
        await response.body?.cancel().catch(() => {});
        throw failure;
      }
      try {
        return { url, status: response.status, html: await readCapped(response) };
      } catch (e) {
        if (ctx.signal.aborted) throw abortedError(ctx.signal, url, "reading the page");
        throw classifyError(e, url);
      }
    } finally {
      void dispatcher.close().catch(() => {});
    }
  }
  throw new AgentError(
    `Too many redirects (more than ${MAX_REDIRECTS}) starting at ${startUrl}`,
    false,
    "redirect_loop",
  );
}

/** Reads at most MAX_BODY_BYTES and decodes with the page's declared charset (UTF-8 when unknown). */
async function readCapped(response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = MAX_BODY_BYTES - size;
      chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
      size += Math.min(value.byteLength, room);
      if (size >= MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  }
  const charset = /charset=["']?([\w-]+)/i.exec(response.headers.get("content-type") ?? "")?.[1] ?? "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder("utf-8");
  }
  return decoder.decode(Buffer.concat(chunks));
}

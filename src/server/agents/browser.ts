import type { Browser, BrowserContext, Page, Response as PageResponse } from "playwright-core";
import type { AgentStep } from "@/lib/contract/agent";
import { getBrowser } from "./browser-pool";
import { abortedError, badStep, browserCrashed, classifyError, httpStatusError } from "./errors";
import {
  buildExtractedData,
  COLLECT_IN_PAGE,
  extractingWords,
  fieldsToExtract,
  invalidSelector,
  type RawMatches,
} from "./extract";
import { type GuardProxy, startGuardProxy } from "./guard-proxy";
import { capText, type ExtractionLimits, extractionLimits } from "./limits";
import { type NetworkGuard, networkGuard } from "./network-guard";
import { ProgressTracker } from "./progress";
import { fillTemplate, gotoTarget } from "./template";
import { type Agent, type AgentContext, AgentError, type AgentJob, type AgentResult } from "./types";

/** Layout as a laptop sees it; the device scale makes every screenshot a ~480x300 thumbnail without resizing. */
export const VIEWPORT = { width: 1280, height: 800 };
export const THUMBNAIL_SCALE = 480 / VIEWPORT.width;
/** While a step waits, the live card still moves: a new thumbnail at most this often. */
const THUMBNAIL_EVERY_MS = 2_000;

/** Real Chromium: a fresh context per job (cookies and storage never leak between rows), closed when it ends. */
export function createBrowserAgent(guard: NetworkGuard = networkGuard): Agent {
  return {
    run: (job, ctx) => runInBrowser(job, ctx, guard),
  };
}

export const browserAgent = createBrowserAgent();

async function runInBrowser(job: AgentJob, ctx: AgentContext, guard: NetworkGuard): Promise<AgentResult> {
  const { steps } = ctx.config;
  const { fields, isDefaultSet } = fieldsToExtract(ctx.config.fields);
  const progress = new ProgressTracker(ctx, steps.length + 2, job.siteUrl);

  // Refuse a bad or private URL before a browser is even involved: the clearest error, no connection attempted.
  await guard.check(job.siteUrl);
  if (ctx.signal.aborted) throw abortedError(ctx.signal, job.siteUrl, "starting");

  let browser: Browser;
  try {
    browser = await getBrowser();
  } catch (e) {
    throw e instanceof AgentError ? e : classifyError(e, job.siteUrl);
  }

  let context: BrowserContext | null = null;
  let thumbnails: Thumbnails | null = null;
  let proxy: GuardProxy | null = null;
  let navigation: MainFrame | null = null;
  /** The guard's refusal of the page's own navigation (the first URL or a redirect hop), if any. */
  const refusal = () => (navigation?.lastRequestUrl ? proxy?.refusalFor(navigation.lastRequestUrl) : undefined);
  // Closing the context is what releases a hanging page: every pending Playwright call then rejects at once.
  const onAbort = () => void context?.close().catch(() => {});
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  try {
    proxy = await startGuardProxy(guard);
    context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: THUMBNAIL_SCALE,
      // Every request, loopback included ("<-loopback>" removes Chromium's implicit bypass), goes through the guard,
      // which serves only a browser that knows this process's secret.
      proxy: { server: proxy.server, bypass: "<-loopback>", username: proxy.username, password: proxy.password },
    });
    if (ctx.signal.aborted) throw abortedError(ctx.signal, job.siteUrl, "starting");
    // A backstop only: the caller's signal enforces the job timeout.
    context.setDefaultTimeout(ctx.config.timeoutMs);

    const page = await context.newPage();
    navigation = followMainFrame(page, progress);
    thumbnails = new Thumbnails(page, ctx);

    progress.begin(`Opening ${job.siteUrl}`, job.siteUrl);
    const response = await page.goto(job.siteUrl, { waitUntil: "domcontentloaded" });
    failOnErrorStatus(page, response);
    // A thumbnail after each step; the last one is taken while the fields are read (both only read the page).
    let thumbnail = thumbnails.take();
    thumbnails.startTicking();

    for (const [index, step] of steps.entries()) {
      await thumbnail;
      await runStep(page, step, index, job, progress, guard);
      const refused = refusal();
      if (refused) throw refused;
      const failure = httpStatusError(page.url(), navigation.status ?? 200);
      if (failure) throw failure;
      thumbnail = thumbnails.take();
    }

    progress.begin(extractingWords(fields.length + (isDefaultSet ? 1 : 0)), page.url());
    const limits = extractionLimits();
    const raw = await collectInPage(page, fields, limits);
    const extractedData = buildExtractedData(
      fields,
      raw,
      { url: page.url(), httpStatus: navigation.status, isDefaultSet },
      limits,
    );
    await thumbnail;
    // A script can push a URL of megabytes; what is stored is bounded like every other text.
    return { extractedData, finalUrl: capText(page.url()), httpStatus: navigation.status };
  } catch (e) {
    const refused = refusal();
    if (refused) throw refused;
    if (e instanceof AgentError) throw e;
    if (ctx.signal.aborted) throw abortedError(ctx.signal, progress.url, describeDoing(progress.step));
    if (!browser.isConnected()) throw browserCrashed(progress.url);
    throw classifyError(e, progress.url);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    thumbnails?.stop();
    await context?.close().catch(() => {});
    await proxy?.close();
  }
}

/** Progress follows the page: redirects and navigations of the main frame report their URL; keeps the main status. */
interface MainFrame {
  /** The HTTP status of the main document (after redirects). */
  status: number | undefined;
  /** The URL the main frame last requested (a redirect hop included): the one a refusal would be about. */
  lastRequestUrl: string | undefined;
}

function followMainFrame(page: Page, progress: ProgressTracker): MainFrame {
  const state: MainFrame = { status: undefined, lastRequestUrl: undefined };
  page.on("request", (request) => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    state.lastRequestUrl = request.url();
    if (request.redirectedFrom()) progress.movedTo(request.url(), `Following redirect to ${request.url()}`);
  });
  page.on("response", (response) => {
    const request = response.request();
    const isRedirect = response.status() >= 300 && response.status() < 400;
    if (!isRedirect && request.isNavigationRequest() && request.frame() === page.mainFrame())
      state.status = response.status();
  });
  page.on("framenavigated", (frame) => {
    // Chromium's own error page is not a place the user asked for.
    if (frame === page.mainFrame() && !frame.url().startsWith("chrome-error:")) progress.movedTo(frame.url());
  });
  return state;
}

function failOnErrorStatus(page: Page, response: PageResponse | null): void {
  const failure = response && httpStatusError(page.url(), response.status(), response.statusText());
  if (failure) throw failure;
}

async function runStep(
  page: Page,
  step: AgentStep,
  index: number,
  job: AgentJob,
  progress: ProgressTracker,
  guard: NetworkGuard,
) {
  const selector = step.selector;
  const needSelector = () => {
    if (!selector) throw badStep(index, `a ${step.action} step needs a selector`);
    return selector;
  };
  switch (step.action) {
    case "goto": {
      const url = gotoTarget(step, index, job, page.url());
      await guard.check(url);
      progress.begin(`Opening ${url}`, url);
      const response = await page.goto(url, { waitUntil: "domcontentloaded" });
      const failure = response && httpStatusError(page.url(), response.status(), response.statusText());
      if (failure) throw failure;
      return;
    }
    case "click": {
      const target = needSelector();
      progress.begin(`Clicking '${step.label ?? target}'`);
      await page.click(target);
      // A click that navigates: wait for the new document before the next step reads it.
      await page.waitForLoadState("domcontentloaded");
      return;
    }
    case "fill": {
      const target = needSelector();
      const value = fillTemplate(step.value ?? "", job.row);
      progress.begin(`Filling ${step.label ?? target} with '${shorten(value)}'`);
      await page.fill(target, value);
      return;
    }
    case "waitFor": {
      if (selector) {
        progress.begin(`Waiting for ${step.label ?? selector}`);
        await page.waitForSelector(selector, { state: "visible" });
        return;
      }
      const ms = Number(step.value);
      if (!Number.isFinite(ms) || ms < 0)
        throw badStep(index, "a waitFor step needs a selector, or a value in milliseconds");
      progress.begin(`Waiting ${Math.round(ms / 100) / 10} s`);
      await page.waitForTimeout(ms);
      return;
    }
  }
}

async function collectInPage(
  page: Page,
  fields: { name: string; selector: string; attribute: string; multiple: boolean }[],
  limits: ExtractionLimits,
): Promise<RawMatches> {
  const query = fields.map(({ name, selector, attribute, multiple }) => ({ name, selector, attribute, multiple }));
  const run = () =>
    page.evaluate(`(${COLLECT_IN_PAGE})(${JSON.stringify(query)}, ${JSON.stringify(limits)})`) as Promise<{
      matches?: RawMatches;
      invalid?: number;
    }>;
  let result: { matches?: RawMatches; invalid?: number };
  try {
    result = await run();
  } catch (e) {
    // A navigation started by the last step can replace the document mid-read: read the new one.
    if (!/Execution context was destroyed|navigat/i.test((e as Error).message)) throw e;
    await page.waitForLoadState("domcontentloaded");
    result = await run();
  }
  if (result.invalid !== undefined) throw invalidSelector(query[result.invalid]!);
  return result.matches ?? [];
}

/** JPEG thumbnails for the live card: after each step, and while a step waits, at most every couple of seconds. */
export class Thumbnails {
  private lastAt = 0;
  private inFlight: Promise<void> | null = null;
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    private readonly page: Page,
    private readonly ctx: AgentContext,
  ) {}

  take(): Promise<void> {
    this.inFlight ??= this.page
      .screenshot({ type: "jpeg", quality: 50, timeout: 5_000 })
      .then((jpeg) => {
        this.lastAt = Date.now();
        this.ctx.screenshot(jpeg);
      })
      // A thumbnail is a nicety: a page mid-navigation or a closing context must not fail the job.
      .catch(() => {})
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  startTicking(): void {
    this.ticker = setInterval(() => {
      if (!this.inFlight && Date.now() - this.lastAt >= THUMBNAIL_EVERY_MS) void this.take();
    }, 500);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
  }
}

const shorten = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
/** "Opening https://…" → "opening the page", for "Timed out while opening the page at https://…". */
function describeDoing(step: string): string {
  const words = step.replace(/https?:\/\/\S+/g, "the page").trim();
  return words ? words[0]!.toLowerCase() + words.slice(1) : "working";
}

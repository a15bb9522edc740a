import type { BrowserContext, Page } from "playwright-core";
import { THUMBNAIL_SCALE, Thumbnails, VIEWPORT } from "../browser";
import { getBrowser } from "../browser-pool";
import { classifyError } from "../errors";
import { type GuardProxy, startGuardProxy } from "../guard-proxy";
import type { NetworkGuard } from "../network-guard";
import { type AgentContext, AgentError } from "../types";

/**
 * The guarded browser one goal-driven job works in, set up like the browser engine's: the shared Chromium, a fresh
 * context per job whose every request goes through the guard proxy, thumbnails for the live card. On top: no
 * downloads, and any new window (a popup, a target=_blank link) is closed at once, so nothing runs outside the page
 * the agent observes.
 */
export interface GoalSession {
  page: Page;
  proxy: GuardProxy;
  thumbnails: Thumbnails;
  /** The main document's latest status and the URL it last requested (the one a refusal would be about). */
  mainFrame: { status: number | undefined; lastRequestUrl: string | undefined; navigations: number };
  /** Set when a new window was opened and closed since the last call. */
  takeBlockedPopup(): boolean;
  close(): Promise<void>;
}

export async function openSession(ctx: AgentContext, guard: NetworkGuard, startUrl: string): Promise<GoalSession> {
  let browser: Awaited<ReturnType<typeof getBrowser>>;
  try {
    browser = await getBrowser();
  } catch (e) {
    throw e instanceof AgentError ? e : classifyError(e, startUrl);
  }
  const proxy = await startGuardProxy(guard);
  let context: BrowserContext | null = null;
  // Closing the context is what releases a hanging page: every pending Playwright call then rejects at once.
  const onAbort = () => void context?.close().catch(() => {});
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  let thumbnails: Thumbnails | null = null;
  const close = async () => {
    ctx.signal.removeEventListener("abort", onAbort);
    thumbnails?.stop();
    await context?.close().catch(() => {});
    await proxy.close();
  };
  try {
    context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: THUMBNAIL_SCALE,
      acceptDownloads: false,
      // Every request, loopback included, goes through the guard (see browser.ts).
      proxy: { server: proxy.server, bypass: "<-loopback>", username: proxy.username, password: proxy.password },
    });
    context.setDefaultTimeout(ctx.config.timeoutMs);
    let blockedPopup = false;
    const page = await context.newPage();
    context.on("page", (extra) => {
      if (extra === page) return;
      blockedPopup = true;
      void extra.close().catch(() => {});
    });
    const mainFrame = {
      status: undefined as number | undefined,
      lastRequestUrl: undefined as string | undefined,
      navigations: 0,
    };
    page.on("request", (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame())
        mainFrame.lastRequestUrl = request.url();
    });
    page.on("response", (response) => {
      const request = response.request();
      const isRedirect = response.status() >= 300 && response.status() < 400;
      if (!isRedirect && request.isNavigationRequest() && request.frame() === page.mainFrame())
        mainFrame.status = response.status();
    });
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) mainFrame.navigations++;
    });
    thumbnails = new Thumbnails(page, ctx);
    return {
      page,
      proxy,
      thumbnails,
      mainFrame,
      takeBlockedPopup: () => {
        const was = blockedPopup;
        blockedPopup = false;
        return was;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

import type { Page } from "playwright-core";
import { type PageSnapshot, renderSnapshot } from "./snapshot";

/** What the model is shown before each decision. */
export interface Observation {
  url: string;
  title: string;
  /** The main document's HTTP status when it was not 2xx (the model should know it reads an error page). */
  httpStatus?: number;
  snapshot: PageSnapshot;
}

/** ≈ 4,000 tokens: the demo shop's pages need 1,000-2,000 characters; a longer page is cut (and the model is told). */
export const DEFAULT_SNAPSHOT_CHARS = 16_000;

const SNAPSHOT_TIMEOUT_MS = 10_000;

export async function observe(
  page: Page,
  options: { maxChars: number; httpStatus?: number; signal: AbortSignal },
): Promise<Observation> {
  const json = await readSnapshot(page, options.signal);
  return {
    url: page.url(),
    title: await page.title().catch(() => ""),
    httpStatus: options.httpStatus !== undefined && options.httpStatus >= 300 ? options.httpStatus : undefined,
    snapshot: renderSnapshot(json, options.maxChars),
  };
}

async function readSnapshot(page: Page, signal: AbortSignal): Promise<unknown> {
  try {
    return await page.ariaSnapshotJSON({ mode: "ai", timeout: SNAPSHOT_TIMEOUT_MS, signal });
  } catch (e) {
    // The last action may have started a navigation that replaced the document mid-read: read the new one.
    const words = String(e);
    if (!/Execution context was destroyed|navigat/i.test(words) || /has been closed/i.test(words)) throw e;
    await page.waitForLoadState("domcontentloaded", { timeout: SNAPSHOT_TIMEOUT_MS }).catch(() => {});
    return page.ariaSnapshotJSON({ mode: "ai", timeout: SNAPSHOT_TIMEOUT_MS, signal });
  }
}

/** One line for the transcript: what the agent saw. */
export function summarize(observation: Observation): string {
  const count = observation.snapshot.refs.size;
  const status = observation.httpStatus ? ` (HTTP ${observation.httpStatus})` : "";
  const title = observation.title ? `“${observation.title.slice(0, 120)}”` : "untitled page";
  return `${title} at ${observation.url.slice(0, 300)}${status}: ${count} element${count === 1 ? "" : "s"} to act on${observation.snapshot.cut ? ", snapshot cut" : ""}`;
}

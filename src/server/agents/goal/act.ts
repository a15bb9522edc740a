import type { Page } from "playwright-core";
import { httpStatusError } from "../errors";
import type { NetworkGuard } from "../network-guard";
import { isAgentError } from "../types";
import type { Action } from "./actions";
import type { GoalSession } from "./session";
import type { RefTarget } from "./snapshot";

/**
 * Runs one page action the model chose and says what came of it, in words the model reads as the action's result.
 * A failure of the action itself (no such ref, a hidden element, a refused address) is a result, not an error: the
 * model is told and may try something else. Only the job's abort or a closed browser propagate.
 */

/** An element that does not respond in this time is reported, not waited for: the model can choose again. */
const ELEMENT_TIMEOUT_MS = 5_000;
const WAIT_FOR_TEXT_MS = 10_000;
const SETTLE_MS = 5_000;

export type PageAction = Exclude<Action, { action: "answer" } | { action: "give_up" }>;

export interface ActOptions {
  session: GoalSession;
  guard: NetworkGuard;
  /** The refs of the snapshot the model decided on: only those may be acted on. */
  refs: Map<string, RefTarget>;
}

export async function act(action: PageAction, options: ActOptions): Promise<string> {
  const { session } = options;
  const before = session.mainFrame.navigations;
  // A refusal is about this action's navigation only: one from an earlier step must not be reported again.
  session.mainFrame.lastRequestUrl = undefined;
  let result: string;
  try {
    result = await perform(action, options);
  } catch (e) {
    if (isClosed(e)) throw e;
    result = `failed: ${playwrightWords(e)}`;
  }
  const after = await afterAction(session, before);
  return after ? `${result}; ${after}` : result;
}

async function perform(action: PageAction, { session, guard, refs }: ActOptions): Promise<string> {
  const { page } = session;
  const element = (ref: string) => {
    if (!refs.has(ref)) return null;
    return page.getByRef(ref);
  };
  const unknownRef = (ref: string) =>
    `failed: there is no element ${ref} in the latest snapshot; use a ref shown in the latest snapshot`;

  switch (action.action) {
    case "click": {
      const target = element(action.ref);
      if (!target) return unknownRef(action.ref);
      await target.click({ timeout: ELEMENT_TIMEOUT_MS });
      return "clicked";
    }
    case "type": {
      const target = element(action.ref);
      if (!target) return unknownRef(action.ref);
      await target.fill(action.text, { timeout: ELEMENT_TIMEOUT_MS });
      if (action.submit) await target.press("Enter", { timeout: ELEMENT_TIMEOUT_MS });
      return action.submit ? "typed and pressed Enter" : "typed";
    }
    case "select": {
      const target = element(action.ref);
      if (!target) return unknownRef(action.ref);
      const chosen = await target.selectOption(action.option, { timeout: ELEMENT_TIMEOUT_MS });
      return `selected ${JSON.stringify(chosen.join(", "))}`;
    }
    case "press": {
      if (action.ref) {
        const target = element(action.ref);
        if (!target) return unknownRef(action.ref);
        await target.press(action.key, { timeout: ELEMENT_TIMEOUT_MS });
      } else {
        await page.keyboard.press(action.key);
      }
      return `pressed ${action.key}`;
    }
    case "scroll": {
      await page.mouse.wheel(0, (action.direction === "down" ? 1 : -1) * (page.viewportSize()?.height ?? 800) * 0.9);
      return `scrolled ${action.direction}`;
    }
    case "goto":
      return gotoUrl(page, action.url, guard);
    case "back": {
      const response = await page.goBack({ waitUntil: "domcontentloaded", timeout: SETTLE_MS * 2 });
      return response === null && page.url() === "about:blank" ? "failed: there is no previous page" : "went back";
    }
    case "wait_for": {
      if (action.text) {
        try {
          await page.getByText(action.text).first().waitFor({ state: "visible", timeout: WAIT_FOR_TEXT_MS });
          return `${JSON.stringify(action.text)} is on the page`;
        } catch (e) {
          if (isClosed(e)) throw e;
          return `${JSON.stringify(action.text)} did not appear within ${WAIT_FOR_TEXT_MS / 1000} s`;
        }
      }
      const seconds = Math.min(action.seconds ?? 1, 10);
      await page.waitForTimeout(seconds * 1000);
      return `waited ${seconds} s`;
    }
  }
}

/** Every URL the model chooses passes the network guard first; a refusal is the result, and the job goes on. */
async function gotoUrl(page: Page, raw: string, guard: NetworkGuard): Promise<string> {
  let url: string;
  try {
    url = new URL(raw, page.url()).toString();
  } catch {
    return `refused: ${JSON.stringify(raw.slice(0, 200))} is not a URL`;
  }
  try {
    await guard.check(url);
  } catch (e) {
    if (!isAgentError(e)) throw e;
    return `refused: ${refusalWords(e.kind, url, e.message)}`;
  }
  const response = await page.goto(url, { waitUntil: "domcontentloaded" });
  const failure = response && httpStatusError(page.url(), response.status(), response.statusText());
  return failure ? `opened, but the server answered HTTP ${response.status()}` : "opened";
}

function refusalWords(kind: string, url: string, message: string): string {
  if (kind === "refused_address") return `private address: agents may not open ${url}`;
  if (kind === "invalid_url") return `${url} is not an http(s) URL agents may open`;
  return message;
}

/**
 * What the page did on its own after the action: a navigation the guard refused (a link or redirect to a private
 * address: the agent is taken back), a new page that opened. (A popup is told with the next observation: its event
 * arrives a moment after the click.)
 */
async function afterAction(session: GoalSession, navigationsBefore: number): Promise<string> {
  const { page, mainFrame, proxy } = session;
  const notes: string[] = [];
  if (mainFrame.navigations !== navigationsBefore) {
    await page.waitForLoadState("domcontentloaded", { timeout: SETTLE_MS }).catch(() => {});
    const refused = mainFrame.lastRequestUrl ? proxy.refusalFor(mainFrame.lastRequestUrl) : undefined;
    if (refused) {
      notes.push(`refused: the page tried to open ${mainFrame.lastRequestUrl}, a private address agents may not open`);
      await page.goBack({ waitUntil: "domcontentloaded", timeout: SETTLE_MS }).catch(() => {});
      notes.push("went back");
    } else {
      notes.push(`now at ${page.url()}`);
    }
  }
  return notes.join("; ");
}

const isClosed = (e: unknown) =>
  /Target page, context or browser has been closed|Browser has been closed/i.test(String(e));

/** Playwright's first line, without the API name and call log: "Timeout 5000ms exceeded" → words. */
function playwrightWords(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.replace(/^[a-zA-Z.]+: /, "");
  if (/Timeout \d+ms exceeded/.test(first))
    return `the element did not respond within ${ELEMENT_TIMEOUT_MS / 1000} s (hidden, disabled or covered?)`;
  return first.slice(0, 300);
}

import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { log } from "../log";
import { findChromium } from "./chromium";
import { AgentError } from "./types";

/**
 * One shared Chromium per process: launching costs ~0.5 s and ~100 MB, a context per job costs a few ms and isolates
 * jobs just as well. Launched on first use; relaunched on the next job after it crashes or disconnects.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface Pool {
  browser: Browser | null;
  launching: Promise<Browser> | null;
  launches: number;
}

// On globalThis: Next bundles route handlers apart from server.ts, and there must still be one browser.
const globalForPool = globalThis as unknown as { __fleetdeckBrowserPool?: Pool };
const pool = (): Pool => (globalForPool.__fleetdeckBrowserPool ??= { browser: null, launching: null, launches: 0 });

export async function getBrowser(): Promise<Browser> {
  const state = pool();
  if (state.browser?.isConnected()) return state.browser;
  state.launching ??= launch(state).finally(() => {
    state.launching = null;
  });
  return state.launching;
}

async function launch(state: Pool): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new AgentError("No Chromium is available for the browser engine", false, "no_browser");
  let browser: Browser;
  try {
    // headless: true adds --headless itself; the flag is listed above for the record and filtered here.
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
  } catch (e) {
    throw new AgentError(`Chromium could not start (${executablePath}): ${(e as Error).message.split("\n")[0]}`, true, "browser_launch");
  }
  state.launches++;
  if (state.launches > 1) log().warn({ launches: state.launches }, "Chromium relaunched after it went away");
  browser.on("disconnected", () => {
    if (state.browser === browser) state.browser = null;
  });
  state.browser = browser;
  return browser;
}

/** Closes the shared browser (shutdown, tests). The next job launches a new one. */
export async function closeBrowser(): Promise<void> {
  const state = pool();
  const browser = state.browser ?? (await state.launching?.catch(() => null)) ?? null;
  state.browser = null;
  await browser?.close().catch(() => {});
}

/** How many times this process launched Chromium (tests check the relaunch). */
export const browserLaunchCount = () => pool().launches;

/**
 * The Chromium processes of this Node process: the browser (a direct child talking over a pipe) and its helpers
 * (renderers, GPU, network service). Linux only (reads /proc); empty elsewhere. For crash tests and memory measurement.
 */
export function chromiumProcessIds(): { browser: number | null; all: number[] } {
  if (!fs.existsSync("/proc/self/stat")) return { browser: null, all: [] };
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* the process ended while we looked */
    }
  }
  const browser =
    (children.get(process.pid) ?? []).find((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--remote-debugging-pipe");
      } catch {
        return false;
      }
    }) ?? null;
  const all: number[] = [];
  const stack = browser ? [browser] : [];
  while (stack.length) {
    const pid = stack.pop()!;
    all.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return { browser, all };
}

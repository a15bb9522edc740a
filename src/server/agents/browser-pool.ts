import fs from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { log } from "../log";
import { processWide } from "../process-wide";
import { findChromium } from "./chromium";
import { type LaunchPlan, launchPlans, type SandboxState } from "./chromium-sandbox";
import { AgentError } from "./types";

/**
 * One shared Chromium per process: launching costs ~0.5 s and ~100 MB, a context per job costs a few ms and isolates
 * jobs just as well. Launched on first use; relaunched on the next job after it crashes or disconnects.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // WebRTC may not send UDP around the guard proxy (an HTTP proxy carries no UDP, so no STUN, no ICE candidates).
  // The switch was renamed; older Chrome builds (CHROMIUM_PATH) read the "force-" name.
  "--webrtc-ip-handling-policy=disable_non_proxied_udp",
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
];

interface Pool {
  browser: Browser | null;
  launching: Promise<Browser> | null;
  launches: number;
  /** The launch that worked, kept for relaunches: the sandbox question is asked once per process. */
  plan: LaunchPlan | null;
}

/** Process-wide: whichever bundle asks, there is one browser. */
const pool = processWide("browserPool", (): Pool => ({ browser: null, launching: null, launches: 0, plan: null }));

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
  const browser = state.plan ? await start(state.plan) : await startFirst(state, launchPlans(executablePath));
  state.launches++;
  if (state.launches > 1) log().warn({ launches: state.launches }, "Chromium relaunched after it went away");
  browser.on("disconnected", () => {
    if (state.browser === browser) state.browser = null;
  });
  state.browser = browser;
  return browser;
}

/** Tries the sandboxed launch, then the fallback; logs which one runs, and why when it is the fallback. */
async function startFirst(state: Pool, plans: LaunchPlan[]): Promise<Browser> {
  const failures: string[] = [];
  for (const plan of plans) {
    try {
      const browser = await start(plan);
      state.plan = plan;
      if (plan.state.sandboxed) log().info({ uid: plan.state.uid }, "Chromium runs with its sandbox");
      else
        log().warn(
          { reason: plan.state.reason, sandboxedLaunchError: failures[0] },
          `Chromium runs WITHOUT its sandbox: ${plan.state.reason}`,
        );
      return browser;
    } catch (e) {
      failures.push(e instanceof AgentError ? e.message : String(e));
    }
  }
  throw new AgentError(failures.at(-1) ?? "Chromium could not start", true, "browser_launch");
}

async function start(plan: LaunchPlan): Promise<Browser> {
  const executable = plan.executable();
  try {
    // headless: true adds --headless itself; the flag is listed above for the record and filtered here.
    return await chromium.launch({
      executablePath: executable.path,
      chromiumSandbox: plan.chromiumSandbox,
      headless: true,
      args: CHROMIUM_ARGS.filter((a) => a !== "--headless"),
    });
  } catch (e) {
    throw new AgentError(
      `Chromium could not start (${executable.path}): ${(e as Error).message.split("\n")[0]}`,
      true,
      "browser_launch",
    );
  } finally {
    executable.done();
  }
}

/** Whether the shared browser runs inside Chromium's sandbox (null before the first launch). */
export const browserSandbox = (): SandboxState | null => pool().plan?.state ?? null;

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

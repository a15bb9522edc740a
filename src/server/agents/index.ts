import type { AgentConfig } from "@/lib/contract/agent";
import { log } from "../log";
import { processWide } from "../process-wide";
import { browserAgent } from "./browser";
import { closeBrowser } from "./browser-pool";
import { findChromium, HOW_TO_GET_CHROMIUM } from "./chromium";
import { httpAgent } from "./http";
import { simulatedAgent } from "./simulated";
import type { Agent } from "./types";

export { closeBrowser } from "./browser-pool";
export { allowHost } from "./network-guard";

/** Chromium is looked up once per process: the answer does not change while it runs, and the lookup touches the disk. */
const engines = processWide("agents", () => ({ chromium: findChromium(), fallbackLogged: false }));

const chromiumPath = (): string | null => engines().chromium;

/** The engine for a batch's agent config. Without Chromium the browser engine falls back to http (logged once). */
export function agentFor(config: Pick<AgentConfig, "engine">): Agent {
  switch (config.engine) {
    case "simulated":
      return simulatedAgent;
    case "http":
      return httpAgent;
    case "browser":
      if (chromiumPath()) return browserAgent;
      if (!engines().fallbackLogged) {
        engines().fallbackLogged = true;
        log().warn(HOW_TO_GET_CHROMIUM);
      }
      return httpAgent;
  }
}

/** For the start-up banner: which Chromium the browser engine uses, or how to get one. */
export function chromiumStatus(): { found: true; path: string } | { found: false; message: string } {
  const path = chromiumPath();
  return path ? { found: true, path } : { found: false, message: HOW_TO_GET_CHROMIUM };
}

/** The engine the demo (and any default) should use on this machine. */
export const preferredEngine = (): "browser" | "http" => (chromiumPath() ? "browser" : "http");

/** Shutdown: closes the shared browser. */
export async function closeAgents(): Promise<void> {
  await closeBrowser();
}

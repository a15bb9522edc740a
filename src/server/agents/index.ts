import type { AgentConfig } from "@/lib/contract/agent";
import { log } from "../log";
import { processWide } from "../process-wide";
import { browserAgent } from "./browser";
import { closeBrowser } from "./browser-pool";
import { findChromium, HOW_TO_GET_CHROMIUM } from "./chromium";
import { goalAgent, type LlmSettings, llmSettings, modelAvailability } from "./goal";
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
    case "agent":
      return goalAgent;
    case "browser":
      if (chromiumPath()) return browserAgent;
      if (!engines().fallbackLogged) {
        engines().fallbackLogged = true;
        log().warn(HOW_TO_GET_CHROMIUM);
      }
      return httpAgent;
  }
}

export type EngineAvailability = { ok: true } | { ok: false; message: string };

/** Whether a config's engine can run in this process: the goal-driven engine needs a model to talk to. */
export function engineAvailability(
  config: Pick<AgentConfig, "engine" | "agent">,
  settings: LlmSettings = llmSettings(),
): EngineAvailability {
  if (config.engine !== "agent") return { ok: true };
  const model = modelAvailability(settings, config.agent?.model);
  return model.ok ? { ok: true } : { ok: false, message: model.message };
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

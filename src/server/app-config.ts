import type { AppConfigResponse } from "@/lib/contract/responses";
import { chromiumStatus, engineAvailability } from "./agents";
import { llmSettings } from "./agents/goal";
import { getRuntime } from "./runtime";

/** What this server can do: its concurrency limit and which engines can run (never a secret such as the model key). */
export function appConfig(): AppConfigResponse {
  const { env } = getRuntime();
  const settings = llmSettings(env);
  const chromium = chromiumStatus();
  const agent = engineAvailability({ engine: "agent" }, settings);
  return {
    maxConcurrency: env.MAX_CONCURRENCY,
    engines: {
      // Without Chromium a browser batch still runs, on the http engine (logged once).
      browser: chromium.found ? { available: true } : { available: true, message: chromium.message },
      http: { available: true },
      simulated: { available: true },
      agent: {
        ...(agent.ok ? { available: true } : { available: false, message: agent.message }),
        defaultModel: settings.defaultModel ?? null,
      },
    },
  };
}

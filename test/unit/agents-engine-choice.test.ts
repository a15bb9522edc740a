import { afterEach, describe, expect, it, vi } from "vitest";

// The engine choice is process-wide (src/server/process-wide.ts): each test looks for Chromium afresh.
const processWide = globalThis as unknown as { __fleetdeck?: Map<string, unknown> };

afterEach(() => {
  processWide.__fleetdeck?.delete("agents");
  vi.unstubAllEnvs();
});

describe("agentFor", () => {
  it("chooses the engine the config names", async () => {
    const { agentFor } = await import("@/server/agents");
    const { httpAgent } = await import("@/server/agents/http");
    const { simulatedAgent } = await import("@/server/agents/simulated");
    expect(agentFor({ engine: "http" })).toBe(httpAgent);
    expect(agentFor({ engine: "simulated" })).toBe(simulatedAgent);
  });

  it("falls back from browser to http when no Chromium is found, and says how to get one", async () => {
    vi.stubEnv("CHROMIUM_PATH", "/nonexistent/chromium");
    const { agentFor, chromiumStatus } = await import("@/server/agents");
    const { httpAgent } = await import("@/server/agents/http");
    expect(agentFor({ engine: "browser" })).toBe(httpAgent);
    const status = chromiumStatus();
    expect(status.found).toBe(false);
    expect(status.found === false && status.message).toContain("apt-get install -y chromium");
  });

  it("uses the browser engine when Chromium is there", async () => {
    const { findChromium } = await import("@/server/agents/chromium");
    const found = findChromium();
    if (!found) return; // `npm test` installs one; nothing to check without it
    vi.stubEnv("CHROMIUM_PATH", found);
    const { agentFor, chromiumStatus } = await import("@/server/agents");
    const { browserAgent } = await import("@/server/agents/browser");
    expect(agentFor({ engine: "browser" })).toBe(browserAgent);
    expect(chromiumStatus()).toEqual({ found: true, path: found });
  });
});

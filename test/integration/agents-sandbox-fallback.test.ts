import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { agentConfigSchema } from "@/lib/contract/agent";
import { browserAgent } from "@/server/agents/browser";
import { browserSandbox, chromiumProcessIds, closeBrowser } from "@/server/agents/browser-pool";
import { findChromium } from "@/server/agents/chromium";
import { allowHost, clearAllowedHosts } from "@/server/agents/network-guard";
import { log } from "@/server/log";
import { type FixtureSite, startFixtureSite } from "../fixtures/site";

/**
 * As root, Chromium gets its sandbox by running as an unprivileged user. Where that user cannot run it, the browser
 * must still work, without the sandbox, and the log must say so and why. Staged for real: CHROMIUM_PATH points
 * through a folder only root may enter, so the unprivileged launch fails as it would with a root-only install.
 */

let site: FixtureSite;
let rootOnly: string;
const previousChromiumPath = process.env.CHROMIUM_PATH;

beforeAll(async () => {
  site = await startFixtureSite();
  allowHost(site.host);
  rootOnly = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-root-only-"));
  fs.chmodSync(rootOnly, 0o700);
  fs.symlinkSync(findChromium()!, path.join(rootOnly, "chromium"));
  process.env.CHROMIUM_PATH = path.join(rootOnly, "chromium");
});

afterAll(async () => {
  clearAllowedHosts();
  await closeBrowser();
  await site.close();
  if (previousChromiumPath === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = previousChromiumPath;
  fs.rmSync(rootOnly, { recursive: true, force: true });
});

describe.runIf(process.platform === "linux" && process.getuid?.() === 0)("Chromium sandbox fallback as root", () => {
  it("runs the job without the sandbox when Chromium cannot run as the unprivileged user, and logs why", async () => {
    const warn = vi.spyOn(log(), "warn");
    const result = await browserAgent.run(
      {
        id: "job-1",
        executionId: "exec-1",
        inputId: "1",
        siteUrl: `${site.origin}/item/1`,
        goal: null,
        row: {},
        retryCount: 0,
      },
      {
        config: agentConfigSchema.parse({ engine: "browser", timeoutMs: 30_000 }),
        signal: new AbortController().signal,
        progress: () => {},
        screenshot: () => {},
      },
    );
    expect(result.extractedData.h1).toBe("Blue Kettle");

    const decided = browserSandbox();
    expect(decided).toMatchObject({ sandboxed: false, reason: expect.stringContaining("runs as root") });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatch(
      /^Chromium runs WITHOUT its sandbox: fleetdeck runs as root, .*could not start as the unprivileged user 65534/,
    );
    const { browser } = chromiumProcessIds();
    expect(fs.readFileSync(`/proc/${browser}/cmdline`, "utf8")).toContain("--no-sandbox");
  });
});

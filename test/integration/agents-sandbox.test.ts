import { spawnSync } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import { browserAgent } from "@/server/agents/browser";
import { browserSandbox, chromiumProcessIds, closeBrowser } from "@/server/agents/browser-pool";
import { allowHost, clearAllowedHosts } from "@/server/agents/network-guard";
import type { AgentJob } from "@/server/agents/types";
import { log } from "@/server/log";

/**
 * Chromium's sandbox and WebRTC, on the real browser. A local page server plays the untrusted site; a local UDP
 * socket plays the STUN server a page would use to learn the machine's addresses around the proxy.
 */

let pages: Server;
let origin: string;
let stun: dgram.Socket;
let stunPort: number;
const stunPackets: string[] = [];
/** Answers the held page's /release request: until then the job waits on that page, its renderer alive. */
let release: (() => void) | null = null;

/** Shows #released once the test lets it: the job stays on the page while the test inspects Chromium's processes. */
const HELD_PAGE = `<!doctype html><title>Held</title><h1>Held page</h1>
<script>fetch("/release").then(() => { const p = document.createElement("p"); p.id = "released"; p.textContent = "go"; document.body.append(p); });</script>`;

/** Gathers ICE candidates with the STUN server and writes what it got into #ice once gathering ends (or 5 s pass). */
const WEBRTC_PAGE = (
  port: number,
) => `<!doctype html><html><head><title>WebRTC probe</title></head><body><output id="ice"></output>
<script>
(async () => {
  const out = document.getElementById("ice");
  const candidates = [];
  let state = "unsupported";
  try {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1:${port}" }] });
    pc.onicecandidate = (e) => { if (e.candidate) candidates.push(e.candidate.candidate); };
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((done) => {
      if (pc.iceGatheringState === "complete") return done();
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === "complete") done(); };
      setTimeout(done, 5000);
    });
    state = pc.iceGatheringState;
  } catch (e) {
    state = "error: " + e;
  }
  out.textContent = JSON.stringify({ state, candidates });
  out.dataset.done = "yes";
})();
</script></body></html>`;

beforeAll(async () => {
  stun = dgram.createSocket("udp4");
  stun.on("message", (message, from) => stunPackets.push(`${from.address}:${from.port} ${message.length} bytes`));
  await new Promise<void>((resolve) => stun.bind(0, "127.0.0.1", resolve));
  stunPort = (stun.address() as AddressInfo).port;

  pages = createServer((req, res) => {
    if (req.url === "/release") {
      release = () => res.end("ok");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(req.url === "/webrtc" ? WEBRTC_PAGE(stunPort) : HELD_PAGE);
  });
  await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
  const { port } = pages.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  allowHost(`127.0.0.1:${port}`);
});

afterAll(async () => {
  clearAllowedHosts();
  await closeBrowser();
  pages.closeAllConnections();
  await new Promise<void>((resolve) => pages.close(() => resolve()));
  stun.close();
});

async function runBrowserJob(url: string, config: Partial<AgentConfig> = {}) {
  const job: AgentJob = {
    id: "job-1",
    executionId: "exec-1",
    inputId: "1",
    siteUrl: url,
    goal: null,
    row: { url },
    retryCount: 0,
  };
  return browserAgent.run(job, {
    config: agentConfigSchema.parse({ engine: "browser", timeoutMs: 30_000, ...config }),
    signal: new AbortController().signal,
    progress: () => {},
    screenshot: () => {},
  });
}

const isRoot = () => process.getuid?.() === 0;
/** The unprivileged user ("nobody") Chromium runs as when fleetdeck runs as root. */
const UNPRIVILEGED_ID = 65534;

/** Can this machine give Chromium a sandbox? Asked of the kernel here, independently of the code under test. */
function kernelAllowsSandbox(): boolean {
  if (isRoot()) {
    return (
      spawnSync("setpriv", [
        `--reuid=${UNPRIVILEGED_ID}`,
        `--regid=${UNPRIVILEGED_ID}`,
        "--clear-groups",
        "unshare",
        "-U",
        "true",
      ]).status === 0
    );
  }
  return spawnSync("unshare", ["-U", "true"]).status === 0;
}

function processInfo(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    type: /--type=([\w-]+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "))?.[1] ?? "browser",
    uid: Number(/^Uid:\s+(\d+)/m.exec(status)![1]),
    seccomp: Number(/^Seccomp:\s+(\d)/m.exec(status)![1]),
    userNamespace: fs.readlinkSync(`/proc/${pid}/ns/user`),
  };
}

describe.runIf(process.platform === "linux")("Chromium sandbox", () => {
  it("runs every renderer inside the sandbox wherever the kernel allows it, else says why it does not", async () => {
    // Observed, not replaced: the decision must be in the log, whichever it is.
    const info = vi.spyOn(log(), "info");
    const warn = vi.spyOn(log(), "warn");
    const job = runBrowserJob(`${origin}/held`, { steps: [{ action: "waitFor", selector: "#released" }] });
    await expect.poll(() => release, { timeout: 20_000 }).not.toBeNull();

    const { browser, all } = chromiumProcessIds();
    expect(browser).not.toBeNull();
    const processes = all.map(processInfo);
    const renderers = processes.filter((p) => p.type === "renderer");
    expect(renderers.length).toBeGreaterThan(0);
    release!();
    expect((await job).extractedData.h1).toBe("Held page");

    if (kernelAllowsSandbox()) {
      const ownNamespace = fs.readlinkSync("/proc/self/ns/user");
      for (const renderer of renderers) {
        // seccomp-bpf filter on, and a user namespace of its own: the two layers of Chromium's Linux sandbox.
        expect(renderer).toMatchObject({ seccomp: 2 });
        expect(renderer.userNamespace).not.toBe(ownNamespace);
      }
      // As root, not one Chromium process keeps root's rights.
      if (isRoot()) expect(processes.every((p) => p.uid === UNPRIVILEGED_ID)).toBe(true);
      expect(fs.readFileSync(`/proc/${browser}/cmdline`, "utf8")).not.toContain("--no-sandbox");
      const decided = browserSandbox();
      expect(decided).toEqual({ sandboxed: true, uid: isRoot() ? UNPRIVILEGED_ID : process.getuid!() });
      expect(info).toHaveBeenCalledWith({ uid: decided!.sandboxed && decided!.uid }, "Chromium runs with its sandbox");
      expect(warn).not.toHaveBeenCalledWith(expect.anything(), expect.stringContaining("WITHOUT its sandbox"));
    } else {
      const decided = browserSandbox();
      expect(decided).toMatchObject({
        sandboxed: false,
        reason: expect.stringMatching(isRoot() ? /runs as root/ : /kernel refused/),
      });
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ reason: decided!.sandboxed ? "" : decided!.reason }),
        expect.stringContaining("WITHOUT its sandbox"),
      );
    }
  });

  it("lets WebRTC send no UDP around the proxy: a page's STUN probe reaches no one", async () => {
    const result = await runBrowserJob(`${origin}/webrtc`, {
      steps: [{ action: "waitFor", selector: "#ice[data-done]" }],
      fields: [{ name: "ice", selector: "#ice", attribute: "textContent", multiple: false, required: true }],
    });
    const ice = JSON.parse(result.extractedData.ice as string) as { state: string; candidates: string[] };
    // WebRTC itself works (the page could have used it), it just finds no way out but the proxy.
    expect(ice).toEqual({ state: "complete", candidates: [] });
    expect(stunPackets).toEqual([]);
  });
});

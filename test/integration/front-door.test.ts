import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type SimulatedRun, startSimulatedRun } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

/**
 * The real server's front door: what a page on another site, a DNS-rebinding name or a malformed path can do
 * to a fleetdeck running on the user's machine (nothing), and the headers every answer carries.
 */

let server: RunningServer;
let run: SimulatedRun;
let port: number;

/** A raw request, so that Host and Origin are exactly what an attacker's browser would send. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path, headers: { host: `localhost:${port}`, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const executionStatus = async () =>
  (
    JSON.parse((await raw("GET", `/api/executions/${run.executionId}`, {})).body) as {
      execution: { status: string; concurrency: number };
    }
  ).execution;

beforeAll(async () => {
  server = await startServer();
  port = Number(new URL(server.url).port);
  run = await startSimulatedRun(server.url, 50, { durationMs: 60_000, failRate: 0 }, 2);
});

afterAll(async () => {
  await raw("POST", `/api/executions/${run.executionId}/stop`, {}).catch(() => undefined);
  await server?.kill();
});

describe("front door", () => {
  it("refuses a cross-site page's writes: pause, stop, adjust, create — and changes nothing", async () => {
    const evil = { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" };
    for (const [path, body] of [
      [`/api/executions/${run.executionId}/pause`, ""],
      [`/api/executions/${run.executionId}/stop`, "reason=x"],
      [`/api/executions/${run.executionId}/adjust-concurrency`, "concurrency=1"],
      ["/api/projects", "name=pwned"],
    ] as const) {
      const res = await raw("POST", path, evil, body);
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe("forbidden");
    }
    // A no-cors fetch or a form whose Origin the browser withheld still says where it came from.
    const hidden = await raw("POST", `/api/executions/${run.executionId}/pause`, { "sec-fetch-site": "cross-site" });
    expect(hidden.status).toBe(403);

    expect(await executionStatus()).toMatchObject({ status: "running", concurrency: 2 });
    const projects = JSON.parse((await raw("GET", "/api/projects", {})).body).projects as { name: string }[];
    expect(projects.map((p) => p.name)).not.toContain("pwned");
  });

  it("lets the app's own pages and scripts without an Origin (curl, the SDK) steer", async () => {
    const own = await raw("POST", `/api/executions/${run.executionId}/pause`, { origin: `http://localhost:${port}` });
    expect(own.status).toBe(200);
    const script = await raw("POST", `/api/executions/${run.executionId}/resume`, {});
    expect(script.status).toBe(200);
    expect((await executionStatus()).status).toBe("running");
  });

  it("demands application/json for JSON bodies, so a form cannot post one", async () => {
    const res = await raw(
      "POST",
      `/api/executions/${run.executionId}/adjust-concurrency`,
      { "content-type": "text/plain" },
      '{"concurrency":1}',
    );
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).error.message).toMatch(/application\/json/);
    const missing = await raw("POST", "/api/projects", {}, '{"name":"no type"}');
    expect(missing.status).toBe(415);
    expect((await executionStatus()).concurrency).toBe(2);
  });

  it("refuses a DNS-rebinding name: reads and writes alike", async () => {
    for (const method of ["GET", "POST"]) {
      const res = await raw(method, "/api/projects", { host: `rebind.attacker.example:${port}` });
      expect(res.status, method).toBe(403);
      expect(JSON.parse(res.body).error).toMatchObject({
        code: "forbidden",
        message: expect.stringContaining("ALLOWED_HOSTNAMES"),
      });
    }
    expect((await raw("GET", "/", { host: `rebind.attacker.example:${port}` })).status).toBe(403);
  });

  it("answers a malformed path with 400 in the contract's error shape", async () => {
    const res = await raw("GET", "/api/projects/%E0%A4%A", {});
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(res.body).error.code).toBe("validation_failed");
  });

  it("puts the security headers on pages and API answers", async () => {
    for (const path of ["/", "/api/projects"]) {
      const res = await raw("GET", path, {});
      expect(res.headers["x-frame-options"], path).toBe("DENY");
      expect(res.headers["x-content-type-options"], path).toBe("nosniff");
      expect(res.headers["referrer-policy"], path).toBe("same-origin");
      expect(res.headers["content-security-policy"], path).toMatch(/frame-ancestors 'none'/);
    }
    const page = await raw("GET", "/", {});
    expect(page.headers["content-security-policy"]).toMatch(
      /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
    );
    expect(page.headers["content-security-policy"]).not.toMatch(/unsafe-eval/);
  });

  it("refuses a WebSocket from another site's page and accepts the app's own", async () => {
    const open = (origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws/executions`, {
          origin,
          headers: { host: `localhost:${port}` },
        });
        ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
        ws.on("message", () => {
          ws.close();
          resolve("connected");
        });
        ws.on("error", (e) => resolve(`error ${e.message}`));
      });
    expect(await open("https://evil.example")).toBe("refused 403");
    expect(await open(`http://localhost:${port}`)).toBe("connected");
  });

  it("closes a WebSocket upgrade under /_next/ that no dev server takes, instead of holding it open", async () => {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const closed = new Promise<string>((resolve) => {
      socket.once("close", () => resolve("closed"));
      setTimeout(() => resolve("still open"), 5_000).unref();
    });
    socket.write(
      `GET /_next/webpack-hmr HTTP/1.1\r\nHost: localhost:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    expect(await closed).toBe("closed");
    socket.destroy();
  });
});

import { randomBytes, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { log } from "../log";
import { processWide } from "../process-wide";
import { type NetworkGuard, pinnedLookup } from "./network-guard";
import { AgentError } from "./types";

/**
 * An HTTP proxy on 127.0.0.1 that each browser context uses (one per job): Chromium's request interception does not
 * see redirect hops, a proxy sees every request — documents, redirects, subresources, https tunnels, websockets.
 * Each one passes the network guard, and the connection goes to the address the guard checked (no second DNS answer).
 * A refused request is answered 403 (the page sees an error); the refusal is kept for the job.
 *
 * Only this process's own browser may use it: every request must carry the per-process secret as its proxy
 * credentials (Playwright answers the 407 challenge with them), so another local program or user cannot borrow the
 * proxy to reach what the guard admits. Every failure is answered (400, 403, 407, 502) and logged once.
 */
export interface GuardProxy {
  /** "http://127.0.0.1:<port>" */
  server: string;
  /** The credentials the browser context must present: Playwright's `proxy: { server, username, password }`. */
  username: string;
  password: string;
  /** The guard's error for a refused URL (http: the URL; https: any URL on the refused host:port). */
  refusalFor(url: string): AgentError | undefined;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const PROXY_USER = "fleetdeck";
const CHALLENGE = 'Basic realm="fleetdeck agents"';

const hostKey = (url: URL) => `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;

/** Made once per process and never written anywhere: only the browser this process launches is told it. */
const proxySecret = processWide("guardProxySecret", () => randomBytes(32).toString("base64url"));

function hasCredentials(req: IncomingMessage): boolean {
  const expected = Buffer.from(`Basic ${Buffer.from(`${PROXY_USER}:${proxySecret()}`).toString("base64")}`);
  const given = Buffer.from(req.headers["proxy-authorization"] ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A raw HTTP answer on a socket that has no ServerResponse (CONNECT, upgrades). */
function answerRaw(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    ...Object.entries({ ...headers, "content-length": "0", connection: "close" }).map(([k, v]) => `${k}: ${v}`),
  ];
  if (!socket.destroyed) socket.end(`${lines.join("\r\n")}\r\n\r\n`);
}

function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(message);
}

export async function startGuardProxy(guard: NetworkGuard): Promise<GuardProxy> {
  const refusals = new Map<string, AgentError>();
  const sockets = new Set<Duplex>();

  const refuse = (key: string, e: unknown) => {
    const error = e instanceof AgentError ? e : new AgentError(String(e), false, "refused_address");
    if (!refusals.has(key)) refusals.set(key, error);
  };
  const logFailure = (target: string, e: unknown) =>
    log().warn(
      { target: target.slice(0, 200), err: e instanceof Error ? e.message : String(e) },
      "guard proxy could not serve a request",
    );

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "";
    if (!hasCredentials(req))
      return answer(res, 407, "Proxy authentication required", { "proxy-authenticate": CHALLENGE });
    // A proxied plain request names an absolute http URL; https goes through CONNECT.
    if (!/^http:\/\//i.test(target))
      return answer(res, 400, "Only absolute http:// URLs are proxied (https uses CONNECT)");
    let admitted: Awaited<ReturnType<typeof guard.admit>>;
    try {
      admitted = await guard.admit(target);
    } catch (e) {
      refuse(target, e);
      return answer(res, 403, "Refused by fleetdeck's network guard");
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      logFailure(target, e);
      answer(res, 502, "The page's server could not be reached");
    };
    const upstream = http.request(admitted.url, {
      method: req.method,
      headers,
      // Connect to the checked address, not to whatever a second lookup would answer.
      lookup: pinnedLookup(admitted.addresses) as never,
    });
    upstream.on("response", (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers))
        if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      up.on("error", () => res.destroy());
      up.pipe(res);
    });
    upstream.on("error", fail);
    req.on("error", () => upstream.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  }

  // https (and ws/wss) arrive as CONNECT host:port tunnels: the path is not visible, the host is checked.
  async function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    if (!hasCredentials(req))
      return answerRaw(client, 407, "Proxy Authentication Required", { "proxy-authenticate": CHALLENGE });
    const url = `https://${req.url}/`;
    let admitted: Awaited<ReturnType<typeof guard.admit>>;
    try {
      admitted = await guard.admit(url);
    } catch (e) {
      refuse(req.url ?? url, e);
      return answerRaw(client, 403, "Forbidden");
    }
    const port = Number(admitted.url.port || 443);
    let connected = false;
    const upstream = net.connect(
      { port, host: admitted.url.hostname, lookup: pinnedLookup(admitted.addresses) as never },
      () => {
        connected = true;
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      },
    );
    upstream.on("error", (e) => {
      if (connected) return client.destroy();
      logFailure(url, e);
      answerRaw(client, 502, "Bad Gateway");
    });
    client.on("close", () => upstream.destroy());
  }

  const server = http.createServer((req, res) => {
    forward(req, res).catch((e) => {
      logFailure(req.url ?? "", e);
      answer(res, 502, "The proxy failed");
    });
  });
  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    tunnel(req, client, head).catch((e) => {
      logFailure(req.url ?? "", e);
      answerRaw(client, 502, "Bad Gateway");
    });
  });
  // Chromium tunnels websockets through CONNECT; a plain upgrade is not something this proxy serves.
  server.on("upgrade", (_req: IncomingMessage, socket: Duplex) => answerRaw(socket, 400, "Bad Request"));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    server: `http://127.0.0.1:${port}`,
    username: PROXY_USER,
    password: proxySecret(),
    refusalFor(raw: string) {
      if (refusals.has(raw)) return refusals.get(raw);
      try {
        const url = new URL(raw);
        return refusals.get(url.toString()) ?? (url.protocol === "https:" ? refusals.get(hostKey(url)) : undefined);
      } catch {
        return undefined;
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

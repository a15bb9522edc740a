import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { pinnedLookup, type NetworkGuard } from "./network-guard";
import { AgentError } from "./types";

/**
 * An HTTP proxy on 127.0.0.1 that each browser context uses (one per job): Chromium's request interception does not
 * see redirect hops, a proxy sees every request — documents, redirects, subresources, https tunnels, websockets.
 * Each one passes the network guard, and the connection goes to the address the guard checked (no second DNS answer).
 * A refused request gets its connection closed (the page sees a network error); the refusal is kept for the job.
 */
export interface GuardProxy {
  /** "http://127.0.0.1:<port>" */
  server: string;
  /** The guard's error for a refused URL (http: the URL; https: any URL on the refused host:port). */
  refusalFor(url: string): AgentError | undefined;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"]);

const hostKey = (url: URL) => `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;

export async function startGuardProxy(guard: NetworkGuard): Promise<GuardProxy> {
  const refusals = new Map<string, AgentError>();
  const sockets = new Set<Duplex>();

  const refuse = (key: string, e: unknown) => {
    const error = e instanceof AgentError ? e : new AgentError(String(e), false, "refused_address");
    if (!refusals.has(key)) refusals.set(key, error);
  };

  const server = http.createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? "";
    let admitted;
    try {
      admitted = await guard.admit(target);
    } catch (e) {
      refuse(target, e);
      res.socket?.destroy();
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = http.request(admitted.url, {
      method: req.method,
      headers,
      // Connect to the checked address, not to whatever a second lookup would answer.
      lookup: pinnedLookup(admitted.addresses) as never,
    });
    upstream.on("response", (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      up.pipe(res);
    });
    upstream.on("error", () => res.socket?.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });

  // https (and wss) arrive as CONNECT host:port tunnels: the path is not visible, the host is checked.
  server.on("connect", async (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const url = `https://${req.url}/`;
    let admitted;
    try {
      admitted = await guard.admit(url);
    } catch (e) {
      refuse(req.url ?? url, e);
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const port = Number(admitted.url.port || 443);
    const upstream = net.connect({ port, host: admitted.url.hostname, lookup: pinnedLookup(admitted.addresses) as never }, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
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

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Env } from "../env";
import { checkRequest, type GateRefusal, gatePolicy, LOOPBACK_HOSTNAMES } from "./request-gate";
import { securityHeadersFor } from "./security-headers";

/**
 * What server.ts does with every request before Next.js or the WebSocket hub sees it: refuse callers the
 * request gate does not admit (in the contract's error shape), and put the security headers on every answer.
 */
export interface FrontDoor {
  /** true when the request was answered here (refused); otherwise headers are set and Next.js goes on. */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  /** true when the upgrade may go on; otherwise the socket has been answered and closed. */
  admitUpgrade(req: IncomingMessage, socket: Duplex): boolean;
}

export function frontDoor(env: Env, options: { dev: boolean }): FrontDoor {
  const policy = gatePolicy(env);
  const gateOf = (req: IncomingMessage, upgrade: boolean) =>
    checkRequest({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers }, policy, { upgrade });

  return {
    admit(req, res) {
      const pathname = pathnameOf(req.url);
      const security = securityHeadersFor(pathname, options);
      for (const [name, value] of Object.entries(security.headers)) res.setHeader(name, value);
      const refusal = gateOf(req, false);
      if (refusal) {
        const body = errorBody(refusal);
        res.writeHead(refusal.status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        });
        res.end(req.method === "HEAD" ? undefined : body);
        return true;
      }
      // Next.js takes the script nonce from the request's policy; a client cannot choose it.
      delete req.headers["content-security-policy-report-only"];
      if (security.requestPolicy) req.headers["content-security-policy"] = security.requestPolicy;
      else delete req.headers["content-security-policy"];
      return false;
    },
    admitUpgrade(req, socket) {
      const refusal = gateOf(req, true);
      if (!refusal) return true;
      const body = errorBody(refusal);
      socket.end(
        `HTTP/1.1 ${refusal.status} ${refusal.status === 403 ? "Forbidden" : "Bad Request"}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      setTimeout(() => socket.destroy(), 1000).unref();
      return false;
    },
  };
}

function errorBody(refusal: GateRefusal): string {
  return JSON.stringify({ error: { code: refusal.code, message: refusal.message, details: {} } });
}

function pathnameOf(url: string | undefined): string {
  const raw = url ?? "/";
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

const LOOPBACK_BINDS = new Set(LOOPBACK_HOSTNAMES);

/** What to tell the operator at start-up when fleetdeck listens beyond this machine; null when it does not. */
export function exposureNotice(env: Env): string | null {
  if (LOOPBACK_BINDS.has(env.HOST.toLowerCase()) || env.HOST.startsWith("127.")) return null;
  const names = gatePolicy(env).hostnames;
  const reachable = [...names].filter((n) => !LOOPBACK_BINDS.has(n));
  return (
    `fleetdeck listens on ${env.HOST}, beyond this machine. Anyone who can reach it can use it: put it behind access control. ` +
    (reachable.length > 0
      ? `It answers to: ${reachable.join(", ")}.`
      : "It answers only to loopback names until you set PUBLIC_URL or ALLOWED_HOSTNAMES (requests for other names get 403).")
  );
}

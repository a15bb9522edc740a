import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type Caller, type Credential, credentialOf, LOCAL_CALLER, SIGN_IN_PLEASE } from "../auth/caller";
import { CONTEXT_HEADER, holdContext } from "../auth/request-context";
import { isDatabaseUnavailable } from "../db/unavailable";
import { authOn, type Env, isLoopbackBind } from "../env";
import { log } from "../log";
import { checkRequest, type GateRefusal, gatePolicy, LOOPBACK_HOSTNAMES } from "./request-gate";
import { securityHeadersFor } from "./security-headers";

/**
 * What server.ts does with every request before Next.js or the WebSocket hub sees it: refuse callers the
 * request gate does not admit (in the contract's error shape), put the security headers on every answer, and with
 * AUTH=on turn away anyone without a credential (401 for the API, a redirect to /login for pages) before any
 * route runs. The caller it found travels to the route (auth/request-context.ts), so a request costs one lookup.
 */
export interface FrontDoor {
  /** true when the request was answered here (refused); otherwise headers are set and Next.js goes on. */
  admit(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** true when the upgrade may go on; otherwise the socket has been answered and closed. */
  admitUpgrade(req: IncomingMessage, socket: Duplex): boolean;
}

/** Finds the caller a credential stands for (a database read); null when there is none or it is no longer valid. */
export type CallerLookup = (credential: Credential | null) => Promise<Caller | null>;

export function frontDoor(env: Env, options: { dev: boolean; lookup: CallerLookup }): FrontDoor {
  const policy = gatePolicy(env);
  const accounts = authOn(env);
  const gateOf = (req: IncomingMessage, upgrade: boolean) =>
    checkRequest({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers }, policy, { upgrade });

  return {
    async admit(req, res) {
      const pathname = pathnameOf(req.url);
      const security = securityHeadersFor(pathname, options);
      for (const [name, value] of Object.entries(security.headers)) res.setHeader(name, value);
      const refusal = gateOf(req, false);
      if (refusal) return answerRefusal(req, res, refusal);
      delete req.headers[CONTEXT_HEADER];
      let caller: Caller | null = null;
      if (accounts && !isPublicPath(pathname)) {
        try {
          caller = await options.lookup(credentialOf(req.headers));
        } catch (e) {
          if (!isDatabaseUnavailable(e)) log().error({ err: e }, "looking up a caller failed");
          res.setHeader("retry-after", "2");
          return answerRefusal(req, res, {
            status: 503,
            code: "unavailable",
            message: "Cannot check your sign-in right now: the database is unreachable; try again shortly",
          });
        }
        if (!caller) return turnAway(req, res, pathname);
      }
      const held = holdContext({
        caller: accounts ? (caller ?? undefined) : LOCAL_CALLER,
        address: req.socket.remoteAddress ?? null,
      });
      req.headers[CONTEXT_HEADER] = held.key;
      res.once("close", held.release);
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

/**
 * What anyone may reach with AUTH=on: the sign-in and invite pages and their API, health for load balancers, the
 * API reference (its document and page), the app's static files, and the bundled demo site the agents fetch. The
 * WebSocket checks each subscription instead.
 */
const PUBLIC_PATHS = new Set([
  "/login",
  "/api/health",
  "/api/auth/me",
  "/api/auth/login",
  "/api/auth/logout",
  "/api/openapi.json",
  "/docs/api",
  "/favicon.ico",
  "/icon.svg",
]);
const PUBLIC_PREFIXES = ["/_next/", "/invite/", "/api/auth/invites/", "/api/auth/oidc/", "/demo/"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname) || pathname === "/demo" || PUBLIC_PREFIXES.some((p) => pathname.startsWith(p));
}

/** No valid credential: the API (and /metrics, for scrapers) says 401; a page sends the person to sign in and back. */
function turnAway(req: IncomingMessage, res: ServerResponse, pathname: string): true {
  if (pathname.startsWith("/api/") || pathname === "/metrics") {
    return answerRefusal(req, res, {
      status: 401,
      code: "unauthenticated",
      message: SIGN_IN_PLEASE,
    });
  }
  const next = req.url && req.url !== "/" ? `?next=${encodeURIComponent(req.url)}` : "";
  res.writeHead(303, { location: `/login${next}`, "cache-control": "no-store", "content-length": 0 });
  res.end();
  return true;
}

function answerRefusal(req: IncomingMessage, res: ServerResponse, refusal: Refusal): true {
  const body = errorBody(refusal);
  res.writeHead(refusal.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}

type Refusal = { status: number; code: GateRefusal["code"] | "unauthenticated" | "unavailable"; message: string };

function errorBody(refusal: Refusal): string {
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
  if (isLoopbackBind(env.HOST)) return null;
  const names = gatePolicy(env).hostnames;
  const reachable = [...names].filter((n) => !LOOPBACK_BINDS.has(n));
  return (
    `fleetdeck listens on ${env.HOST}, beyond this machine; every request needs a signed-in user or an API token (AUTH=on). ` +
    (reachable.length > 0
      ? `It answers to: ${reachable.join(", ")}.`
      : "It answers only to loopback names until you set PUBLIC_URL or ALLOWED_HOSTNAMES (requests for other names get 403).")
  );
}

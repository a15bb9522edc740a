import type { Env } from "../env";
import { allowedHostnames, allowedOrigins } from "../env";

/**
 * Who may call: the first check every HTTP request and WebSocket upgrade passes, before Next.js or the hub sees it.
 *
 * - `Host` must name this server (a loopback name, the bind address, `ALLOWED_HOSTNAMES` or `PUBLIC_URL`'s host):
 *   a DNS-rebinding page reaches us under its own name and is refused.
 * - A state-changing request (or any WebSocket upgrade) that a browser sends from another site is refused: its
 *   `Origin` must be this server's own or listed in `ALLOWED_ORIGINS`; without an `Origin`, a browser's
 *   `Sec-Fetch-Site: cross-site` is refused. Scripts send neither and are judged by `Host` alone.
 * - A path that is not valid percent-encoding, or absurdly long, is a 400, never a bare 500 from deep inside.
 */

export interface GatePolicy {
  hostnames: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

export interface GateRefusal {
  status: number;
  code: "forbidden" | "validation_failed";
  message: string;
}

export interface GateRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export const LOOPBACK_HOSTNAMES: readonly string[] = ["localhost", "127.0.0.1", "::1"];
const UNSPECIFIED_ADDRESSES = new Set(["0.0.0.0", "::", ""]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Longer than any real path of the app (ids are UUIDs); refused before any route parses it. */
export const MAX_PATH_CHARS = 2048;

export function gatePolicy(env: Env): GatePolicy {
  const hostnames = new Set([...LOOPBACK_HOSTNAMES, ...allowedHostnames(env)]);
  const bind = normaliseHostname(env.HOST);
  if (!UNSPECIFIED_ADDRESSES.has(bind)) hostnames.add(bind);
  const origins = new Set(allowedOrigins(env));
  if (env.PUBLIC_URL) {
    const publicUrl = new URL(env.PUBLIC_URL);
    hostnames.add(normaliseHostname(publicUrl.hostname));
    origins.add(publicUrl.origin.toLowerCase());
  }
  return { hostnames, origins };
}

/** null when the request may go on; otherwise what to answer. `upgrade` marks a WebSocket handshake. */
export function checkRequest(
  request: GateRequest,
  policy: GatePolicy,
  options: { upgrade?: boolean } = {},
): GateRefusal | null {
  const host = header(request, "host");
  if (host !== undefined && !policy.hostnames.has(hostnameOf(host))) {
    return forbidden(
      `This server does not answer to the host name "${hostnameOf(host)}". ` +
        "To reach it under that name, add it to ALLOWED_HOSTNAMES (or set PUBLIC_URL).",
    );
  }

  const path = pathOf(request.url);
  if (path.length > MAX_PATH_CHARS) {
    return { status: 400, code: "validation_failed", message: `The path is over ${MAX_PATH_CHARS} characters` };
  }
  try {
    decodeURIComponent(path);
  } catch {
    return { status: 400, code: "validation_failed", message: "The path is not valid percent-encoding (RFC 3986)" };
  }

  if (!options.upgrade && SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const origin = header(request, "origin");
  if (origin !== undefined) {
    if (isOwnOrigin(origin, host) || policy.origins.has(origin.toLowerCase().replace(/\/+$/, ""))) return null;
    return forbidden(
      `Requests from ${origin === "null" ? "an opaque origin" : origin} may not change anything here. To allow that origin, list it in ALLOWED_ORIGINS.`,
    );
  }
  if (header(request, "sec-fetch-site") === "cross-site") {
    return forbidden("Requests from another site may not change anything here.");
  }
  return null;
}

/** The origin a page of this server has: same host and port as the request, whatever the scheme in front. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() === new URL(`http://${host}`).host.toLowerCase();
  } catch {
    return false;
  }
}

function forbidden(message: string): GateRefusal {
  return { status: 403, code: "forbidden", message };
}

function header(request: GateRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Host` without its port; IPv6 without brackets; lower case, no trailing dot. */
export function hostnameOf(host: string): string {
  const trimmed = host.trim();
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(trimmed);
  if (bracketed) return normaliseHostname(bracketed[1]!);
  const colons = trimmed.split(":").length - 1;
  // One colon is a port; more is a bare IPv6 address (invalid in Host, compared as is).
  return normaliseHostname(colons === 1 ? trimmed.slice(0, trimmed.indexOf(":")) : trimmed);
}

function normaliseHostname(hostname: string): string {
  return hostname
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

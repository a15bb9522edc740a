import type { Actor } from "@/lib/contract/auth";
import type { Db } from "../db/client";
import { processWide } from "../process-wide";
import * as accounts from "../repos/accounts";
import { hashSecret } from "./secrets";

/**
 * Who is calling. In local mode (AUTH=off) every caller is the local user; with accounts, a signed-in browser
 * (a session cookie) or a script (an API token), each on behalf of a user.
 */
export type Caller =
  | { kind: "local" }
  | { kind: "session"; user: accounts.UserRow; sessionId: string }
  | { kind: "token"; user: accounts.UserRow; token: accounts.TokenRow };

export const LOCAL_CALLER: Caller = Object.freeze({ kind: "local" });

export const SESSION_COOKIE = "fleetdeck_session";

/** What a caller without a credential is told over HTTP (the front door and the route guard). */
export const SIGN_IN_PLEASE = 'Sign in, or send an API token as Authorization: Bearer <token> (README "Teams")';

/** The credential a request carries: a bearer token wins over a cookie (a script never means the browser's). */
export interface Credential {
  kind: "session" | "token";
  secret: string;
}

export function credentialOf(headers: { authorization?: string | null; cookie?: string | null }): Credential | null {
  const authorization = headers.authorization?.trim();
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    // A malformed Authorization is no credential at all, never a fallback to the cookie.
    return bearer ? { kind: "token", secret: bearer[1]! } : { kind: "token", secret: "" };
  }
  const session = cookieValue(headers.cookie, SESSION_COOKIE);
  return session ? { kind: "session", secret: session } : null;
}

/** The caller a credential stands for, or null when it is unknown, expired or revoked (one indexed read). */
export async function callerOf(db: Db, credential: Credential | null): Promise<Caller | null> {
  if (!credential || credential.secret === "" || credential.secret.length > 200) return null;
  const secretHash = hashSecret(credential.secret);
  if (credential.kind === "session") {
    const found = await accounts.findLiveSession(db, secretHash);
    return found ? { kind: "session", user: found.user, sessionId: found.session.id } : null;
  }
  const found = await accounts.findLiveToken(db, secretHash);
  if (!found) return null;
  noteTokenUse(db, found.token.id);
  return { kind: "token", user: found.user, token: found.token };
}

/** When this process last recorded each token's use: a script's every request must not cost a write. */
const touched = processWide("token-touches", () => new Map<string, number>());
const TOUCH_EVERY_MS = 60_000;

function noteTokenUse(db: Db, tokenId: string) {
  const now = Date.now();
  const last = touched().get(tokenId);
  if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
  if (touched().size > 10_000) touched().clear();
  touched().set(tokenId, now);
  void accounts.touchToken(db, tokenId).catch(() => {}); // last use is informative; never fail a request on it
}

/** How events and the audit trail name the caller; null in local mode (events then carry no actor). */
export function actorOf(caller: Caller): Actor | null {
  switch (caller.kind) {
    case "local":
      return null;
    case "session":
      return { type: "user", id: caller.user.id, name: caller.user.name };
    case "token":
      return { type: "token", id: caller.token.id, name: `${caller.user.name} (token "${caller.token.name}")` };
  }
}

/**
 * What revoking something cuts: a session, a token, or everything of a user (sign-out everywhere, a membership
 * change). Open WebSockets whose caller holds one of these keys are closed at once (realtime/hub.ts).
 */
export function accessKeysOf(caller: Caller): string[] {
  switch (caller.kind) {
    case "local":
      return [];
    case "session":
      return [`session:${caller.sessionId}`, `user:${caller.user.id}`];
    case "token":
      return [`token:${caller.token.id}`, `user:${caller.user.id}`];
  }
}

export function cookieValue(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

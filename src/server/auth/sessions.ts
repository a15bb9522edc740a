import type { Env } from "../env";
import { AppError } from "../errors";
import * as accounts from "../repos/accounts";
import { getRuntime } from "../runtime";
import { SESSION_COOKIE } from "./caller";
import { verifyNothing, verifyPassword } from "./passwords";
import { newSecret } from "./secrets";
import { forgiveAttempt, type ThrottleLimits, takeAttempt } from "./throttle";

/** Where a sign-in comes from, kept with the session (the account page lists them). */
export interface ClientInfo {
  address: string | null;
  userAgent: string | null;
}

/** One message for every wrong part: an unknown email and a wrong password must not be told apart. */
const WRONG = "The email or password is not right";

export async function signInWithPassword(
  email: string,
  password: string,
  client: ClientInfo,
): Promise<{ user: accounts.UserRow; cookie: string }> {
  const { db, env } = getRuntime();
  const limits = throttleLimits(env);
  await takeAttempt(db, limits, email, client.address);
  const user = await accounts.findUserByEmail(db, email);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyNothing(password);
  if (!user || !ok) throw new AppError("unauthenticated", 401, WRONG);
  await forgiveAttempt(db, email, client.address);
  return { user, cookie: await startSession(user.id, client) };
}

/** A new session for the user; returns the Set-Cookie value. */
export async function startSession(userId: string, client: ClientInfo): Promise<string> {
  const { db, env } = getRuntime();
  const secret = newSecret();
  const expiresAt = new Date(Date.now() + env.SESSION_DAYS * 24 * 3600_000);
  // Sessions past their expiry refuse themselves already; this only keeps the table small.
  await accounts.deleteExpiredSessions(db);
  await accounts.insertSession(db, {
    secretHash: secret.hash,
    userId,
    expiresAt,
    address: client.address,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
  });
  return sessionCookie(env, secret.value, env.SESSION_DAYS * 24 * 3600);
}

/** httpOnly (no script reads it), SameSite=Lax (no other site's form or fetch carries it), Secure behind https. */
export function sessionCookie(env: Env, value: string, maxAgeSeconds: number): string {
  const secure = env.PUBLIC_URL?.startsWith("https:") ? "; Secure" : "";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export function clearedSessionCookie(env: Env): string {
  return sessionCookie(env, "", 0);
}

function throttleLimits(env: Env): ThrottleLimits {
  return {
    perAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    perAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowMinutes: env.LOGIN_WINDOW_MINUTES,
  };
}

export async function endSession(sessionId: string): Promise<void> {
  const { db, bus } = getRuntime();
  await accounts.deleteSession(db, sessionId);
  bus.announceAccessChange([`session:${sessionId}`]);
}

/** Signs the user out of every browser and closes their live connections (their API tokens stay). */
export async function endAllSessions(userId: string): Promise<number> {
  const { db, bus } = getRuntime();
  const ended = await accounts.deleteSessionsOfUser(db, userId);
  bus.announceAccessChange(ended.map((id) => `session:${id}`));
  return ended.length;
}

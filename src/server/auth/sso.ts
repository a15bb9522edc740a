import type { Env } from "../env";
import { AppError } from "../errors";
import { publicOrigin } from "../http/origin";
import * as accounts from "../repos/accounts";
import { getRuntime } from "../runtime";
import { finishOidcSignIn, type OidcIdentity, type OidcSettings } from "./oidc";
import { type ClientInfo, startSession } from "./sessions";

/** The short-lived cookie that carries one sign-in attempt from /start to /callback (sealed: see oidc.ts). */
export const OIDC_FLOW_COOKIE = "fleetdeck_oidc";

export function oidcSettings(env: Env, request: Request): OidcSettings {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET)
    throw new AppError(
      "not_found",
      404,
      "Single sign-on is not configured (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)",
    );
  const base = publicOrigin(env, request);
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    redirectUri: `${base}/api/auth/oidc/callback`,
  };
}

/**
 * Signs in the person the identity provider vouched for: the account linked to their subject, else the account
 * with their verified email (linked from now on), else a new account with no project yet (an admin adds them).
 */
export async function finishSso(
  settings: OidcSettings,
  callbackUrl: URL,
  flowCookie: string | undefined,
  client: ClientInfo,
): Promise<{ cookie: string; returnTo: string }> {
  const identity = await finishOidcSignIn(settings, callbackUrl, flowCookie);
  const user = await accountFor(settings.issuer, identity);
  return { cookie: await startSession(user.id, client), returnTo: identity.returnTo };
}

async function accountFor(issuer: string, identity: OidcIdentity): Promise<accounts.UserRow> {
  const { db } = getRuntime();
  const subject = `${issuer}#${identity.subject}`;
  const linked = await accounts.findUserByOidcSubject(db, subject);
  if (linked) return linked;
  if (!identity.email || !identity.emailVerified)
    throw new AppError("unauthenticated", 401, "Single sign-on failed: the identity provider gave no verified email");
  const existing = await accounts.findUserByEmail(db, identity.email);
  if (existing) {
    await accounts.linkOidcSubject(db, existing.id, subject);
    return existing;
  }
  return accounts.insertUser(db, {
    email: identity.email,
    name: identity.name?.trim() || identity.email.split("@")[0]!,
    oidcSubject: subject,
  });
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import * as client from "openid-client";
import { isLoopbackBind } from "../env";
import { AppError } from "../errors";

/**
 * Single sign-on through OpenID Connect (authorization code flow with PKCE, state and nonce).
 *
 * Stateless between the two legs: what the callback must check travels in a sealed, short-lived cookie that the
 * caller stores, so any web process of a cluster can finish a sign-in that another one began.
 */

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Must be registered at the provider, exactly: `<PUBLIC_URL>/api/auth/oidc/callback`. */
  redirectUri: string;
}

export interface OidcIdentity {
  /** The provider's stable id for the user; unique together with the issuer (an email is not stable). */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  returnTo: string;
}

/** Lifetime of a sign-in attempt; the caller gives its flow cookie the same Max-Age. */
export const OIDC_FLOW_MAX_AGE_SECONDS = 10 * 60;

const SCOPE = "openid email profile";
const FLOW_FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A returnTo longer than this would push the cookie towards the browsers' 4 KB limit. */
const MAX_RETURN_TO_CHARS = 1024;

export async function beginOidcSignIn(
  settings: OidcSettings,
  returnTo: string,
): Promise<{ redirectUrl: string; flowCookie: string }> {
  const config = await discovered(settings);
  const flow: Flow = {
    codeVerifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
    returnTo: sameSiteReturnTo(returnTo),
    expiresAt: Date.now() + OIDC_FLOW_MAX_AGE_SECONDS * 1000,
  };
  const redirectUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirectUri,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { redirectUrl: redirectUrl.href, flowCookie: sealFlow(settings, flow) };
}

/**
 * `callbackUrl` is the URL the browser came back on; only its query is read. The token request names
 * `settings.redirectUri`, so a request URL rewritten by a proxy (another host or scheme) does not break the exchange.
 */
export async function finishOidcSignIn(
  settings: OidcSettings,
  callbackUrl: URL,
  flowCookie: string | undefined,
): Promise<OidcIdentity> {
  const flow = openFlow(settings, flowCookie);
  const config = await discovered(settings);
  const responseUrl = new URL(settings.redirectUri);
  responseUrl.search = callbackUrl.search;

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, responseUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (e) {
    const reason = describeFailure(e);
    if (reason === null) throw e;
    throw signInFailed(reason, e);
  }
  const idToken = tokens.claims();
  if (!idToken) throw signInFailed("the identity provider sent no ID token");

  // Providers that follow the spec to the letter put scope-requested claims (email, name) only in UserInfo.
  let profile: Record<string, unknown> = idToken;
  if ((idToken.email === undefined || idToken.name === undefined) && config.serverMetadata().userinfo_endpoint) {
    try {
      profile = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
    } catch (e) {
      throw signInFailed("the user's profile could not be read", e);
    }
  }
  return {
    subject: idToken.sub,
    email: typeof profile.email === "string" ? profile.email : null,
    // Some providers (e.g. Amazon Cognito) send the boolean as a string.
    emailVerified: profile.email_verified === true || profile.email_verified === "true",
    name: typeof profile.name === "string" ? profile.name : null,
    returnTo: flow.returnTo,
  };
}

/** A path on this site to go back to after signing in; anything that could leave the site becomes "/". */
export function sameSiteReturnTo(value: string): string {
  // Browsers read "/\host" like "//host", and drop tabs and newlines before parsing.
  const unsafe = !value.startsWith("/") || /^.[/\\]/.test(value) || /[\\\p{Cc}]/u.test(value);
  if (unsafe || value.length > MAX_RETURN_TO_CHARS) return "/";
  const base = new URL("http://site.invalid");
  const url = new URL(value, base);
  return url.origin === base.origin ? `${url.pathname}${url.search}${url.hash}` : "/";
}

// ---- discovery ------------------------------------------------------------------------------------------------

/** Discovery once per provider and client, not per sign-in; a failed discovery is forgotten so the next try refetches. */
const configurations = new Map<string, Promise<client.Configuration>>();

function discovered(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer}\n${settings.clientId}`;
  let config = configurations.get(key);
  if (!config) {
    config = discover(settings);
    configurations.set(key, config);
    config.catch(() => configurations.delete(key));
  }
  return config;
}

async function discover(settings: OidcSettings): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer);
  // Plain http only for a provider on this machine (tests, local development); elsewhere tokens would cross in clear.
  const insecure = issuer.protocol === "http:" && isLoopbackBind(issuer.hostname);
  try {
    return await client.discovery(
      issuer,
      settings.clientId,
      undefined,
      // The default method for a registered client in OpenID Connect when none is named.
      client.ClientSecretBasic(settings.clientSecret),
      insecure ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
    );
  } catch (e) {
    const error = new AppError(
      "unavailable",
      503,
      "Single sign-on is unavailable: the identity provider could not be reached or is misconfigured",
    );
    error.cause = e;
    throw error;
  }
}

// ---- the sealed flow cookie -----------------------------------------------------------------------------------

interface Flow {
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

function flowKey(settings: OidcSettings): Buffer {
  if (!settings.clientSecret) throw new Error("OIDC client secret is empty: the flow cookie cannot be sealed");
  return Buffer.from(hkdfSync("sha256", settings.clientSecret, "fleetdeck oidc", "flow cookie v1", 32));
}

/** Binds a cookie to the provider and client it was made for: one sealed for another configuration does not open. */
function flowContext(settings: OidcSettings): Buffer {
  return Buffer.from(`${settings.issuer}\n${settings.clientId}\n${settings.redirectUri}`);
}

function sealFlow(settings: OidcSettings, flow: Flow): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", flowKey(settings), iv);
  cipher.setAAD(flowContext(settings));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(flow), "utf8"), cipher.final()]);
  return `${FLOW_FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url")}`;
}

function openFlow(settings: OidcSettings, flowCookie: string | undefined): Flow {
  const expired = () =>
    new AppError("unauthenticated", 401, "The sign-in attempt expired or was tampered with; start again");
  const [format, body, ...rest] = (flowCookie ?? "").split(".");
  if (format !== FLOW_FORMAT || !body || rest.length > 0) throw expired();
  const bytes = Buffer.from(body, "base64url");
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw expired();
  let flow: unknown;
  try {
    const decipher = createDecipheriv("aes-256-gcm", flowKey(settings), bytes.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(flowContext(settings));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    flow = JSON.parse(plain.toString("utf8"));
  } catch {
    throw expired();
  }
  if (!isFlow(flow) || flow.expiresAt <= Date.now()) throw expired();
  return flow;
}

function isFlow(value: unknown): value is Flow {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.codeVerifier === "string" &&
    typeof v.state === "string" &&
    typeof v.nonce === "string" &&
    typeof v.returnTo === "string" &&
    typeof v.expiresAt === "number"
  );
}

// ---- failures -------------------------------------------------------------------------------------------------

function signInFailed(reason: string, cause?: unknown): AppError {
  const error = new AppError("unauthenticated", 401, `Single sign-on failed: ${reason}`);
  // For the server's log only: the contract body carries code and message, never the cause.
  if (cause !== undefined) error.cause = cause;
  return error;
}

/**
 * A short reason a user can act on; provider texts and library messages stay out of the response.
 * Null when the failure is not the provider's (a bug here), so that it surfaces as an internal error and is logged.
 */
function describeFailure(e: unknown): string | null {
  if (e instanceof client.AuthorizationResponseError) {
    return e.error === "access_denied"
      ? "the sign-in was cancelled or refused at the identity provider"
      : `the identity provider answered ${safeCode(e.error)}`;
  }
  const refusedClient = "the identity provider refused fleetdeck's client credentials";
  if (e instanceof client.WWWAuthenticateChallengeError) return refusedClient;
  if (e instanceof client.ResponseBodyError) {
    return e.error === "invalid_client"
      ? refusedClient
      : `the identity provider refused the code (${safeCode(e.error)})`;
  }
  if (e instanceof client.ClientError) {
    // openid-client wraps the failed check; its cause says which one.
    const detail = e.cause instanceof Error ? e.cause.message : e.message;
    if (/"state"/.test(detail)) return "the answer does not belong to this sign-in attempt";
    return "the identity provider's answer did not pass validation";
  }
  const unreachable =
    (e instanceof TypeError && e.message === "fetch failed") ||
    (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"));
  return unreachable ? "the identity provider could not be reached" : null;
}

/** OAuth error codes are short ASCII tokens; anything else is not echoed. */
function safeCode(code: string): string {
  return /^[\w.-]{1,64}$/.test(code) ? code : "an error";
}

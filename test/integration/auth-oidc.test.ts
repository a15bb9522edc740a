import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  beginOidcSignIn,
  finishOidcSignIn,
  OIDC_FLOW_MAX_AGE_SECONDS,
  type OidcSettings,
  sameSiteReturnTo,
} from "@/server/auth/oidc";
import { isAppError } from "@/server/errors";
import { launchBrowser } from "../helpers/browser";
import { type OidcTestProvider, startOidcProvider } from "../helpers/oidc-provider";

/**
 * Single sign-on against a real OpenID Connect provider on this machine, driven through its own login and consent
 * pages in Chromium; the callback lands on a bare HTTP server that stands in for fleetdeck's callback route.
 */

const CALLBACK_PATH = "/api/auth/oidc/callback";
const client = { clientId: "fleetdeck", clientSecret: "a-client-secret-long-enough-for-a-real-provider" };

let browser: Browser;
let callbackServer: Server;
let redirectUri: string;
let provider: OidcTestProvider;
let settings: OidcSettings;
const providers: OidcTestProvider[] = [];
let awaitingCallback: ((url: URL) => void) | undefined;

beforeAll(async () => {
  callbackServer = createServer((req, res) => {
    awaitingCallback?.(new URL(req.url ?? "/", redirectUri));
    awaitingCallback = undefined;
    res.end("back at fleetdeck");
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}${CALLBACK_PATH}`;
  provider = await startProvider();
  settings = { issuer: provider.issuer, ...client, redirectUri };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(providers.map((p) => p.close()));
  callbackServer?.closeAllConnections();
  await new Promise((resolve) => callbackServer?.close(resolve));
});

afterEach(() => {
  vi.useRealTimers();
});

async function startProvider(extra: Partial<Parameters<typeof startOidcProvider>[0]> = {}) {
  const started = await startOidcProvider({ ...client, redirectUris: [redirectUri], ...extra });
  providers.push(started);
  return started;
}

/** What a person does at the provider: type a login name (and any password), then grant consent. */
function signInAtProvider(redirectUrl: string, login = "ana"): Promise<URL> {
  return atProvider(redirectUrl, async (page) => {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
  });
}

/** Opens the authorization URL in a fresh browser, lets `act` work the provider's pages, and answers the callback. */
async function atProvider(redirectUrl: string, act: (page: Page) => Promise<void>): Promise<URL> {
  const context = await browser.newContext();
  try {
    // The provider's pages import a web font; nothing beyond this machine is needed, or reachable in CI.
    await context.route(
      (url) => url.hostname !== "127.0.0.1",
      (route) => route.abort(),
    );
    const page = await context.newPage();
    const callback = nextCallback();
    await page.goto(redirectUrl);
    await act(page);
    return await callback;
  } finally {
    await context.close();
  }
}

function nextCallback(): Promise<URL> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the browser never reached the callback")), 10_000);
    awaitingCallback = (url) => {
      clearTimeout(timer);
      resolve(url);
    };
  });
}

async function refusal(attempt: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { status: error.status, code: error.code, message: error.message };
}

const EXPIRED = {
  status: 401,
  code: "unauthenticated",
  message: "The sign-in attempt expired or was tampered with; start again",
};

describe("OpenID Connect single sign-on", () => {
  it("signs Ana in through the provider's pages and brings her back where she started", async () => {
    const { redirectUrl, flowCookie } = await beginOidcSignIn(settings, "/projects/42?tab=runs#latest");

    const authorize = new URL(redirectUrl);
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get("client_id")).toBe(client.clientId);
    expect(authorize.searchParams.get("redirect_uri")).toBe(redirectUri);
    expect(authorize.searchParams.get("scope")).toBe("openid email profile");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    const state = authorize.searchParams.get("state");
    const nonce = authorize.searchParams.get("nonce");
    expect(state).toBeTruthy();
    expect(nonce).toBeTruthy();
    // Sealed, not merely encoded: the browser holding the cookie cannot read what the callback will check.
    const readable = Buffer.from(flowCookie.split(".")[1] ?? "", "base64url").toString("latin1");
    for (const secret of [state!, nonce!, "/projects/42"]) expect(readable).not.toContain(secret);

    const callbackUrl = await signInAtProvider(redirectUrl);
    expect(callbackUrl.pathname).toBe(CALLBACK_PATH);
    expect(callbackUrl.searchParams.get("state")).toBe(state);

    expect(await finishOidcSignIn(settings, callbackUrl, flowCookie)).toEqual({
      subject: "ana",
      email: "ana@example.com",
      emailVerified: true,
      name: "Ana",
      returnTo: "/projects/42?tab=runs#latest",
    });

    // The code is spent: replaying the callback (a copied URL, the back button) is refused by the provider.
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, flowCookie))).toEqual({
      status: 401,
      code: "unauthenticated",
      message: "Single sign-on failed: the identity provider refused the code (invalid_grant)",
    });
  });

  it("refuses a callback whose state is not the one this sign-in sent", async () => {
    const { redirectUrl, flowCookie } = await beginOidcSignIn(settings, "/");
    const callbackUrl = await signInAtProvider(redirectUrl);

    const forged = new URL(callbackUrl);
    forged.searchParams.set("state", "a-state-from-another-attempt");
    expect(await refusal(finishOidcSignIn(settings, forged, flowCookie))).toEqual({
      status: 401,
      code: "unauthenticated",
      message: "Single sign-on failed: the answer does not belong to this sign-in attempt",
    });
    // Only the state was wrong: the genuine callback still goes through.
    expect((await finishOidcSignIn(settings, callbackUrl, flowCookie)).subject).toBe("ana");
  });

  it("refuses a tampered, missing or foreign flow cookie", async () => {
    const { redirectUrl, flowCookie } = await beginOidcSignIn(settings, "/");
    const callbackUrl = await signInAtProvider(redirectUrl);

    const [format, body] = flowCookie.split(".") as [string, string];
    const bytes = Buffer.from(body, "base64url");
    bytes[bytes.length - 1] ^= 1;
    const tampered = `${format}.${bytes.toString("base64url")}`;
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, tampered))).toEqual(EXPIRED);
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, undefined))).toEqual(EXPIRED);
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, "v1.bm90IGEgY29va2ll"))).toEqual(EXPIRED);
    // Sealed under another client's secret: it does not open here.
    const foreign = await beginOidcSignIn({ ...settings, clientSecret: "another-client-secret" }, "/");
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, foreign.flowCookie))).toEqual(EXPIRED);

    expect((await finishOidcSignIn(settings, callbackUrl, flowCookie)).subject).toBe("ana");
  });

  it("refuses a flow cookie older than its ten minutes", async () => {
    const { redirectUrl, flowCookie } = await beginOidcSignIn(settings, "/");
    // The cookie is opened before anything else is looked at, so the rest of the callback need not be genuine.
    const state = new URL(redirectUrl).searchParams.get("state") ?? "";
    const callbackUrl = new URL(`${redirectUri}?code=unused&state=${state}&iss=${encodeURIComponent(provider.issuer)}`);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + OIDC_FLOW_MAX_AGE_SECONDS * 1000 + 1000);
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, flowCookie))).toEqual(EXPIRED);
  });

  it("turns a sign-in cancelled at the provider into a 401 that says so", async () => {
    const { redirectUrl, flowCookie } = await beginOidcSignIn(settings, "/");
    const callbackUrl = await atProvider(redirectUrl, (page) => page.getByRole("link", { name: "[ Cancel ]" }).click());
    expect(callbackUrl.searchParams.get("error")).toBe("access_denied");
    expect(await refusal(finishOidcSignIn(settings, callbackUrl, flowCookie))).toEqual({
      status: 401,
      code: "unauthenticated",
      message: "Single sign-on failed: the sign-in was cancelled or refused at the identity provider",
    });
  });

  it('sends a returnTo that could leave the site ("//evil.example") back to "/"', async () => {
    const { redirectUrl, flowCookie } = await beginOidcSignIn(settings, "//evil.example");
    const callbackUrl = await signInAtProvider(redirectUrl);
    expect((await finishOidcSignIn(settings, callbackUrl, flowCookie)).returnTo).toBe("/");
  });

  it("keeps only same-site paths as returnTo", () => {
    for (const [value, expected] of [
      ["/jobs/7?x=1#y", "/jobs/7?x=1#y"],
      ["/a/../b", "/b"],
      ["//evil.example", "/"],
      ["/\\evil.example", "/"],
      ["/\t/evil.example", "/"],
      ["https://evil.example/", "/"],
      ["javascript:alert(1)", "/"],
      ["jobs", "/"],
      ["", "/"],
      [`/${"a".repeat(2000)}`, "/"],
    ] as const) {
      expect(sameSiteReturnTo(value), value).toBe(expected);
    }
  });

  it("reads email and name from UserInfo when the provider keeps them out of the ID token", async () => {
    const strict = await startProvider({
      profileClaimsIn: "userinfo",
      accounts: { bo: { email: "bo@example.com", name: "Bo", emailVerified: false } },
    });
    const strictSettings = { ...settings, issuer: strict.issuer };
    const { redirectUrl, flowCookie } = await beginOidcSignIn(strictSettings, "/");
    const callbackUrl = await signInAtProvider(redirectUrl, "bo");
    expect(await finishOidcSignIn(strictSettings, callbackUrl, flowCookie)).toEqual({
      subject: "bo",
      email: "bo@example.com",
      emailVerified: false,
      name: "Bo",
      returnTo: "/",
    });
  });

  it("talks plain http only to a provider on this machine", async () => {
    const remote = { ...settings, issuer: "http://sso.fleetdeck-test.invalid" };
    const error = await beginOidcSignIn(remote, "/").catch((e: unknown) => e);
    expect(isAppError(error) && error.status).toBe(503);
    expect(String((error as Error).cause)).toMatch(/only requests to HTTPS are allowed/);
  });
});

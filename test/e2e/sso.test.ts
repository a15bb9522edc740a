// Single sign-on through fleetdeck's own routes, in real Chromium, against a real OpenID Connect provider the test
// starts (oidc-provider): start → the provider's login and consent → callback → a session on fleetdeck.
import { createServer } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { type OidcTestProvider, startOidcProvider } from "../helpers/oidc-provider";
import { type RunningServer, startServer } from "../helpers/server";

const client = { clientId: "fleetdeck", clientSecret: "a-client-secret-long-enough-for-a-real-provider" };

let server: RunningServer;
let provider: OidcTestProvider;
let browser: Browser;

/** The provider must know the callback before fleetdeck starts, so fleetdeck gets a port chosen here. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  provider = await startOidcProvider({
    ...client,
    redirectUris: [`${publicUrl}/api/auth/oidc/callback`],
    accounts: {
      ana: { email: "ana@example.com", name: "Ana Sousa" },
      eve: { email: "eve@example.com", name: "Eve", emailVerified: false },
    },
  });
  server = await startServer({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    AUTH: "on",
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await provider?.close();
});

async function signInAtProvider(login: string, next: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(
    `${server.url.replace("127.0.0.1", "localhost")}/api/auth/oidc/start?next=${encodeURIComponent(next)}`,
  );
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => !url.href.startsWith(provider.issuer));
  return { context, page };
}

describe("single sign-on", () => {
  it("signs a person in through the provider and back to where they were going", async () => {
    const { context, page } = await signInAtProvider("ana", "/account?tab=tokens");
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/account?tab=tokens");
    const me = await page.evaluate(async () => (await fetch("/api/auth/me")).json());
    expect(me).toMatchObject({
      mode: "accounts",
      via: "session",
      user: { email: "ana@example.com", name: "Ana Sousa" },
    });
    const cookie = (await context.cookies()).find((c) => c.name === "fleetdeck_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    // The one-time flow cookie is gone once used.
    expect((await context.cookies()).some((c) => c.name === "fleetdeck_oidc")).toBe(false);
    await context.close();

    // The second time is the same account (known by its subject), not a new one.
    const again = await signInAtProvider("ana", "/");
    const second = await again.page.evaluate(async () => (await fetch("/api/auth/me")).json());
    expect(second.user.id).toBe(me.user.id);
    await again.context.close();
  });

  it("refuses an identity without a verified email, and says why on the sign-in page", async () => {
    const { context, page } = await signInAtProvider("eve", "/");
    const url = new URL(page.url());
    expect(url.pathname).toBe("/login");
    expect(url.searchParams.get("error")).toMatch(/no verified email/);
    const me = await page.evaluate(async () => (await fetch("/api/auth/me")).json());
    expect(me.user).toBeNull();
    await context.close();
  });
});

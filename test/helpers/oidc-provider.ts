import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Configuration } from "oidc-provider";

export interface OidcTestAccount {
  email: string;
  name: string;
  /** Defaults to true. */
  emailVerified?: boolean;
}

export interface OidcProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Keyed by account id, which is also the login name typed into the provider's dev login form. */
  accounts?: Record<string, OidcTestAccount>;
  /**
   * Where email and name travel. "idToken" (the default) puts them in the ID token, as most providers do;
   * "userinfo" keeps them for the UserInfo endpoint only, as the OpenID Connect spec has it for the code flow.
   */
  profileClaimsIn?: "idToken" | "userinfo";
}

export interface OidcTestProvider {
  issuer: string;
  close(): Promise<void>;
}

const DEFAULT_ACCOUNTS: Record<string, OidcTestAccount> = { ana: { email: "ana@example.com", name: "Ana" } };

/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1, with its built-in development login
 * (any password; the login name is the account id) and consent pages.
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcTestProvider> {
  const accounts = options.accounts ?? DEFAULT_ACCOUNTS;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  // The issuer names its port, so the provider is made once the socket has one.
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: options.profileClaimsIn === "userinfo",
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    // Seconds; named so the provider does not print a notice for each default it falls back on.
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account.email,
          email_verified: account.emailVerified ?? true,
          name: account.name,
        }),
      };
    },
    // The default page imports a web font and logs a notice; a failing test only needs the error.
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!DOCTYPE html><title>error</title><pre>${escapeHtml(JSON.stringify(out))}</pre>`;
    },
  };

  const provider = await quietly(async () => {
    const { default: Provider } = await import("oidc-provider");
    return new Provider(issuer, configuration);
  });
  server.on("request", provider.callback());

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // The client under test keeps connections alive; they would hold close() open.
        server.closeAllConnections();
      }),
  };
}

/**
 * oidc-provider prints a warning for each development shortcut it is given (dev login pages, in-memory storage,
 * built-in signing keys, a Node.js older than 22); a test provider takes them all on purpose.
 */
async function quietly<T>(make: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const drop =
    (print: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      if (typeof args[0] === "string" && args[0].includes("oidc-provider ")) return;
      print(...args);
    };
  console.warn = drop(warn);
  console.info = drop(info);
  try {
    return await make();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

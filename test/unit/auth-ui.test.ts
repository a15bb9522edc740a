// The rules behind the sign-in pages: where `next` may lead, where a 401 sends a person (through the real fetch
// wrapper against a real HTTP server), what the forms refuse before asking, how tokens are described, and the
// forms' labels as rendered.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createElement as h, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CreateTokenForm } from "@/features/auth/components/create-token-form";
import { JoinAsSignedIn, NewAccountForm } from "@/features/auth/components/invite-view";
import { SignInForm } from "@/features/auth/components/login-view";
import { NewTokenSecret } from "@/features/auth/components/new-token-secret";
import { TokensTable } from "@/features/auth/components/tokens-panel";
import { inviteHeadline, newAccountProblems } from "@/features/auth/lib/invite";
import { signInErrorMessage, signInProblems } from "@/features/auth/lib/sign-in";
import { emptyTokenForm, tokenRequest, tokenScope, tokenStatus } from "@/features/auth/lib/tokens";
import { ApiError } from "@/lib/client/api";
import { listProjects, login } from "@/lib/client/endpoints";
import { safeNextPath, sendsToSignIn, signInPath, ssoStartPath } from "@/lib/client/sign-in-paths";
import { createTokenSchema } from "@/lib/contract/auth";
import { sameSiteReturnTo } from "@/server/auth/oidc";

const UNSAFE_NEXT = [
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/a\\b",
  "",
  `/${"x".repeat(1100)}`,
];
const SAFE_NEXT = ["/", "/projects/abc", "/projects/abc?tab=runs#top", "/invite/s3cr%2Ft", "/a//b"];

describe("where signing in may send a person back to", () => {
  it("keeps paths on this site and turns everything else into the home page", () => {
    for (const next of SAFE_NEXT) expect(safeNextPath(next), next).toBe(next);
    for (const next of UNSAFE_NEXT) expect(safeNextPath(next), JSON.stringify(next)).toBe("/");
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath("/a/../b")).toBe("/b");
  });

  it("agrees with the server's rule (the single sign-on callback applies that one)", () => {
    for (const next of [...SAFE_NEXT, ...UNSAFE_NEXT, "/a/../b", "/%2F%2Fevil"])
      expect(safeNextPath(next), JSON.stringify(next)).toBe(sameSiteReturnTo(next));
  });

  it("builds the sign-in and single sign-on addresses with next encoded, and none for the home page", () => {
    expect(signInPath("/projects/p1?x=1&y=2")).toBe("/login?next=%2Fprojects%2Fp1%3Fx%3D1%26y%3D2");
    // The page address as the browser spells it (already percent-encoded), decoded once by the login page.
    expect(new URL(signInPath("/invite/a%2Fb"), "http://x").searchParams.get("next")).toBe("/invite/a%2Fb");
    expect(signInPath("/")).toBe("/login");
    expect(signInPath("//evil.example")).toBe("/login");
    expect(ssoStartPath("/account")).toBe("/api/auth/oidc/start?next=%2Faccount");
    expect(ssoStartPath("https://evil.example")).toBe("/api/auth/oidc/start?next=%2F");
  });

  it("sends a 401 to sign-in, except from the sign-in routes and on the signed-out pages", () => {
    expect(sendsToSignIn(401, "/api/projects", "/projects/x")).toBe(true);
    expect(sendsToSignIn(401, "/api/tokens", "/account")).toBe(true);
    expect(sendsToSignIn(403, "/api/projects", "/")).toBe(false);
    expect(sendsToSignIn(401, "/api/auth/login", "/login")).toBe(false);
    expect(sendsToSignIn(401, "/api/auth/logout-everywhere", "/account")).toBe(false);
    expect(sendsToSignIn(401, "/api/projects", "/login")).toBe(false);
    expect(sendsToSignIn(401, "/api/projects", "/invite/abc")).toBe(false);
  });
});

describe("the fetch wrapper against a real server", () => {
  let server: Server;
  let base = "";
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/api/projects")
        return send(401, { error: { code: "unauthenticated", message: "Sign in", details: {} } });
      if (req.url === "/api/auth/login" && req.headers["x-case"] === "throttled")
        return send(
          429,
          { error: { code: "rate_limited", message: "Too many failed sign-ins", details: { retryAfterSeconds: 125 } } },
          { "retry-after": "125" },
        );
      if (req.url === "/api/auth/login")
        return send(401, {
          error: { code: "unauthenticated", message: "The email or password is not right", details: {} },
        });
      send(404, { error: { code: "not_found", message: "no", details: {} } });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => vi.unstubAllGlobals());

  /** A page at `pagePath`: relative API paths go to the test server, as they go to the page's origin in a browser. */
  function onPage(pagePath: string, headers: Record<string, string> = {}) {
    const url = new URL(pagePath, "http://site.invalid");
    const assign = vi.fn<(to: string) => void>();
    vi.stubGlobal("window", { location: { pathname: url.pathname, search: url.search, hash: url.hash, assign } });
    vi.stubGlobal("fetch", (path: string, init: RequestInit) =>
      realFetch(new URL(path, base), { ...init, headers: { ...(init.headers as object), ...headers } }),
    );
    return assign;
  }

  it("sends a 401 from a page's call to sign in, coming back to the page", async () => {
    const assign = onPage("/projects/abc?tab=runs#top");
    const failure = await listProjects().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect(assign).toHaveBeenCalledExactlyOnceWith("/login?next=%2Fprojects%2Fabc%3Ftab%3Druns%23top");
  });

  it("leaves a wrong password to the sign-in form, in the server's words", async () => {
    const assign = onPage("/login?next=/x");
    const failure = (await login({ email: "a@b.c", password: "nope" }).catch((e: unknown) => e)) as ApiError;
    expect(failure.message).toBe("The email or password is not right");
    expect(assign).not.toHaveBeenCalled();
  });

  it("keeps the rate limit's details, which the form turns into the wait in minutes", async () => {
    onPage("/login", { "x-case": "throttled" });
    const failure = (await login({ email: "a@b.c", password: "nope" }).catch((e: unknown) => e)) as ApiError;
    expect(failure.status).toBe(429);
    expect(failure.details).toEqual({ retryAfterSeconds: 125 });
    expect(signInErrorMessage(failure)).toBe("Too many attempts — try again in 3 min");
  });
});

describe("the sign-in and invite forms", () => {
  it("says the rate limit in minutes (at least one) and any other refusal in the server's words", () => {
    const error = (status: number, details: Record<string, unknown> = {}) =>
      new ApiError(status, "x", "The server's words", details);
    expect(signInErrorMessage(error(429, { retryAfterSeconds: 20 }))).toBe("Too many attempts — try again in 1 min");
    expect(signInErrorMessage(error(429, { retryAfterSeconds: 900 }))).toBe("Too many attempts — try again in 15 min");
    expect(signInErrorMessage(error(429))).toBe("Too many attempts — try again later");
    expect(signInErrorMessage(error(401))).toBe("The server's words");
    expect(signInProblems(" ", "")).toEqual({ email: "Enter your email.", password: "Enter your password." });
    expect(signInProblems("a@b.c", "x")).toEqual({});
  });

  it("says what an invite is for", () => {
    expect(inviteHeadline({ siteAdmin: false, projectName: "Acme", role: "operator" })).toBe("Join Acme as operator");
    expect(inviteHeadline({ siteAdmin: true, projectName: null, role: null })).toBe("Create the first admin account");
    expect(inviteHeadline({ siteAdmin: false, projectName: null, role: "viewer" })).toBe("Join a project as viewer");
  });

  it("asks for a name, a 10-character password, and an email only when the invite names none", () => {
    const form = { name: "Ana", password: "0123456789", email: "" };
    expect(newAccountProblems(form, false)).toEqual({});
    expect(newAccountProblems({ ...form, password: "012345678" }, false)).toEqual({
      password: "Use at least 10 characters.",
    });
    expect(newAccountProblems({ ...form, name: "  " }, false)).toEqual({ name: "Enter your name." });
    expect(newAccountProblems(form, true)).toEqual({ email: "Enter your email address." });
    expect(newAccountProblems({ ...form, email: "ana@example.com" }, true)).toEqual({});
  });
});

describe("API tokens in the account page", () => {
  it("turns the form into a request the contract accepts: no projects is every project, blank expiry is never", () => {
    const all = tokenRequest({ ...emptyTokenForm(), name: " CI ", role: "operator" });
    expect(all.request).toEqual({ name: "CI", role: "operator", projectIds: null });
    const projectId = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
    const scoped = tokenRequest({
      name: "export",
      role: "viewer",
      projectIds: [projectId, projectId],
      expiresInDays: "30",
    });
    expect(scoped.request).toEqual({ name: "export", role: "viewer", projectIds: [projectId], expiresInDays: 30 });
    for (const { request } of [all, scoped]) expect(createTokenSchema.safeParse(request).success).toBe(true);
  });

  it("refuses a blank name and an expiry that is not 1 to 3650 whole days", () => {
    expect(tokenRequest(emptyTokenForm()).problems).toEqual({ name: "Name the token after what will use it." });
    for (const days of ["0", "1.5", "-2", "3651", "soon"])
      expect(tokenRequest({ ...emptyTokenForm(), name: "x", expiresInDays: days }).problems, days).toHaveProperty(
        "expiresInDays",
      );
    expect(tokenRequest({ ...emptyTokenForm(), name: "x", expiresInDays: "3650" }).problems).toBeNull();
  });

  it("describes each token's status and scope", () => {
    const now = Date.parse("2025-06-01T00:00:00Z");
    expect(tokenStatus({ revokedAt: null, expiresAt: null }, now)).toBe("active");
    expect(tokenStatus({ revokedAt: null, expiresAt: "2025-07-01T00:00:00Z" }, now)).toBe("active");
    expect(tokenStatus({ revokedAt: null, expiresAt: "2025-05-01T00:00:00Z" }, now)).toBe("expired");
    expect(tokenStatus({ revokedAt: "2025-05-02T00:00:00Z", expiresAt: "2025-05-01T00:00:00Z" }, now)).toBe("revoked");
    const names = new Map([["p1", "Acme"]]);
    expect(tokenScope({ projectIds: null }, names)).toBe("All projects");
    expect(tokenScope({ projectIds: ["p1", "p2"] }, names)).toBe("Acme, a project you no longer see");
  });
});

// Rendered on the server as the page's first paint, so the labels an end-to-end test and a screen reader use are
// checked here: each name below belongs to a control (label for → id), not just to some text on the page.
describe("the forms as rendered", () => {
  const render = (element: ReactElement) => renderToStaticMarkup(element);
  /** The opening tag of the control a <label> with exactly this text is for. */
  function controlLabelled(html: string, label: string): string {
    const forId = new RegExp(`<label[^>]*for="([^"]+)"[^>]*>${label}</label>`).exec(html)?.[1];
    expect(forId, `a label "${label}"`).toBeTruthy();
    const control = new RegExp(`<(input|select|textarea)[^>]*id="${forId}"[^>]*>`).exec(html)?.[0];
    expect(control, `the control labelled "${label}"`).toBeTruthy();
    return control as string;
  }
  const button = (html: string, name: string) => new RegExp(`<button[^>]*>(<svg.*?</svg>)?${name}</button>`).test(html);
  const invite = {
    email: "ana@example.com",
    projectName: "Acme",
    role: "operator" as const,
    siteAdmin: false,
    expiresAt: "2030-01-01T00:00:00Z",
    accountExists: false,
  };

  it("sign-in: Email, Password and Sign in", () => {
    const html = render(h(SignInForm, { next: "/" }));
    expect(controlLabelled(html, "Email")).toContain('type="email"');
    expect(controlLabelled(html, "Password")).toContain('type="password"');
    expect(button(html, "Sign in")).toBe(true);
  });

  it("invite: Name, Password (with its length) and Create account; Email asked only when the invite has none", () => {
    const named = render(h(NewAccountForm, { token: "t", invite }));
    expect(controlLabelled(named, "Email")).toMatch(
      /readOnly="".*value="ana@example.com"|value="ana@example.com".*readOnly=""/,
    );
    expect(controlLabelled(named, "Name")).toContain('autoComplete="name"');
    expect(controlLabelled(named, "Password")).toContain('autoComplete="new-password"');
    expect(named).toContain("At least 10 characters.");
    expect(button(named, "Create account")).toBe(true);
    const firstAdmin = render(h(NewAccountForm, { token: "t", invite: { ...invite, email: null, siteAdmin: true } }));
    expect(controlLabelled(firstAdmin, "Email")).not.toContain("readOnly");
  });

  it("invite, signed in: Join, or Sign out when the invite is for someone else", () => {
    const user = { id: "u", email: "ana@example.com", name: "Ana", isAdmin: false, createdAt: "" };
    const same = render(h(JoinAsSignedIn, { token: "t", invite, user }));
    expect(button(same, "Join")).toBe(true);
    const other = render(h(JoinAsSignedIn, { token: "t", invite, user: { ...user, email: "bo@example.com" } }));
    expect(button(other, "Join")).toBe(false);
    expect(button(other, "Sign out")).toBe(true);
    expect(other).toContain("It is for ana@example.com; you are signed in as bo@example.com.");
  });

  it("tokens: the create form, the secret box labelled New token, and the table with Revoke for active tokens", () => {
    const project = { id: "p1", name: "Acme", createdAt: "", updatedAt: "", role: "admin" as const };
    const form = render(h(CreateTokenForm, { projects: [project], projectsError: null, onCreated: () => {} }));
    expect(controlLabelled(form, "Role")).toMatch(/^<select/);
    expect(form).toMatch(/<input type="checkbox"[^>]*name="projectIds" value="p1"/);
    expect(button(form, "Create token")).toBe(true);

    const secret = render(h(NewTokenSecret, { name: "CI", secret: "fdt_s3cret", onDone: () => {} }));
    expect(controlLabelled(secret, "New token")).toContain('value="fdt_s3cret"');
    expect(secret).toContain("you won&#x27;t see it again");

    const token = {
      id: "t1",
      name: "CI",
      prefix: "fdt_ab12",
      role: "viewer" as const,
      projectIds: ["p1"],
      createdAt: "2025-01-01T00:00:00Z",
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    };
    const table = render(
      h(TokensTable, {
        tokens: [token, { ...token, id: "t2", name: "Old", revokedAt: "2025-02-01T00:00:00Z" }],
        projectNames: new Map([["p1", "Acme"]]),
        onRevoke: () => {},
      }),
    );
    expect(table).toContain("fdt_ab12…");
    expect(table).toContain("Acme");
    expect(table.match(/aria-label="Revoke [^"]+"/g)).toEqual(['aria-label="Revoke CI"']);
  });
});

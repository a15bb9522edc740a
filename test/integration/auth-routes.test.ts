import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProjectRole, roleAtLeast } from "@/lib/contract/auth";
import { PRODUCTS } from "@/server/demo/catalog";
import { assertDescribed } from "../helpers/openapi";
import { createTestDatabase, DATABASES } from "../helpers/runtime";
import { type RunningServer, startServer } from "../helpers/server";

/**
 * Every route × every kind of caller, against the real server (AUTH=on) on a real database: the access rule each
 * route must enforce is written down here, once, and checked with real requests carrying real ids. A route added
 * under src/app without a row here fails the first test, so no route ships without a decided rule.
 */

type Resource = "project" | "batch" | "execution" | "job";

/**
 * - `public`: anyone, signed in or not (never 401/403).
 * - `signedIn`: any signed-in person or token.
 * - `sessionOnly`: a signed-in person; API tokens are refused (403): managing credentials needs the person.
 * - `unscoped`: signed in, but not through a token limited to some projects (403).
 * - `{ on, need }`: the caller's role on the project of the `[id]` must be at least `need`; no role there → 404.
 */
type Rule = "public" | "signedIn" | "sessionOnly" | "unscoped" | { on: Resource; need: ProjectRole };

const on = (resource: Resource, need: ProjectRole): Rule => ({ on: resource, need });

const RULES: Record<string, Rule> = {
  "GET /api/health": "public",
  // The API reference: a client generator or a person reads it before having an account.
  "GET /api/openapi.json": "public",
  // Prometheus scrapers send an API token; without one the front door answers 401 (not a sign-in redirect).
  "GET /metrics": "signedIn",
  "GET /api/auth/me": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/logout": "public",
  "POST /api/auth/logout-everywhere": "sessionOnly",
  "GET /api/auth/invites/[token]": "public",
  "POST /api/auth/invites/[token]/accept": "public",
  "GET /api/auth/oidc/start": "public",
  "GET /api/auth/oidc/callback": "public",
  "GET /api/config": "signedIn",
  "GET /api/workers": "signedIn",
  "GET /api/tokens": "sessionOnly",
  "POST /api/tokens": "sessionOnly",
  "DELETE /api/tokens/[id]": "sessionOnly",
  "GET /api/projects": "signedIn",
  "POST /api/projects": "unscoped",
  "GET /api/projects/[id]": on("project", "viewer"),
  "DELETE /api/projects/[id]": on("project", "admin"),
  "GET /api/projects/[id]/audit": on("project", "admin"),
  "GET /api/projects/[id]/batches": on("project", "viewer"),
  "POST /api/projects/[id]/batches": on("project", "operator"),
  "GET /api/projects/[id]/members": on("project", "admin"),
  "POST /api/projects/[id]/members": on("project", "admin"),
  "PATCH /api/projects/[id]/members/[userId]": on("project", "admin"),
  "DELETE /api/projects/[id]/members/[userId]": on("project", "admin"),
  "DELETE /api/projects/[id]/invites/[inviteId]": on("project", "admin"),
  // Webhooks send a project's run data to outside URLs: admins only.
  "GET /api/projects/[id]/webhooks": on("project", "admin"),
  "POST /api/projects/[id]/webhooks": on("project", "admin"),
  "PATCH /api/projects/[id]/webhooks/[webhookId]": on("project", "admin"),
  "DELETE /api/projects/[id]/webhooks/[webhookId]": on("project", "admin"),
  "POST /api/projects/[id]/webhooks/[webhookId]/rotate-secret": on("project", "admin"),
  "POST /api/projects/[id]/webhooks/[webhookId]/test": on("project", "admin"),
  "GET /api/projects/[id]/webhooks/[webhookId]/deliveries": on("project", "admin"),
  "GET /api/batches/[id]": on("batch", "viewer"),
  "GET /api/batches/[id]/estimate": on("batch", "viewer"),
  "GET /api/batches/[id]/inputs": on("batch", "viewer"),
  "GET /api/batches/[id]/executions": on("batch", "viewer"),
  "POST /api/batches/[id]/executions": on("batch", "operator"),
  "GET /api/batches/[id]/configs": on("batch", "viewer"),
  // Editing a config is part of running a batch: operators, like starting and re-running.
  "POST /api/batches/[id]/configs": on("batch", "operator"),
  // A preview runs an agent (and may spend on a model) as a run does.
  "POST /api/batches/[id]/preview": on("batch", "operator"),
  "GET /api/executions/[id]": on("execution", "viewer"),
  "GET /api/executions/[id]/jobs": on("execution", "viewer"),
  "GET /api/executions/[id]/live-stats": on("execution", "viewer"),
  "GET /api/executions/[id]/export": on("execution", "viewer"),
  "GET /api/executions/[id]/activity": on("execution", "viewer"),
  // A comparison is a read of both runs (the second one must be visible too, else 404; tested in compare.test.ts).
  "GET /api/executions/[id]/compare/[otherId]": on("execution", "viewer"),
  "POST /api/executions/[id]/pause": on("execution", "operator"),
  "POST /api/executions/[id]/resume": on("execution", "operator"),
  "POST /api/executions/[id]/stop": on("execution", "operator"),
  "POST /api/executions/[id]/adjust-concurrency": on("execution", "operator"),
  "GET /api/executions/[id]/reruns": on("execution", "viewer"),
  "POST /api/executions/[id]/reruns": on("execution", "operator"),
  "GET /api/jobs/[id]": on("job", "viewer"),
  "GET /api/jobs/[id]/screenshot": on("job", "viewer"),
  // The bundled demo shop the agents browse: public so that an agent needs no credential to reach it.
  "GET /demo": "public",
  "GET /demo/products": "public",
  "GET /demo/products/[slug]": "public",
  "GET /demo/search": "public",
};

/**
 * How to send a row's request without spoiling the fixture the other rows share. By default a write carries an
 * invalid JSON body: the guard runs first, so a caller it admits gets 400 from the body's parser (proof they got
 * past it) and nothing changes. Rows whose handler reads no body, or whose success would destroy the fixture,
 * say here what they do instead.
 */
interface Plan {
  query?: string;
  /** Values of the path's [params] beyond the defaults (see paramOf). */
  params?: (fx: Fixture, caller: CallerName) => Record<string, string>;
  /** The body is not read: send none. */
  noBody?: boolean;
  /** Sign in afresh and use that session: the request ends the session it is sent with. */
  freshSession?: boolean;
  /** Sent after every other request: it ends every session of the caller's user. */
  last?: boolean;
  /** A 404 from the handler itself (this message), which a caller only gets once the guard has admitted it. */
  handlerNotFound?: RegExp;
}

const PLANS: Partial<Record<string, Plan>> = {
  "POST /api/auth/logout": { noBody: true, freshSession: true },
  "POST /api/auth/logout-everywhere": { noBody: true, last: true },
  "GET /api/auth/oidc/start": { query: "?next=/projects" },
  "GET /api/batches/[id]/estimate": { query: "?mode=production&concurrency=1" },
  "GET /api/executions/[id]/export": { query: "?format=json" },
  // The shared run compared with itself: no change, and nothing to set up.
  "GET /api/executions/[id]/compare/[otherId]": { params: (fx) => ({ otherId: fx.ids.execution }) },
  // Pausing the shared run is harmless: a second pause is a no-op, and the rows that need it steerable send bodies
  // that fail validation before the execution's state matters.
  "POST /api/executions/[id]/pause": { noBody: true },
  // The project has an active execution: an admin's delete is refused with 409 after the guard, and it stays.
  "DELETE /api/projects/[id]": {},
  // The project's only admin member: removing them is refused with 409 (a project keeps an admin) after the guard.
  "DELETE /api/projects/[id]/members/[userId]": { params: (fx) => ({ userId: fx.ids.projectAdmin }) },
  "PATCH /api/projects/[id]/members/[userId]": { params: (fx) => ({ userId: fx.ids.viewer }) },
  // Each caller cancels an invite (and revokes a token) made for it alone.
  "DELETE /api/projects/[id]/invites/[inviteId]": {
    params: (fx, caller) => ({ inviteId: fx.spareInvites[caller] }),
  },
  "DELETE /api/tokens/[id]": {
    params: (fx, caller) => ({ id: fx.spareTokens[caller] ?? "00000000-0000-4000-8000-000000000000" }),
  },
  // Simulated jobs take no screenshots: an admitted caller hears that this job has none.
  "GET /api/jobs/[id]/screenshot": { handlerNotFound: /has no screenshot yet/ },
  "GET /demo/search": { query: "?q=lamp" },
  // No webhook has this id: an admitted caller hears so (404 from the handler), and nothing changes.
  ...Object.fromEntries(
    [
      "PATCH /api/projects/[id]/webhooks/[webhookId]",
      "DELETE /api/projects/[id]/webhooks/[webhookId]",
      "POST /api/projects/[id]/webhooks/[webhookId]/rotate-secret",
      "POST /api/projects/[id]/webhooks/[webhookId]/test",
      "GET /api/projects/[id]/webhooks/[webhookId]/deliveries",
    ].map((row) => [
      row,
      {
        params: () => ({ webhookId: "00000000-0000-4000-8000-000000000000" }),
        noBody: !row.startsWith("PATCH"),
        handlerNotFound: /^Webhook 00000000-0000-4000-8000-000000000000 was not found$/,
      },
    ]),
  ),
};

type CallerName =
  | "anonymous"
  | "outsider"
  | "viewer"
  | "operator"
  | "admin"
  | "siteAdmin"
  | "viewerToken"
  | "operatorToken"
  | "outOfScopeToken";

/** Each caller's credential kind and role on the fixture's project (null: none, the project is invisible to them). */
const CALLERS: Record<CallerName, { kind: "none" | "session" | "token"; role: ProjectRole | null; scoped?: true }> = {
  anonymous: { kind: "none", role: null },
  outsider: { kind: "session", role: null },
  viewer: { kind: "session", role: "viewer" },
  operator: { kind: "session", role: "operator" },
  admin: { kind: "session", role: "admin" },
  siteAdmin: { kind: "session", role: "admin" },
  // The project admin's token limited to viewer: a token gives no more than its own role.
  viewerToken: { kind: "token", role: "viewer" },
  operatorToken: { kind: "token", role: "operator" },
  // The site admin's admin token, limited to another project: it sees nothing of this one.
  outOfScopeToken: { kind: "token", role: null, scoped: true },
};
const CALLER_NAMES = Object.keys(CALLERS) as CallerName[];
const SESSION_CALLERS = CALLER_NAMES.filter((c) => CALLERS[c].kind === "session");

const APP_DIR = path.resolve(import.meta.dirname, "../../src/app");
const METHOD_EXPORT = /export\s+(?:const|(?:async\s+)?function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;

/** "METHOD /path/[param]" for every handler under src/app, from the folders and the exported method names. */
function discoverRoutes(): { routes: string[]; unreadable: string[] } {
  const routes: string[] = [];
  const unreadable: string[] = [];
  for (const file of fs.readdirSync(APP_DIR, { recursive: true }) as string[]) {
    if (path.basename(file) !== "route.ts") continue;
    // Route groups "(name)" are not part of the URL.
    const segments = path
      .dirname(file)
      .split(path.sep)
      .filter((s) => s !== "." && !/^\(.*\)$/.test(s));
    const methods = [...fs.readFileSync(path.join(APP_DIR, file), "utf8").matchAll(METHOD_EXPORT)].map((m) => m[1]);
    if (methods.length === 0) unreadable.push(file);
    for (const method of methods) routes.push(`${method} /${segments.join("/")}`);
  }
  return { routes: routes.sort(), unreadable };
}

it("has a rule for every route under src/app, and a route for every rule", () => {
  const { routes, unreadable } = discoverRoutes();
  expect(unreadable, "route.ts files whose exported methods this test cannot see").toEqual([]);
  expect(routes.length).toBeGreaterThan(30);
  expect(
    routes.filter((r) => !(r in RULES)),
    "routes without a row in RULES: decide who may call them",
  ).toEqual([]);
  expect(
    Object.keys(RULES).filter((r) => !routes.includes(r)),
    "rows in RULES with no route",
  ).toEqual([]);
  expect(
    Object.keys(PLANS).filter((r) => !(r in RULES)),
    "rows in PLANS with no rule",
  ).toEqual([]);
});

interface Account {
  email: string;
  password: string;
  name: string;
}

interface Fixture {
  ids: {
    project: string;
    otherProject: string;
    batch: string;
    execution: string;
    job: string;
    viewer: string;
    projectAdmin: string;
  };
  inviteSecret: string;
  spareInvites: Record<CallerName, string>;
  spareTokens: Partial<Record<CallerName, string>>;
  credentials: Record<CallerName, Record<string, string>>;
  accounts: Partial<Record<CallerName, Account>>;
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answers
  body: any;
  headers: Headers;
}

const PASSWORD = "a long enough password";
const SESSION_COOKIE = "fleetdeck_session";

describe.each(DATABASES)("access to every route on %s (AUTH=on, real server)", (kind) => {
  let server: RunningServer;
  let dropDatabase: (() => Promise<void>) | undefined;
  let fx: Fixture;

  async function send(
    method: string,
    urlPath: string,
    options: { headers?: Record<string, string>; json?: unknown; body?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    const res = await fetch(server.url + urlPath, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: a page, a CSV, an image */
    }
    // Every answer, a refusal too, must be one the OpenAPI document describes.
    assertDescribed({
      method,
      pathname: new URL(server.url + urlPath).pathname,
      status: res.status,
      contentType: res.headers.get("content-type"),
      body: parsed,
    });
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** A request that must succeed; fails with the server's answer otherwise. */
  async function must(method: string, urlPath: string, headers: Record<string, string>, json?: unknown) {
    const answer = await send(method, urlPath, { headers, json });
    if (answer.status >= 300) throw new Error(`${method} ${urlPath}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }

  const sessionOf = (answer: Answer) => {
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!cookie) throw new Error("no session cookie in the answer");
    return { cookie: cookie.split(";")[0]! };
  };
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const secretOf = (inviteUrl: string) => inviteUrl.split("/invite/")[1]!;

  async function accept(secret: string, account: Account) {
    const answer = await must("POST", `/api/auth/invites/${secret}/accept`, {}, account);
    return { session: sessionOf(answer), userId: answer.body.user.id as string };
  }

  async function signIn(account: Account) {
    return sessionOf(await must("POST", "/api/auth/login", {}, { email: account.email, password: account.password }));
  }

  const accountFor = (who: string): Account => ({
    email: `${who.toLowerCase()}@example.com`,
    password: PASSWORD,
    name: who,
  });

  /** Who may see what: a site admin, four people with a role each (or none), their tokens, a run in progress. */
  async function buildFixture(): Promise<Fixture> {
    const link = /Create the first admin[^:]*: (\S+)/.exec(server.output());
    if (!link) throw new Error(`no first-admin link in the output:\n${server.output()}`);
    const siteAdminAccount = accountFor("Sam");
    const site = await accept(secretOf(link[1]!), { ...siteAdminAccount });
    const asSite = site.session;

    const project = (await must("POST", "/api/projects", asSite, { name: "Access" })).body.project.id as string;
    const otherProject = (await must("POST", "/api/projects", asSite, { name: "Elsewhere" })).body.project.id as string;
    const csv = ["url,name", ...[1, 2, 3].map((i) => `https://site${i}.example.com/,Row ${i}`)].join("\n");
    // Each job takes ten minutes: the run stays active for the whole test.
    const agent = { engine: "simulated", simulate: { durationMs: 600_000, failRate: 0 }, timeoutMs: 600_000 };
    const batch = (await must("POST", `/api/projects/${project}/batches`, asSite, { name: "rows", csv, agent })).body
      .batch.id as string;
    const execution = (
      await must("POST", `/api/batches/${batch}/executions`, asSite, { mode: "production", concurrency: 1 })
    ).body.execution.id as string;
    const job = (await must("GET", `/api/executions/${execution}/jobs`, asSite)).body.jobs[0].id as string;

    const invite = async (projectId: string, email: string, role: ProjectRole) =>
      (await must("POST", `/api/projects/${projectId}/members`, asSite, { email, role })).body.invite;
    const people = { viewer: "Vera", operator: "Otto", admin: "Ada", outsider: "Oscar" } as const;
    const roles = { viewer: "viewer", operator: "operator", admin: "admin", outsider: "viewer" } as const;
    const joined = Object.fromEntries(
      await Promise.all(
        (Object.keys(people) as (keyof typeof people)[]).map(async (who) => {
          const account = accountFor(people[who]);
          // The outsider joins the other project only to get an account, and is removed from it below.
          const where = who === "outsider" ? otherProject : project;
          const sent = await invite(where, account.email, roles[who]);
          return [who, { ...(await accept(secretOf(sent.url), account)), account }] as const;
        }),
      ),
    ) as Record<keyof typeof people, { session: { cookie: string }; userId: string; account: Account }>;
    await must("DELETE", `/api/projects/${otherProject}/members/${joined.outsider.userId}`, asSite);
    // The site admin leaves the project's members (a site admin is admin everywhere anyway), so its one admin
    // member is the project admin: the last-admin rule then refuses their removal in the matrix.
    const siteUserId = (await must("GET", "/api/auth/me", asSite)).body.user.id as string;
    await must("DELETE", `/api/projects/${project}/members/${siteUserId}`, asSite);

    const token = async (as: Record<string, string>, body: object) =>
      (await must("POST", "/api/tokens", as, body)).body as { token: { id: string }; secret: string };
    const [viewerToken, operatorToken, outOfScopeToken] = await Promise.all([
      token(joined.admin.session, { name: "read only", role: "viewer" }),
      token(joined.operator.session, { name: "steer", role: "operator" }),
      token(asSite, { name: "elsewhere", role: "admin", projectIds: [otherProject] }),
    ]);

    const credentials: Record<CallerName, Record<string, string>> = {
      anonymous: {},
      outsider: joined.outsider.session,
      viewer: joined.viewer.session,
      operator: joined.operator.session,
      admin: joined.admin.session,
      siteAdmin: asSite,
      viewerToken: bearer(viewerToken.secret),
      operatorToken: bearer(operatorToken.secret),
      outOfScopeToken: bearer(outOfScopeToken.secret),
    };
    const pending = await invite(project, "pending@example.com", "viewer");
    const spareInvites = Object.fromEntries(
      await Promise.all(
        CALLER_NAMES.map(async (c) => [
          c,
          (await invite(project, `spare-${c.toLowerCase()}@example.com`, "viewer")).id,
        ]),
      ),
    ) as Record<CallerName, string>;
    const spareTokens = Object.fromEntries(
      await Promise.all(
        SESSION_CALLERS.map(async (c) => [
          c,
          (await token(credentials[c], { name: "spare", role: "viewer" })).token.id,
        ]),
      ),
    );
    return {
      ids: {
        project,
        otherProject,
        batch,
        execution,
        job,
        viewer: joined.viewer.userId,
        projectAdmin: joined.admin.userId,
      },
      inviteSecret: secretOf(pending.url),
      spareInvites,
      spareTokens,
      credentials,
      accounts: {
        outsider: joined.outsider.account,
        viewer: joined.viewer.account,
        operator: joined.operator.account,
        admin: joined.admin.account,
        siteAdmin: siteAdminAccount,
      },
    };
  }

  beforeAll(async () => {
    const env: Record<string, string> = { AUTH: "on" };
    if (kind === "postgres") {
      const database = await createTestDatabase();
      dropDatabase = database.drop;
      env.DATABASE_URL = database.url;
    }
    const started = Date.now();
    server = await startServer(env);
    const ready = Date.now();
    fx = await buildFixture();
    console.info(`[${kind}] server ${ready - started} ms, fixture ${Date.now() - ready} ms`);
  });

  afterAll(async () => {
    await server?.kill();
    await dropDatabase?.();
  });

  it("refuses a cross-site POST that carries a valid session cookie (CSRF), and admits the app's own", async () => {
    const admin = fx.credentials.admin;
    const concurrencyNow = async () =>
      (await must("GET", `/api/executions/${fx.ids.execution}`, admin)).body.execution.concurrency as number;
    const adjust = `/api/executions/${fx.ids.execution}/adjust-concurrency`;

    const forged = await send("POST", adjust, {
      headers: { ...admin, origin: "https://evil.example" },
      json: { concurrency: 3 },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe("forbidden");
    const logout = await send("POST", "/api/auth/logout", { headers: { ...admin, origin: "https://evil.example" } });
    expect(logout.status).toBe(403);
    expect(await concurrencyNow()).toBe(1);

    const own = await send("POST", adjust, { headers: { ...admin, origin: server.url }, json: { concurrency: 2 } });
    expect(own.status).toBe(200);
    expect(await concurrencyNow()).toBe(2);
  });

  it("records the actor and the client's address of changes made over HTTP", async () => {
    const { body } = await must("GET", `/api/projects/${fx.ids.project}/audit?limit=500`, fx.credentials.admin);
    const entries = body.entries as { action: string; actor: { type: string; name: string }; address: string }[];
    const concurrency = entries.find((e) => e.action === "execution.concurrency");
    expect(concurrency).toMatchObject({ actor: { type: "user", name: "Ada" } });
    expect(concurrency?.address).toMatch(/127\.0\.0\.1$/);
    expect(entries.filter((e) => e.action === "execution.start")).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ name: "Sam" }) }),
    ]);
  });

  it("answers every route × every caller as its rule says", async () => {
    const rows = Object.entries(RULES);
    const problems: string[] = [];

    const attempt = async (row: string, rule: Rule, caller: CallerName) => {
      const plan = PLANS[row] ?? {};
      const [method, template] = row.split(" ") as [string, string];
      const urlPath = fillPath(template, plan.params?.(fx, caller) ?? {}, fx) + (plan.query ?? "");
      const headers =
        plan.freshSession && CALLERS[caller].kind === "session"
          ? await signIn(fx.accounts[caller]!)
          : fx.credentials[caller];
      const writes = method !== "GET" && method !== "DELETE" && !plan.noBody;
      const answer = await send(method, urlPath, { headers, body: writes ? "{" : undefined });
      const problem = judge(rule, caller, answer, plan);
      if (problem) problems.push(`${row} as ${caller}: ${problem}`);
    };

    const now = rows.filter(([row]) => !PLANS[row]?.last);
    const later = rows.filter(([row]) => PLANS[row]?.last);
    await inParallel(
      now.flatMap(([row, rule]) => CALLER_NAMES.map((caller) => () => attempt(row, rule, caller))),
      12,
    );
    await inParallel(
      later.flatMap(([row, rule]) => CALLER_NAMES.map((caller) => () => attempt(row, rule, caller))),
      12,
    );
    expect(problems).toEqual([]);
    expect(rows.length * CALLER_NAMES.length).toBeGreaterThan(300);
  });
});

/** The URL of a route template with real ids: [id] by the resource it follows, other params from the row's plan. */
function fillPath(template: string, given: Record<string, string>, fx: Fixture): string {
  const segments = template.split("/");
  return segments
    .map((segment, i) => {
      const param = /^\[(\w+)\]$/.exec(segment)?.[1];
      if (!param) return segment;
      const value = given[param] ?? defaultParam(param, segments[i - 1]!, fx);
      if (value === undefined) throw new Error(`${template}: no value for [${param}]; add one to PLANS`);
      return encodeURIComponent(value);
    })
    .join("/");
}

function defaultParam(param: string, previous: string, fx: Fixture): string | undefined {
  if (param === "token") return fx.inviteSecret;
  if (param === "slug") return PRODUCTS[0]!.slug;
  if (param !== "id") return undefined;
  const byResource: Record<string, string> = {
    projects: fx.ids.project,
    batches: fx.ids.batch,
    executions: fx.ids.execution,
    jobs: fx.ids.job,
  };
  return byResource[previous];
}

/** What is wrong with an answer for this rule and caller, or null when it is as the rule says. */
function judge(rule: Rule, callerName: CallerName, answer: Answer, plan: Plan): string | null {
  const caller = CALLERS[callerName];
  const { status } = answer;
  const got = `got ${status} ${typeof answer.body === "object" ? JSON.stringify(answer.body) : ""}`.trim();
  if (status >= 500) return got;
  const refusal = (want: 401 | 403 | 404, code: string) => {
    if (status !== want) return `expected ${want}, ${got}`;
    if (answer.body?.error?.code !== code) return `expected error code ${code}, ${got}`;
    return null;
  };
  const admitted = (alsoRefused: number[] = []) =>
    [401, 403, ...alsoRefused].includes(status) ? `expected to get past the guard, ${got}` : null;

  if (rule === "public") return admitted();
  if (caller.kind === "none") return refusal(401, "unauthenticated");
  if (rule === "signedIn") return admitted();
  if (rule === "sessionOnly") return caller.kind === "token" ? refusal(403, "forbidden") : admitted();
  if (rule === "unscoped") return caller.scoped ? refusal(403, "forbidden") : admitted();
  if (caller.role === null) return refusal(404, "not_found");
  if (!roleAtLeast(caller.role, rule.need)) {
    const wrong = refusal(403, "forbidden");
    if (wrong || caller.role !== "viewer" || rule.need !== "operator") return wrong;
    return /Viewers can't steer runs/.test(answer.body.error.message) ? null : `expected the viewer's reason, ${got}`;
  }
  if (status === 404 && plan.handlerNotFound?.test(answer.body?.error?.message ?? "")) return null;
  return admitted([404]);
}

/** Runs the tasks `width` at a time. */
async function inParallel(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

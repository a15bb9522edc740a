import { createHash } from "node:crypto";
import { eq, gt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as acceptRoute from "@/app/api/auth/invites/[token]/accept/route";
import * as loginRoute from "@/app/api/auth/login/route";
import * as logoutRoute from "@/app/api/auth/logout/route";
import * as logoutEverywhereRoute from "@/app/api/auth/logout-everywhere/route";
import * as meRoute from "@/app/api/auth/me/route";
import * as executionsRoute from "@/app/api/batches/[id]/executions/route";
import * as activityRoute from "@/app/api/executions/[id]/activity/route";
import * as adjustRoute from "@/app/api/executions/[id]/adjust-concurrency/route";
import * as exportRoute from "@/app/api/executions/[id]/export/route";
import * as pauseRoute from "@/app/api/executions/[id]/pause/route";
import * as resumeRoute from "@/app/api/executions/[id]/resume/route";
import * as executionRoute from "@/app/api/executions/[id]/route";
import * as stopRoute from "@/app/api/executions/[id]/stop/route";
import * as auditRoute from "@/app/api/projects/[id]/audit/route";
import * as batchesRoute from "@/app/api/projects/[id]/batches/route";
import * as memberRoute from "@/app/api/projects/[id]/members/[userId]/route";
import * as membersRoute from "@/app/api/projects/[id]/members/route";
import * as projectRoute from "@/app/api/projects/[id]/route";
import * as projectsRoute from "@/app/api/projects/route";
import * as tokenRoute from "@/app/api/tokens/[id]/route";
import * as tokensRoute from "@/app/api/tokens/route";
import type { ProjectRole } from "@/lib/contract/auth";
import { firstAdminLink } from "@/server/auth/bootstrap";
import { CONTEXT_HEADER, holdContext } from "@/server/auth/request-context";
import { apiTokens, auditLog, invites, sessions, users } from "@/server/db/schema";
import { createProject as createProjectAsNobody } from "@/server/projects/projects";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * Accounts with AUTH=on, through the route handlers on a real database: how passwords, sessions and tokens are
 * stored, when a session or token stops working, the sign-in rate limit, what a token may do, and the audit trail.
 * Requests that did not pass the server's front door carry the client's address the way the front door hands it
 * over (request-context.ts), so the per-address limit and the trail's addresses are exercised as in production.
 */

const PASSWORD = "a long enough password";
const LIMITS = { perAccount: 3, perAddress: 5 };
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

type Headers = Record<string, string>;
interface Person {
  id: string;
  email: string;
  name: string;
  /** Session cookie header. */
  as: Headers;
  cookie: string;
}

/** The context the front door hands a route: here only the client's address (the credential is read from the request). */
const from = (address: string): Headers => ({ [CONTEXT_HEADER]: holdContext({ address }).key });
const bearer = (secret: string): Headers => ({ authorization: `Bearer ${secret}` });

function cookieOf(response: Response): string {
  const set = response.headers.getSetCookie().find((c) => c.startsWith("fleetdeck_session="));
  if (!set) throw new Error("no session cookie in the answer");
  return set.split(";")[0]!.slice("fleetdeck_session=".length);
}

const errorText = (e: unknown): string =>
  e instanceof Error ? `${e.message} ${e.cause instanceof Error ? e.cause.message : ""}` : String(e);

describe.each(DATABASES)("accounts on %s (AUTH=on)", (kind) => {
  let t: TestRuntime;
  let sam: Person;
  let projectA: string;
  let projectB: string;
  const db = () => t.runtime.db;

  async function createProject(as: Headers, name: string): Promise<string> {
    const res = await call(projectsRoute.POST, { json: { name }, headers: as });
    expect(res.status).toBe(201);
    return res.body.project.id;
  }

  async function invite(projectId: string, email: string, role: ProjectRole, headers: Headers = sam.as) {
    const res = await call(membersRoute.POST, { params: { id: projectId }, json: { email, role }, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.invite as { id: string; url: string };
  }

  async function accept(secret: string, name: string, email?: string, headers: Headers = {}): Promise<Person> {
    const res = await call(acceptRoute.POST, {
      params: { token: secret },
      json: { name, password: PASSWORD, ...(email ? { email } : {}) },
      headers,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const cookie = cookieOf(res.response);
    return {
      id: res.body.user.id,
      email: res.body.user.email,
      name,
      cookie,
      as: { cookie: `fleetdeck_session=${cookie}` },
    };
  }

  /** A new account with `role` on each project given. */
  async function join(name: string, roles: [string, ProjectRole][]): Promise<Person> {
    const email = `${name.toLowerCase()}@example.com`;
    const [first, ...rest] = roles;
    const person = await accept(secretOf((await invite(first![0], email, first![1])).url), name);
    for (const [projectId, role] of rest) await invite(projectId, email, role);
    return person;
  }

  const secretOf = (url: string) => url.split("/invite/")[1]!;

  const login = (email: string, password: string, address: string) =>
    call(loginRoute.POST, { json: { email, password }, headers: from(address) });

  const projectsSeenBy = async (headers: Headers) => {
    const res = await call(projectsRoute.GET, { headers });
    return res.status === 200 ? (res.body.projects as { id: string; role: ProjectRole }[]) : res.status;
  };

  async function createToken(as: Headers, body: object) {
    const res = await call(tokensRoute.POST, { json: body, headers: as });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { token: { id: string; prefix: string }; secret: string };
  }

  /** A batch of simulated rows in the project and a running execution of it (no scheduler: it stays running). */
  async function startRun(projectId: string, headers: Headers) {
    const csv = "url,name\nhttps://a.example.com/,A\nhttps://b.example.com/,B\n";
    const agent = { engine: "simulated", simulate: { durationMs: 60_000, failRate: 0 } };
    const batch = await call(batchesRoute.POST, {
      params: { id: projectId },
      json: { name: "rows", csv, agent },
      headers,
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    const run = await call(executionsRoute.POST, {
      params: { id: batch.body.batch.id },
      json: { mode: "production", concurrency: 2 },
      headers,
    });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    return { batchId: batch.body.batch.id as string, executionId: run.body.execution.id as string };
  }

  /** The audit entries `act` wrote. */
  async function entriesWrittenBy(act: () => Promise<unknown>) {
    const [last] = await db()
      .select({ id: sql<number>`coalesce(max(${auditLog.id}), 0)::int` })
      .from(auditLog);
    await act();
    return db().select().from(auditLog).where(gt(auditLog.id, last!.id)).orderBy(auditLog.id);
  }

  beforeAll(async () => {
    t = await startTestRuntime(kind, {
      AUTH: "on",
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(LIMITS.perAccount),
      LOGIN_MAX_FAILURES_PER_ADDRESS: String(LIMITS.perAddress),
      LOGIN_WINDOW_MINUTES: "15",
    });
    const link = await firstAdminLink(t.runtime, 3000);
    sam = await accept(secretOf(link!), "Sam", "sam@example.com");
    projectA = await createProject(sam.as, "A");
    projectB = await createProject(sam.as, "B");
  });

  afterAll(() => t?.stop());

  it("stores passwords as argon2id, and sessions, tokens and invite links only as their SHA-256", async () => {
    const [samRow] = await db().select().from(users).where(eq(users.id, sam.id));
    expect(samRow!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(samRow)).not.toContain(PASSWORD);

    const [session] = await db().select().from(sessions).where(eq(sessions.userId, sam.id));
    expect(session!.secretHash).toBe(sha256(sam.cookie));
    expect(session!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(session)).not.toContain(sam.cookie);

    const { token, secret } = await createToken(sam.as, { name: "ci", role: "viewer" });
    expect(secret).toMatch(/^fdk_[A-Za-z0-9_-]{43}$/);
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row!.secretHash).toBe(sha256(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row!.prefix).toBe(secret.slice(0, 10));
    const listed = await call(tokensRoute.GET, { headers: sam.as });
    expect(listed.body.tokens).toContainEqual(expect.objectContaining({ id: token.id, prefix: secret.slice(0, 10) }));
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(listed.body)).not.toContain(row!.secretHash);

    const sent = await invite(projectB, "ivy@example.com", "viewer");
    const [inviteRow] = await db().select().from(invites).where(eq(invites.id, sent.id));
    expect(inviteRow!.secretHash).toBe(sha256(secretOf(sent.url)));
    expect(JSON.stringify(inviteRow)).not.toContain(secretOf(sent.url));
  });

  it("ends a session when it expires and on sign-out; sign-out everywhere ends them all but leaves tokens", async () => {
    const eve = await join("Eve", [[projectA, "viewer"]]);
    expect(await projectsSeenBy(eve.as)).toHaveLength(1);
    await db()
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(sessions.secretHash, sha256(eve.cookie)));
    expect(await projectsSeenBy(eve.as)).toBe(401);
    expect((await call(meRoute.GET, { headers: eve.as })).body).toMatchObject({ mode: "accounts", user: null });

    const again = await login(eve.email, PASSWORD, "10.0.0.1");
    expect(again.status).toBe(200);
    const signedIn = { cookie: `fleetdeck_session=${cookieOf(again.response)}` };
    const out = await call(logoutRoute.POST, { method: "POST", headers: signedIn });
    expect(out.status).toBe(204);
    expect(out.response.headers.get("set-cookie")).toMatch(/^fleetdeck_session=; .*Max-Age=0/);
    expect(await projectsSeenBy(signedIn)).toBe(401);

    const browsers = await Promise.all(["10.0.0.2", "10.0.0.3"].map((a) => login(eve.email, PASSWORD, a)));
    const [laptop, phone] = browsers.map((b) => ({ cookie: `fleetdeck_session=${cookieOf(b.response)}` }));
    const { secret } = await createToken(laptop!, { name: "script", role: "viewer" });
    const everywhere = await call(logoutEverywhereRoute.POST, { method: "POST", headers: laptop });
    // Both browsers' sessions, and the expired one still stored (nothing purges expired sessions yet).
    expect(everywhere.body.sessionsEnded).toBeGreaterThanOrEqual(2);
    expect(await db().select().from(sessions).where(eq(sessions.userId, eve.id))).toEqual([]);
    expect(await projectsSeenBy(laptop!)).toBe(401);
    expect(await projectsSeenBy(phone!)).toBe(401);
    expect(await projectsSeenBy(bearer(secret))).toHaveLength(1);
    expect(await projectsSeenBy(sam.as)).toHaveLength(2);
  });

  it("refuses an account after LOGIN_MAX_FAILURES_PER_ACCOUNT failures with 429 and Retry-After, right password or not", async () => {
    const rita = await join("Rita", [[projectA, "viewer"]]);
    for (let i = 0; i < LIMITS.perAccount; i++)
      expect((await login(rita.email, "wrong password", "10.0.1.1")).status).toBe(401);
    for (const address of ["10.0.1.1", "10.0.1.2"]) {
      const refused = await login(rita.email, PASSWORD, address);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({
        code: "rate_limited",
        message: expect.stringMatching(/this account/),
      });
      const retryAfter = Number(refused.response.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
  });

  it("refuses an address after LOGIN_MAX_FAILURES_PER_ADDRESS failures across different emails", async () => {
    const pia = await join("Pia", [[projectA, "viewer"]]);
    for (let i = 0; i < LIMITS.perAddress; i++) {
      expect((await login(`nobody-${i}@example.com`, "wrong password", "10.0.2.1")).status).toBe(401);
    }
    const refused = await login(pia.email, PASSWORD, "10.0.2.1");
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/this address/);
    expect(Number(refused.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login(pia.email, PASSWORD, "10.0.2.2")).status).toBe(200);
  });

  it("clears an account's failures when its password is right, and words every failure the same", async () => {
    const sid = await join("Sid", [[projectA, "viewer"]]);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LIMITS.perAccount - 1; i++) {
        expect((await login(sid.email, "wrong password", "10.0.3.1")).status).toBe(401);
      }
      // Without the clearing, the second round's failures would add up past the limit.
      expect((await login(sid.email, PASSWORD, "10.0.3.1")).status).toBe(200);
    }
    const unknown = await login("no-such-person@example.com", PASSWORD, "10.0.4.1");
    const wrong = await login(sid.email, "wrong password", "10.0.4.1");
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toMatchObject({ code: "unauthenticated", message: "The email or password is not right" });
  });

  it("holds the per-account limit under concurrent guesses", async () => {
    const cara = await join("Cara", [[projectA, "viewer"]]);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(cara.email, "wrong password", `10.0.5.${i + 1}`)),
    );
    const statuses = answers.map((a) => a.status);
    // Each guess costs an argon2 verification; counting only after it lets every guess in flight through.
    expect(statuses.filter((s) => s === 401).length, statuses.join(",")).toBeLessThanOrEqual(LIMITS.perAccount);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
  });

  it("refuses revoked and expired tokens at once", async () => {
    const revoked = await createToken(sam.as, { name: "to revoke", role: "admin" });
    expect(await projectsSeenBy(bearer(revoked.secret))).toHaveLength(2);
    const res = await call(tokenRoute.DELETE, { method: "DELETE", params: { id: revoked.token.id }, headers: sam.as });
    expect(res.status).toBe(200);
    expect(res.body.token.revokedAt).not.toBeNull();
    expect(await projectsSeenBy(bearer(revoked.secret))).toBe(401);

    const expiring = await createToken(sam.as, { name: "a day", role: "admin", expiresInDays: 1 });
    expect(await projectsSeenBy(bearer(expiring.secret))).toHaveLength(2);
    await db()
      .update(apiTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(apiTokens.id, expiring.token.id));
    expect(await projectsSeenBy(bearer(expiring.secret))).toBe(401);
  });

  it("never lets a token exceed its user's role, nor reach a project outside its scope", async () => {
    const { executionId } = await startRun(projectA, sam.as);
    const vic = await join("Vic", [[projectA, "viewer"]]);
    const { secret } = await createToken(vic.as, { name: "wants more", role: "admin" });
    expect(await projectsSeenBy(bearer(secret))).toEqual([expect.objectContaining({ id: projectA, role: "viewer" })]);
    const steer = await call(pauseRoute.POST, { method: "POST", params: { id: executionId }, headers: bearer(secret) });
    expect(steer.status).toBe(403);
    expect(steer.body.error.message).toMatch(/Viewers can't steer runs/);
    expect((await call(executionRoute.GET, { params: { id: executionId }, headers: bearer(secret) })).status).toBe(200);

    const otto = await join("Otto", [
      [projectA, "operator"],
      [projectB, "operator"],
    ]);
    const scoped = bearer(
      (await createToken(otto.as, { name: "A only", role: "operator", projectIds: [projectA] })).secret,
    );
    expect(((await projectsSeenBy(otto.as)) as { id: string }[]).map((p) => p.id).sort()).toEqual(
      [projectA, projectB].sort(),
    );
    expect(await projectsSeenBy(scoped)).toEqual([expect.objectContaining({ id: projectA, role: "operator" })]);
    expect((await call(projectRoute.GET, { params: { id: projectB }, headers: scoped })).status).toBe(404);
    expect((await call(projectRoute.GET, { params: { id: projectA }, headers: scoped })).status).toBe(200);
    expect((await call(projectsRoute.POST, { json: { name: "from a scoped token" }, headers: scoped })).status).toBe(
      403,
    );
    await call(stopRoute.POST, { method: "POST", params: { id: executionId }, headers: sam.as });
  });

  describe("the audit trail", () => {
    let olga: Person;
    const OLGA_AT = "10.9.0.1";
    const SAM_AT = "10.9.0.2";
    const olgaHere = () => ({ ...olga.as, ...from(OLGA_AT) });
    const samHere = () => ({ ...sam.as, ...from(SAM_AT) });

    beforeAll(async () => {
      olga = await join("Olga", [[projectB, "operator"]]);
    });

    const user = (p: Person) => ({ type: "user", id: p.id, name: p.name });

    /** `act` succeeded and wrote exactly one entry, by `actor` from `address`; returns the entry and the answer. */
    async function oneEntry(
      act: () => ReturnType<typeof call>,
      actor: { type: string; id: string; name: string },
      address: string,
    ) {
      let answer: Awaited<ReturnType<typeof call>> | undefined;
      const entries = await entriesWrittenBy(async () => {
        answer = await act();
      });
      expect(answer!.status, JSON.stringify(answer!.body)).toBeLessThan(300);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorType: actor.type, actorId: actor.id, actorName: actor.name, address });
      return { entry: entries[0]!, body: answer!.body };
    }

    const control = (route: { POST: typeof pauseRoute.POST }, id: string, headers: Headers, json?: unknown) => () =>
      call(route.POST, { method: "POST", params: { id }, json, headers });

    it("records each control, batch, export, member and token change once, with actor, address and before/after", async () => {
      const csv = "url\nhttps://a.example.com/\nhttps://b.example.com/\n";
      const agent = { engine: "simulated", simulate: { durationMs: 60_000, failRate: 0 } };
      const { entry: batch } = await oneEntry(
        () =>
          call(batchesRoute.POST, {
            params: { id: projectB },
            json: { name: "rows", csv, agent },
            headers: olgaHere(),
          }),
        user(olga),
        OLGA_AT,
      );
      expect(batch).toMatchObject({
        action: "batch.create",
        projectId: projectB,
        targetType: "batch",
        after: { name: "rows", rowCount: 2, engine: "simulated" },
      });

      const started = await oneEntry(
        () =>
          call(executionsRoute.POST, {
            params: { id: batch.targetId! },
            json: { mode: "production", concurrency: 2 },
            headers: olgaHere(),
          }),
        user(olga),
        OLGA_AT,
      );
      const executionId = started.body.execution.id as string;
      expect(started.entry).toMatchObject({
        action: "execution.start",
        projectId: projectB,
        executionId,
        after: { mode: "production", concurrency: 2, totalJobs: 2 },
      });

      const created = await oneEntry(
        () => call(tokensRoute.POST, { json: { name: "olga script", role: "operator" }, headers: olgaHere() }),
        user(olga),
        OLGA_AT,
      );
      const { token, secret } = created.body as { token: { id: string; prefix: string }; secret: string };
      expect(created.entry).toMatchObject({
        action: "token.create",
        projectId: null,
        targetId: token.id,
        after: { name: "olga script", role: "operator", projectIds: null, prefix: token.prefix },
      });
      expect(JSON.stringify(created.entry)).not.toContain(secret);

      expect((await oneEntry(control(pauseRoute, executionId, olgaHere()), user(olga), OLGA_AT)).entry).toMatchObject({
        action: "execution.pause",
        executionId,
        before: { status: "running" },
        after: { status: "paused" },
      });
      expect((await oneEntry(control(resumeRoute, executionId, olgaHere()), user(olga), OLGA_AT)).entry).toMatchObject({
        action: "execution.resume",
        before: { status: "paused" },
        after: { status: "running" },
      });
      // Who paused it is remembered only while it stays paused.
      const resumed = await call(executionRoute.GET, { params: { id: executionId }, headers: olga.as });
      expect(resumed.body.execution).toMatchObject({ status: "running", pausedBy: null, startedBy: user(olga) });
      // Through her token: the trail names the token, on her behalf.
      const byToken = { ...bearer(secret), ...from(OLGA_AT) };
      const tokenActor = { type: "token", id: token.id, name: 'Olga (token "olga script")' };
      expect(
        (await oneEntry(control(adjustRoute, executionId, byToken, { concurrency: 4 }), tokenActor, OLGA_AT)).entry,
      ).toMatchObject({ action: "execution.concurrency", before: { concurrency: 2 }, after: { concurrency: 4 } });
      const exported = await oneEntry(
        () => call(exportRoute.GET, { path: "/?format=csv", params: { id: executionId }, headers: olgaHere() }),
        user(olga),
        OLGA_AT,
      );
      expect(exported.entry).toMatchObject({ action: "execution.export", executionId, after: { format: "csv" } });
      const stopped = await oneEntry(
        control(stopRoute, executionId, olgaHere(), { reason: "enough for today" }),
        user(olga),
        OLGA_AT,
      );
      expect(stopped.entry).toMatchObject({
        action: "execution.stop",
        reason: "enough for today",
        before: { status: "running" },
        after: { status: "stopped" },
      });

      const invited = await oneEntry(
        () =>
          call(membersRoute.POST, {
            params: { id: projectB },
            json: { email: "nell@example.com", role: "viewer" },
            headers: samHere(),
          }),
        user(sam),
        SAM_AT,
      );
      expect(invited.entry).toMatchObject({
        action: "member.invite",
        projectId: projectB,
        after: { email: "nell@example.com", role: "viewer" },
      });
      let nell: Person | undefined;
      const joined = await entriesWrittenBy(async () => {
        nell = await accept(secretOf(invited.body.invite.url), "Nell", undefined, from("10.9.0.3"));
      });
      expect(joined).toEqual([
        expect.objectContaining({
          action: "member.add",
          projectId: projectB,
          actorId: nell!.id,
          actorName: "Nell",
          address: "10.9.0.3",
          after: expect.objectContaining({ email: "nell@example.com", role: "viewer" }),
        }),
      ]);
      const member = (method: "PATCH" | "DELETE", json?: unknown) => () =>
        call(method === "PATCH" ? memberRoute.PATCH : memberRoute.DELETE, {
          method,
          params: { id: projectB, userId: nell!.id },
          json,
          headers: samHere(),
        });
      expect((await oneEntry(member("PATCH", { role: "operator" }), user(sam), SAM_AT)).entry).toMatchObject({
        action: "member.role",
        targetId: nell!.id,
        before: { email: "nell@example.com", role: "viewer" },
        after: { email: "nell@example.com", role: "operator" },
      });
      expect((await oneEntry(member("DELETE"), user(sam), SAM_AT)).entry).toMatchObject({
        action: "member.remove",
        targetId: nell!.id,
        before: { email: "nell@example.com", role: "operator" },
        after: null,
      });

      const revoked = await oneEntry(
        () => call(tokenRoute.DELETE, { method: "DELETE", params: { id: token.id }, headers: olgaHere() }),
        user(olga),
        OLGA_AT,
      );
      expect(revoked.entry).toMatchObject({
        action: "token.revoke",
        targetId: token.id,
        before: { name: "olga script", role: "operator", prefix: token.prefix },
      });
    });

    it("writes the entry in the change's transaction: a refused control writes none, a failed write undoes the change", async () => {
      const startOne = async () => (await startRun(projectB, olga.as)).executionId;
      const stopped = await startOne();
      await control(stopRoute, stopped, olga.as)();
      const refused = await entriesWrittenBy(async () => {
        for (const route of [pauseRoute, resumeRoute])
          expect((await control(route, stopped, olga.as)()).status).toBe(409);
        expect((await control(adjustRoute, stopped, olga.as, { concurrency: 3 })()).status).toBe(409);
      });
      expect(refused).toEqual([]);

      const running = await startOne();
      await db().execute(
        sql.raw(
          "create function fail_audit_write() returns trigger language plpgsql as $$ begin raise exception 'the audit write failed'; end $$",
        ),
      );
      await db().execute(
        sql.raw(
          "create trigger fail_audit_write before insert on audit_log for each row execute function fail_audit_write()",
        ),
      );
      let paused: Awaited<ReturnType<ReturnType<typeof control>>>;
      try {
        paused = await control(pauseRoute, running, olga.as)();
      } finally {
        await db().execute(sql.raw("drop trigger fail_audit_write on audit_log"));
        await db().execute(sql.raw("drop function fail_audit_write()"));
      }
      expect(paused.status).toBe(500);
      const after = await call(executionRoute.GET, { params: { id: running }, headers: olga.as });
      expect(after.body.execution).toMatchObject({ status: "running", pausedBy: null });
      await control(stopRoute, running, olga.as)();
    });

    it("shows an execution's Activity to its viewers, but the addresses people acted from only to admins", async () => {
      const vera = await join("Vera", [[projectB, "viewer"]]);
      const { executionId } = await startRun(projectB, olgaHere());
      await control(pauseRoute, executionId, olgaHere())();
      const activity = (headers: Headers, format?: string) =>
        call(activityRoute.GET, {
          params: { id: executionId },
          path: `/api/executions/${executionId}/activity${format ? `?format=${format}` : ""}`,
          headers,
        });
      const seen = await activity(vera.as);
      expect(seen.status).toBe(200);
      expect(seen.body.entries.map((e: { action: string }) => e.action)).toEqual([
        "execution.pause",
        "execution.start",
      ]);
      expect(seen.body.entries.map((e: { address: string | null }) => e.address)).toEqual([null, null]);
      expect((await activity(vera.as, "csv")).body).not.toContain(OLGA_AT);
      const admin = await activity(sam.as);
      expect(admin.body.entries.map((e: { address: string | null }) => e.address)).toEqual([OLGA_AT, OLGA_AT]);
      await control(stopRoute, executionId, olga.as)();
    });

    it("records what no person asked for (the demo seed) as fleetdeck's own, not the local user's", async () => {
      const entries = await entriesWrittenBy(() => createProjectAsNobody("Seeded"));
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ action: "project.create", actorType: "system", actorName: "fleetdeck" });
    });

    it("is append-only: UPDATE, DELETE and TRUNCATE on audit_log fail", async () => {
      const count = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0);
      const attempts = [
        () => db().update(auditLog).set({ reason: "rewritten" }).where(gt(auditLog.id, 0)),
        () => db().delete(auditLog).where(gt(auditLog.id, 0)),
        () => db().execute(sql`truncate audit_log`),
      ];
      for (const attempt of attempts) {
        const error = await Promise.resolve()
          .then(attempt)
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(errorText(error)).toMatch(/audit_log is append-only/);
      }
      expect(await count()).toBe(before);
      const reasons = await db().select({ reason: auditLog.reason }).from(auditLog);
      expect(reasons.map((r) => r.reason)).not.toContain("rewritten");
    });
  });
});

describe.each(DATABASES)("local mode on %s (AUTH off)", (kind) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime(kind);
  });
  afterAll(() => t?.stop());

  it("answers every call without a credential, as the one local user who is admin of everything", async () => {
    expect((await call(meRoute.GET)).body).toEqual({ mode: "local", user: null, via: "local", sso: false });
    const created = await call(projectsRoute.POST, { json: { name: "Mine" } });
    expect(created.status).toBe(201);
    const projectId = created.body.project.id as string;
    expect(created.body.project.role).toBe("admin");
    expect((await call(projectsRoute.GET)).body.projects).toEqual([
      expect.objectContaining({ id: projectId, role: "admin" }),
    ]);

    const csv = "url\nhttps://a.example.com/\n";
    const agent = { engine: "simulated", simulate: { durationMs: 60_000, failRate: 0 } };
    const batch = await call(batchesRoute.POST, { params: { id: projectId }, json: { csv, agent } });
    expect(batch.status).toBe(201);
    const run = await call(executionsRoute.POST, { params: { id: batch.body.batch.id }, json: { mode: "production" } });
    expect(run.status).toBe(201);
    const id = run.body.execution.id as string;
    const paused = await call(pauseRoute.POST, { method: "POST", params: { id } });
    expect(paused.status).toBe(200);
    // Events and executions name nobody in local mode; the trail calls the one person the local user.
    expect(paused.body.execution).toMatchObject({ status: "paused", startedBy: null, pausedBy: null });
    const trail = await call(auditRoute.GET, { path: "/?action=execution.pause", params: { id: projectId } });
    expect(trail.body.entries).toEqual([
      expect.objectContaining({ actor: { type: "local", id: null, name: "Local user" }, action: "execution.pause" }),
    ]);
    expect((await call(stopRoute.POST, { method: "POST", params: { id } })).status).toBe(200);

    // What needs accounts says so rather than failing.
    const login = await call(loginRoute.POST, { json: { email: "a@example.com", password: "whatever it is" } });
    expect(login.status).toBe(409);
    expect(login.body.error.message).toMatch(/AUTH=on/);
  });

  it("answers the token routes, which need accounts, with 409 rather than a server error", async () => {
    const created = await call(tokensRoute.POST, { json: { name: "script", role: "viewer" } });
    expect(created.status, JSON.stringify(created.body)).toBe(409);
    const revoked = await call(tokenRoute.DELETE, {
      method: "DELETE",
      params: { id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(409);
  });
});

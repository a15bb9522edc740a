import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerMessage } from "@/lib/contract/events";
import { TestClient } from "../helpers/realtime-harness";
import { createTestDatabase } from "../helpers/runtime";
import { type RunningServer, startServer } from "../helpers/server";

/**
 * The live view under access control, against the real server with AUTH=on: who may subscribe (cookie or bearer on
 * the handshake, a token in the subscribe message; nobody else, and an outsider learns nothing), that a control by
 * one person reaches another's socket with their name, and that revoking access closes the sockets holding it at once.
 */

const CLOSE_ACCESS_CHANGED = 4401;
const PASSWORD = "a long enough password";

interface Config {
  name: string;
  database: "pglite" | "postgres";
  /** One web process and one worker process on PostgreSQL, instead of one process doing both. */
  split?: boolean;
}

const CONFIGS: Config[] = [
  { name: "PGlite", database: "pglite" },
  ...(process.env.TEST_DATABASE_URL
    ? ([
        { name: "PostgreSQL", database: "postgres" },
        { name: "PostgreSQL, one web and one worker process", database: "postgres", split: true },
      ] as Config[])
    : []),
];

interface Credentials {
  cookie?: string;
  bearer?: string;
}

interface Person {
  id: string;
  name: string;
  cookie: string;
}

describe.each(CONFIGS)("live view with AUTH=on: $name", (config) => {
  const servers: RunningServer[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  let baseUrl: string;
  let wsUrl: string;
  let admin: Person;
  let viewer: Person;
  let operator: Person;
  let outsider: Person;
  let projectId: string;
  /** A project the outsider belongs to, and the viewer does not. */
  let elsewhereId: string;
  let executionId: string;
  /** The viewer's tokens: one revoked during the run, one that lives until the viewer leaves the project. */
  let revokedLater: { id: string; secret: string };
  let kept: { id: string; secret: string };
  const clients: TestClient[] = [];

  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    as: Credentials = {},
    body?: unknown,
  ): Promise<{ status: number; body: T; cookie: string | null }> {
    const headers: Record<string, string> = {};
    if (as.cookie) headers.cookie = as.cookie;
    if (as.bearer) headers.authorization = `Bearer ${as.bearer}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("fleetdeck_session="));
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as T,
      cookie: setCookie ? setCookie.split(";")[0]! : null,
    };
  }

  /** A call that must succeed; fails the test with the server's answer otherwise. */
  async function ok<T = Record<string, unknown>>(method: string, path: string, as: Credentials = {}, body?: unknown) {
    const res = await call<T>(method, path, as, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  /** Accepts an invite link as someone signed out: a new account and its first session. */
  async function acceptInvite(url: string, name: string, email?: string): Promise<Person> {
    const secret = url.split("/invite/")[1]!;
    const res = await ok<{ user: { id: string } }>(
      "POST",
      `/api/auth/invites/${secret}/accept`,
      {},
      {
        name,
        password: PASSWORD,
        ...(email ? { email } : {}),
      },
    );
    expect(res.cookie).toBeTruthy();
    return { id: res.body.user.id, name, cookie: res.cookie! };
  }

  async function invite(project: string, email: string, role: string, name: string): Promise<Person> {
    const res = await ok<{ invite: { url: string } }>("POST", `/api/projects/${project}/members`, admin, {
      email,
      role,
    });
    return acceptInvite(res.body.invite.url, name);
  }

  async function signIn(email: string): Promise<string> {
    const res = await ok("POST", "/api/auth/login", {}, { email, password: PASSWORD });
    return res.cookie!;
  }

  /** Opens a socket (cookie or bearer on the handshake) and sends one subscribe; resolves with the answer. */
  async function watch(
    as: Credentials & { token?: string },
    id = executionId,
  ): Promise<{ client: TestClient; reply: ServerMessage }> {
    const headers: Record<string, string> = {};
    if (as.cookie) headers.cookie = as.cookie;
    if (as.bearer) headers.authorization = `Bearer ${as.bearer}`;
    const client = await TestClient.connect(wsUrl, { headers });
    clients.push(client);
    return { client, reply: await subscribe(client, id, as.token) };
  }

  async function subscribe(client: TestClient, id: string, token?: string): Promise<ServerMessage> {
    const from = client.messages.length;
    client.send({ type: "subscribe", executionId: id, ...(token ? { token } : {}) });
    const answer = (m: ServerMessage) => (m.type === "subscribed" && m.executionId === id) || m.type === "error";
    await client.waitFor(() => client.messages.slice(from).some(answer), 10_000);
    return client.messages.slice(from).find(answer)!;
  }

  /** Waits for a live event newer than the subscription's starting point. */
  async function liveEvent(client: TestClient, after: number) {
    await client.waitFor(() => client.events(executionId).some((e) => e.seq > after), 10_000);
  }

  /** When the socket closes (Date.now()), however it closes. */
  function closedAt(client: TestClient): Promise<number> {
    return new Promise((resolve) => {
      if (client.closeCode !== null) resolve(Date.now());
      else client.ws.once("close", () => resolve(Date.now()));
    });
  }

  const isOpen = (client: TestClient) => client.closeCode === null && client.ws.readyState === client.ws.OPEN;

  beforeAll(async () => {
    let databaseUrl = "";
    if (config.database === "postgres") {
      const created = await createTestDatabase();
      databaseUrl = created.url;
      dropDatabase = created.drop;
    }
    const env = { AUTH: "on", DATABASE_URL: databaseUrl };
    if (config.split) {
      servers.push(
        ...(await Promise.all([
          startServer({ ...env, FLEETDECK_ROLE: "web" }),
          startServer({ ...env, FLEETDECK_ROLE: "worker" }),
        ])),
      );
    } else {
      servers.push(await startServer(env));
    }
    const web = servers[0]!;
    baseUrl = web.url;
    wsUrl = `${baseUrl.replace("http", "ws")}/api/ws/executions`;

    const link = /Create the first admin[^:]*: (http\S+\/invite\/\S+)/.exec(web.output())?.[1];
    if (!link) throw new Error(`no first-admin link in the server's output:\n${web.output()}`);
    admin = await acceptInvite(link, "Ada Admin", "ada@example.com");

    const { project } = (await ok<{ project: { id: string } }>("POST", "/api/projects", admin, { name: "Watched" }))
      .body;
    projectId = project.id;
    viewer = await invite(projectId, "vera@example.com", "viewer", "Vera Viewer");
    operator = await invite(projectId, "otto@example.com", "operator", "Otto Operator");
    elsewhereId = (await ok<{ project: { id: string } }>("POST", "/api/projects", admin, { name: "Elsewhere" })).body
      .project.id;
    outsider = await invite(elsewhereId, "olga@example.com", "viewer", "Olga Outsider");

    const token = async (name: string) => {
      const res = await ok<{ token: { id: string }; secret: string }>("POST", "/api/tokens", viewer, {
        name,
        role: "viewer",
      });
      return { id: res.body.token.id, secret: res.body.secret };
    };
    revokedLater = await token("dashboard");
    kept = await token("wall screen");

    // Long enough to outlast the file: 200 ms jobs two at a time give a steady stream of live events.
    const csv = ["url", ...Array.from({ length: 2000 }, (_, i) => `https://site${i}.example.com/`)].join("\n");
    const { batch } = (
      await ok<{ batch: { id: string } }>("POST", `/api/projects/${projectId}/batches`, admin, {
        name: "rows.csv",
        csv,
        agent: { engine: "simulated", simulate: { durationMs: 200, failRate: 0 } },
      })
    ).body;
    executionId = (
      await ok<{ execution: { id: string } }>("POST", `/api/batches/${batch.id}/executions`, admin, {
        mode: "production",
        concurrency: 2,
      })
    ).body.execution.id;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    if (admin && executionId)
      await call("POST", `/api/executions/${executionId}/stop`, admin, { reason: "test over" }).catch(() => {});
    await Promise.all(servers.map((s) => s.kill()));
    for (const s of servers) fs.rmSync(s.dataDir, { recursive: true, force: true });
    await dropDatabase?.();
  });

  it("refuses a subscribe without a credential, or with one it does not know", async () => {
    for (const as of [{}, { cookie: "fleetdeck_session=not-a-session" }, { bearer: "fd_not_a_token" }]) {
      const { client, reply } = await watch(as);
      expect(reply, JSON.stringify(as)).toMatchObject({ type: "error", error: { code: "unauthenticated" } });
      expect(client.messages.some((m) => m.type === "subscribed")).toBe(false);
    }
    // The HTTP API agrees.
    expect((await call("GET", `/api/executions/${executionId}`)).status).toBe(401);
  });

  it("answers an outsider as if the execution did not exist", async () => {
    const { client, reply } = await watch({ cookie: outsider.cookie });
    expect(reply).toEqual({
      type: "error",
      error: { code: "not_found", message: `Execution ${executionId} does not exist` },
    });
    const missing = crypto.randomUUID();
    expect(await subscribe(client, missing)).toEqual({
      type: "error",
      error: { code: "not_found", message: `Execution ${missing} does not exist` },
    });
    expect((await call("GET", `/api/executions/${executionId}`, outsider)).status).toBe(404);

    // A token limited to another project sees nothing here, even a site admin's.
    const scoped = await ok<{ secret: string }>("POST", "/api/tokens", admin, {
      name: "elsewhere only",
      role: "viewer",
      projectIds: [elsewhereId],
    });
    expect((await watch({ token: scoped.body.secret })).reply).toMatchObject({ error: { code: "not_found" } });
  });

  let viewerSocket: TestClient;
  let tokenSocket: TestClient;
  let bearerSocket: TestClient;
  let operatorSocket: TestClient;

  it("lets a viewer's session cookie on the handshake subscribe and receive live events", async () => {
    const { client, reply } = await watch({ cookie: viewer.cookie });
    expect(reply).toMatchObject({ type: "subscribed", executionId });
    await liveEvent(client, (reply as { seq: number }).seq);
    viewerSocket = client;
  });

  it("lets an API token in the first subscribe message subscribe, and keeps it for the socket's later subscribes", async () => {
    const { client, reply } = await watch({ token: revokedLater.secret });
    expect(reply).toMatchObject({ type: "subscribed", executionId });
    await liveEvent(client, (reply as { seq: number }).seq);
    expect(await subscribe(client, executionId)).toMatchObject({ type: "subscribed", executionId });
    tokenSocket = client;
  });

  it("lets Authorization: Bearer on the handshake subscribe", async () => {
    const { client, reply } = await watch({ bearer: kept.secret });
    expect(reply).toMatchObject({ type: "subscribed", executionId });
    await liveEvent(client, (reply as { seq: number }).seq);
    bearerSocket = client;
  });

  it("shows the viewer who paused the run, within a second of the operator's click", async () => {
    operatorSocket = (await watch({ cookie: operator.cookie })).client;
    // The viewer may watch but not steer.
    expect((await call("POST", `/api/executions/${executionId}/pause`, viewer)).status).toBe(403);

    const t0 = Date.now();
    await ok("POST", `/api/executions/${executionId}/pause`, operator);
    await viewerSocket.waitFor(
      () => viewerSocket.events(executionId).some((e) => e.type === "execution_paused"),
      5_000,
    );
    const paused = viewerSocket.events(executionId).find((e) => e.type === "execution_paused")!;
    const elapsedMs = Date.now() - t0;
    expect(elapsedMs).toBeLessThan(1000);
    expect((paused.data as { actor?: unknown }).actor).toEqual({ type: "user", id: operator.id, name: operator.name });

    await ok("POST", `/api/executions/${executionId}/resume`, operator);
    await viewerSocket.waitFor(() => viewerSocket.events(executionId).some((e) => e.type === "execution_resumed"));
    const resumed = viewerSocket.events(executionId).find((e) => e.type === "execution_resumed")!;
    expect((resumed.data as { actor?: unknown }).actor).toEqual({ type: "user", id: operator.id, name: operator.name });
  });

  it("closes the socket of a revoked token at once (4401), and the token subscribes no more", async () => {
    const closed = closedAt(tokenSocket);
    const t0 = Date.now();
    const res = await ok<{ token: { revokedAt: string | null } }>("DELETE", `/api/tokens/${revokedLater.id}`, viewer);
    expect(res.body.token.revokedAt).toBeTruthy();
    const answeredAt = Date.now();
    const closeAt = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 2000))]);
    expect(closeAt - t0, `revocation answered in ${answeredAt - t0} ms`).toBeLessThan(500);
    expect(tokenSocket.closeCode).toBe(CLOSE_ACCESS_CHANGED);
    expect(tokenSocket.errors().map((e) => e.code)).toContain("unauthenticated");

    // Only that token: the same person's cookie and other token keep watching.
    expect(isOpen(viewerSocket)).toBe(true);
    expect(isOpen(bearerSocket)).toBe(true);

    for (const as of [{ token: revokedLater.secret }, { bearer: revokedLater.secret }]) {
      const { reply } = await watch(as);
      expect(reply).toMatchObject({ type: "error", error: { code: "unauthenticated" } });
    }
    expect((await call("GET", `/api/executions/${executionId}`, { bearer: revokedLater.secret })).status).toBe(401);
  });

  it("closes every cookie socket of a person who signs out everywhere, and leaves their API token's", async () => {
    const secondCookie = await signIn("vera@example.com");
    const second = await watch({ cookie: secondCookie });
    expect(second.reply).toMatchObject({ type: "subscribed" });
    const closed = [closedAt(viewerSocket), closedAt(second.client)];

    const t0 = Date.now();
    const res = await ok<{ sessionsEnded: number }>("POST", "/api/auth/logout-everywhere", viewer);
    expect(res.body.sessionsEnded).toBe(2);
    const closeTimes = await Promise.all(closed);
    expect(Math.max(...closeTimes) - t0).toBeLessThan(500);
    expect([viewerSocket.closeCode, second.client.closeCode]).toEqual([CLOSE_ACCESS_CHANGED, CLOSE_ACCESS_CHANGED]);

    // The token and other people are not signed out: their sockets still stream.
    for (const client of [bearerSocket, operatorSocket]) {
      expect(isOpen(client)).toBe(true);
      const last = client.events(executionId).at(-1)?.seq ?? 0;
      await liveEvent(client, last);
    }
    for (const cookie of [viewer.cookie, secondCookie]) {
      const { reply } = await watch({ cookie });
      expect(reply).toMatchObject({ type: "error", error: { code: "unauthenticated" } });
    }
  });

  it("closes a removed member's sockets, and then the execution is unknown to them", async () => {
    const cookie = await signIn("vera@example.com");
    const again = await watch({ cookie });
    expect(again.reply).toMatchObject({ type: "subscribed" });
    const closed = [closedAt(again.client), closedAt(bearerSocket)];

    const t0 = Date.now();
    const res = await call("DELETE", `/api/projects/${projectId}/members/${viewer.id}`, admin);
    expect(res.status).toBe(204);
    const closeTimes = await Promise.all(closed);
    expect(Math.max(...closeTimes) - t0).toBeLessThan(500);
    expect([again.client.closeCode, bearerSocket.closeCode]).toEqual([CLOSE_ACCESS_CHANGED, CLOSE_ACCESS_CHANGED]);
    expect(isOpen(operatorSocket)).toBe(true);

    // Still signed in and the token still valid, but the project is no longer theirs.
    for (const as of [{ cookie }, { bearer: kept.secret }]) {
      const { reply } = await watch(as);
      expect(reply, JSON.stringify(Object.keys(as))).toMatchObject({ type: "error", error: { code: "not_found" } });
    }
  });
});

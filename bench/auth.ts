import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { type RunningServer, startServer } from "../test/helpers/server";
import { freshDatabase } from "./lib/postgres";
import { type Distribution, distribution, fmt, until } from "./lib/stats";

/**
 * Section "auth" of `npm run bench`: what AUTH=on adds to a request and to a WebSocket subscribe. Two production
 * servers run side by side on fresh databases of the same kind, one with AUTH=off and one with AUTH=on, and the
 * variants (no credential on the first; a viewer's session cookie or API token on the second) take turns in rounds
 * so that drift on the machine falls on all of them alike (BENCH.md).
 */

type DbKind = "pglite" | "postgres";
type Variant = "off" | "cookie" | "token";
const VARIANTS: Variant[] = ["off", "cookie", "token"];
const CONCURRENCY = 10;

export interface AuthParams {
  /** Requests per variant and mode (sequential, concurrency 10), after the warm-up. */
  requests: number;
  /** Subscribes per variant, after the warm-up. */
  subscribes: number;
  /** How many turns the variants take (each turn runs a share of every variant, in a rotated order). */
  rounds: number;
}

export interface AuthResult {
  db: DbKind;
  /** Latency of GET /api/executions/:id, ms, per variant. */
  sequential: Record<Variant, Distribution>;
  concurrent: Record<Variant, Distribution>;
  /** Requests per second at concurrency 10, per variant (each variant's wall time summed over its rounds). */
  concurrentPerSec: Record<Variant, number>;
  /** subscribe → subscribed on an open socket, ms (the channel opened fresh each time: unsubscribed, untimed, in between). */
  subscribe: Record<Variant, Distribution>;
}

/** A production server with one finished execution to read, and the credentials to read it with. */
interface Prepared {
  server: RunningServer;
  executionId: string;
  /** Headers per variant this server serves (AUTH=off: "off"; AUTH=on: "cookie" and "token"). */
  headers: Partial<Record<Variant, Record<string, string>>>;
  /** The viewer's API token, for the subscribe message (AUTH=on). */
  token?: string;
  cleanup: () => Promise<void>;
}

const PASSWORD = "a long enough password";

async function prepare(kind: DbKind, auth: boolean): Promise<Prepared> {
  const database = kind === "postgres" ? await freshDatabase() : null;
  const server = await startServer({
    AUTH: auth ? "on" : "off",
    DATABASE_URL: database?.url ?? "",
    LOG_LEVEL: "silent",
    // One client address does everything here; the limits meant for the open internet would throttle the bench.
    WS_MAX_MESSAGES_PER_SECOND: "100000",
    WS_MAX_CONNECTIONS_PER_ADDRESS: "1000",
  });
  const cleanup = async () => {
    await server.kill();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    await database?.drop();
  };
  try {
    const call = async <T>(method: string, path: string, body?: unknown, cookie?: string) => {
      const res = await fetch(server.url + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(cookie ? { cookie } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("fleetdeck_session="));
      return { body: (await res.json()) as T, cookie: setCookie?.split(";")[0] };
    };
    const accept = async (url: string, name: string, email?: string) =>
      (
        await call("POST", `/api/auth/invites/${url.split("/invite/")[1]}/accept`, {
          name,
          password: PASSWORD,
          ...(email ? { email } : {}),
        })
      ).cookie!;

    let adminCookie: string | undefined;
    if (auth) {
      const link = /Create the first admin[^:]*: (http\S+\/invite\/\S+)/.exec(server.output())?.[1];
      if (!link) throw new Error("the AUTH=on server printed no first-admin link");
      adminCookie = await accept(link, "Bench Admin", "admin@example.com");
    }
    const { project } = (
      await call<{ project: { id: string } }>("POST", "/api/projects", { name: "Bench" }, adminCookie)
    ).body;
    const { batch } = (
      await call<{ batch: { id: string } }>(
        "POST",
        `/api/projects/${project.id}/batches`,
        { csv: "url\nhttps://example.com/", agent: { engine: "simulated", simulate: { durationMs: 0, failRate: 0 } } },
        adminCookie,
      )
    ).body;
    const { execution } = (
      await call<{ execution: { id: string } }>(
        "POST",
        `/api/batches/${batch.id}/executions`,
        { mode: "production", concurrency: 1 },
        adminCookie,
      )
    ).body;
    // A finished execution: nothing runs in the background while requests are timed.
    await until(
      async () =>
        (
          await call<{ execution: { status: string } }>(
            "GET",
            `/api/executions/${execution.id}`,
            undefined,
            adminCookie,
          )
        ).body.execution.status === "completed",
      "the bench execution to complete",
      30_000,
      50,
    );
    if (!auth) return { server, executionId: execution.id, headers: { off: {} }, cleanup };

    // A plain project member, not the site admin: the membership lookup is part of what a real caller costs.
    const { invite } = (
      await call<{ invite: { url: string } }>(
        "POST",
        `/api/projects/${project.id}/members`,
        { email: "viewer@example.com", role: "viewer" },
        adminCookie,
      )
    ).body;
    const viewerCookie = await accept(invite.url, "Bench Viewer");
    const { secret } = (
      await call<{ secret: string }>("POST", "/api/tokens", { name: "bench", role: "viewer" }, viewerCookie)
    ).body;
    return {
      server,
      executionId: execution.id,
      headers: { cookie: { cookie: viewerCookie }, token: { authorization: `Bearer ${secret}` } },
      token: secret,
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** One timed GET over a keep-alive connection; rejects on anything but 200 with the execution in the body. */
function getter(prepared: Prepared, variant: Variant): { get: () => Promise<number>; close: () => void } {
  const url = new URL(`${prepared.server.url}/api/executions/${prepared.executionId}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = prepared.headers[variant]!;
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, headers, agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          const ms = performance.now() - t0;
          if (res.statusCode === 200 && body.includes(prepared.executionId)) resolve(ms);
          else reject(new Error(`${variant}: ${res.statusCode} ${body.slice(0, 200)}`));
        });
      });
      req.on("error", reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

async function sequential(get: () => Promise<number>, n: number, into: number[]) {
  for (let i = 0; i < n; i++) into.push(await get());
}

/** `n` requests by CONCURRENCY callers at once; returns the wall time. */
async function concurrent(get: () => Promise<number>, n: number, into: number[]): Promise<number> {
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left > 0) {
        left--;
        into.push(await get());
      }
    }),
  );
  return performance.now() - t0;
}

/** A socket that subscribes and unsubscribes one execution over and over, timing subscribe → subscribed. */
class Subscriber {
  private readonly waiters: ((m: { type: string; executionId?: string }) => boolean)[] = [];

  private constructor(
    private readonly ws: WebSocket,
    private readonly executionId: string,
    private readonly token: string | undefined,
  ) {
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString());
      const i = this.waiters.findIndex((w) => w(message));
      if (i !== -1) this.waiters.splice(i, 1);
    });
  }

  static async open(prepared: Prepared, variant: Variant): Promise<Subscriber> {
    const url = `${prepared.server.url.replace("http", "ws")}/api/ws/executions`;
    // The cookie goes on the handshake; the token in each subscribe message (the way a script without headers does).
    const ws = new WebSocket(url, { headers: variant === "cookie" ? prepared.headers.cookie : {} });
    const subscriber = new Subscriber(ws, prepared.executionId, variant === "token" ? prepared.token : undefined);
    await subscriber.answer(
      (m) => m.type === "connected",
      () => {},
    );
    return subscriber;
  }

  async subscribeOnce(): Promise<number> {
    const t0 = performance.now();
    let refused = "";
    await this.answer(
      (m) => {
        if (m.type === "error") refused = JSON.stringify(m);
        return m.type === "error" || (m.type === "subscribed" && m.executionId === this.executionId);
      },
      () =>
        this.ws.send(
          JSON.stringify({
            type: "subscribe",
            executionId: this.executionId,
            ...(this.token ? { token: this.token } : {}),
          }),
        ),
    );
    const ms = performance.now() - t0;
    if (refused) throw new Error(`subscribe refused: ${refused}`);
    await this.answer(
      (m) => m.type === "unsubscribed",
      () => this.ws.send(JSON.stringify({ type: "unsubscribe", channel: `execution:${this.executionId}` })),
    );
    return ms;
  }

  close() {
    this.ws.terminate();
  }

  private answer(match: (m: { type: string; executionId?: string }) => boolean, send: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer from the WebSocket within 10 s")), 10_000);
      this.waiters.push((m) => {
        if (!match(m)) return false;
        clearTimeout(timer);
        resolve();
        return true;
      });
      send();
    });
  }
}

const rotated = <T>(list: T[], by: number) => list.map((_, i) => list[(i + by) % list.length]!);
const each = <T>(f: (v: Variant) => T) => Object.fromEntries(VARIANTS.map((v) => [v, f(v)])) as Record<Variant, T>;

/**
 * Every timed request must answer 200 with the execution and every subscribe `subscribed`; anything else ends the
 * run with an error (shown in the table) rather than a figure.
 */
export async function measureAuth(
  kind: DbKind,
  params: AuthParams,
  progress: (what: string) => void = () => {},
): Promise<AuthResult> {
  progress(`auth: starting an AUTH=off and an AUTH=on server on ${kind}`);
  const [off, on] = await Promise.all([prepare(kind, false), prepare(kind, true)]);
  const serverOf = (v: Variant) => (v === "off" ? off : on);
  const getters = each((v) => getter(serverOf(v), v));
  const subscribers: Subscriber[] = [];
  try {
    const seq = each<number[]>(() => []);
    const conc = each<number[]>(() => []);
    const concWallMs = each(() => 0);
    const subs = each<number[]>(() => []);

    progress(`auth: warm-up on ${kind}`);
    for (const v of VARIANTS) {
      await sequential(getters[v].get, 100, []);
      await concurrent(getters[v].get, 200, []);
    }
    for (const v of VARIANTS) subscribers.push(await Subscriber.open(serverOf(v), v));
    const socket = each((v) => subscribers[VARIANTS.indexOf(v)]!);
    for (const v of VARIANTS) for (let i = 0; i < 30; i++) await socket[v].subscribeOnce();

    const requestShare = Math.ceil(params.requests / params.rounds);
    const subscribeShare = Math.ceil(params.subscribes / params.rounds);
    for (let r = 0; r < params.rounds; r++) {
      progress(`auth: round ${r + 1}/${params.rounds} on ${kind}`);
      for (const v of rotated(VARIANTS, r)) await sequential(getters[v].get, requestShare, seq[v]);
      for (const v of rotated(VARIANTS, r)) concWallMs[v] += await concurrent(getters[v].get, requestShare, conc[v]);
      for (const v of rotated(VARIANTS, r)) {
        for (let i = 0; i < subscribeShare; i++) subs[v].push(await socket[v].subscribeOnce());
      }
    }
    return {
      db: kind,
      sequential: each((v) => distribution(seq[v])),
      concurrent: each((v) => distribution(conc[v])),
      concurrentPerSec: each((v) => (conc[v].length * 1000) / concWallMs[v]),
      subscribe: each((v) => distribution(subs[v])),
    };
  } finally {
    for (const s of subscribers) s.close();
    for (const v of VARIANTS) getters[v].close();
    await Promise.all([off.cleanup(), on.cleanup()]);
  }
}

/** What run.ts hands a section so its table looks like the others. */
export interface SectionContext {
  quick: boolean;
  hasPg: boolean;
  noPg: string;
  print: (line?: string) => void;
  table: (headers: string[], rows: string[][]) => void;
  progress: (what: string) => void;
  errText: (e: unknown) => string;
}

/** Runs the section on PGlite and (with DATABASE_URL) PostgreSQL and prints its table. */
export async function runAuthSection(ctx: SectionContext): Promise<AuthResult[]> {
  const params: AuthParams = ctx.quick
    ? { requests: 500, subscribes: 300, rounds: 2 }
    : { requests: 2000, subscribes: 1000, rounds: 5 };
  const kinds: DbKind[] = ctx.hasPg ? ["pglite", "postgres"] : ["pglite"];
  const results: AuthResult[] = [];
  const errors = new Map<DbKind, string>();
  for (const kind of kinds) {
    try {
      results.push(await measureAuth(kind, params, ctx.progress));
    } catch (e) {
      errors.set(kind, ctx.errText(e));
    }
  }
  const cell = (d: Distribution) => `${fmt(d.p50)} / ${fmt(d.p99)}`;
  const added = (x: Record<Variant, Distribution>) =>
    `${fmt(x.cookie.p50 - x.off.p50)} / ${fmt(x.token.p50 - x.off.p50)}`;
  const rows: string[][] = [];
  const label = { pglite: "PGlite", postgres: "PostgreSQL" } as const;
  for (const kind of ["pglite", "postgres"] as DbKind[]) {
    const r = results.find((x) => x.db === kind);
    const what = [
      "GET /api/executions/:id, sequential",
      `GET /api/executions/:id, concurrency ${CONCURRENCY}`,
      "WebSocket subscribe → subscribed",
    ];
    if (!r) {
      const why = kind === "postgres" && !ctx.hasPg ? ctx.noPg : (errors.get(kind) ?? "error");
      for (const w of what) rows.push([label[kind], w, why, why, why, why]);
      continue;
    }
    rows.push(
      [
        label[kind],
        what[0]!,
        cell(r.sequential.off),
        cell(r.sequential.cookie),
        cell(r.sequential.token),
        added(r.sequential),
      ],
      [
        label[kind],
        what[1]!,
        cell(r.concurrent.off),
        cell(r.concurrent.cookie),
        cell(r.concurrent.token),
        added(r.concurrent),
      ],
      [
        label[kind],
        what[2]!,
        cell(r.subscribe.off),
        cell(r.subscribe.cookie),
        cell(r.subscribe.token),
        added(r.subscribe),
      ],
    );
  }
  ctx.print(
    `### 6. Auth check: latency with AUTH=off vs AUTH=on, ms, p50 / p99 (production server; a project viewer's session cookie or API token; ${params.requests} requests and ${params.subscribes} subscribes per cell after warm-up, the variants taking turns over ${params.rounds} rounds)`,
  );
  ctx.print();
  ctx.table(
    [
      "database",
      "measured",
      "AUTH=off",
      "AUTH=on, session cookie",
      "AUTH=on, API token",
      "added at p50: cookie / token",
    ],
    rows,
  );
  const throughput = results
    .map((r) => `${label[r.db]} ${VARIANTS.map((v) => fmt(r.concurrentPerSec[v], 0)).join(" / ")}`)
    .join("; ");
  if (throughput)
    ctx.print(
      `Requests per second at concurrency ${CONCURRENCY}, AUTH=off / cookie / token: ${throughput}. The WebSocket cookie rides on the handshake; the token goes in every subscribe message; the channel is opened fresh at each subscribe (an untimed unsubscribe in between), as when a live view opens.`,
    );
  ctx.print();
  return results;
}

import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { log } from "../log";
import {
  type DatabaseHealth,
  DatabaseUnavailableError,
  describeConnectionFailure,
  isDatabaseUnavailable,
} from "./unavailable";

/** Reconnect attempts of the monitor connection: the first at once, then doubling with jitter up to the cap. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 1_000;
/** How often the monitor connection proves the server still answers when nothing else has said otherwise. */
const PROBE_EVERY_MS = 2_000;
const MIGRATION_LOCK = 727274;

/** Health as last observed, with listeners called only when `ok` flips (a new reason while down is not news). */
class HealthState {
  current: DatabaseHealth = { ok: true, reason: null, since: new Date() };
  private readonly listeners = new Set<(health: DatabaseHealth) => void>();

  set(ok: boolean, reason: string | null) {
    if (ok === this.current.ok) return;
    this.current = { ok, reason: ok ? null : reason, since: new Date() };
    if (ok) log().info("the database is reachable again");
    else log().warn({ reason }, "the database is unreachable; queries answer 503 until it is back");
    for (const listener of [...this.listeners]) {
      try {
        listener(this.current);
      } catch (e) {
        log().error({ err: e }, "database health listener failed");
      }
    }
  }

  on(listener: (health: DatabaseHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * One dedicated connection that carries LISTEN and decides the database's health. When it drops it
 * reconnects at once; only if that fails is the database declared down (one killed connection is no
 * outage), and it keeps trying with backoff until the server answers, then LISTENs again. Every
 * other part reports a connection failure here (`suspect`), which probes at once instead of judging.
 */
class Monitor {
  private client: pg.Client | null = null;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private readonly resumeListeners = new Set<() => void>();
  private probeTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private reconnecting = false;
  private attempt = 0;
  private lastAttemptAt = 0;
  private lostBecause = "";
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly connectTimeoutMs: number,
    readonly health: HealthState,
  ) {}

  async start(): Promise<void> {
    this.client = await this.connect();
    this.probeTimer = setInterval(() => this.suspect(), PROBE_EVERY_MS).unref();
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      // Down now: the reconnect LISTENs to every channel in the map.
      await this.client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch((e) => this.failed(e));
    }
    handlers.add(onPayload);
    return async () => {
      handlers.delete(onPayload);
      if (handlers.size > 0 || this.channels.get(channel) !== handlers) return;
      this.channels.delete(channel);
      await this.client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
    };
  }

  /** Called after the monitor connection came back: notifications sent in between are lost. */
  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => this.resumeListeners.delete(listener);
  }

  /** Something failed to reach the database: prove the server answers, or reconnect and judge. */
  suspect(): void {
    const client = this.client;
    if (this.closed || !client || this.probing) return;
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to a probe within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs,
      );
    });
    this.probing = Promise.race([client.query("select 1"), silent])
      .then(
        () => undefined,
        (e: unknown) => this.failed(e, client),
      )
      .finally(() => {
        clearTimeout(timer);
        this.probing = null;
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.config, connectionTimeoutMillis: this.connectTimeoutMs, keepAlive: true });
    client.on("error", (e) => this.failed(e, client));
    client.on("end", () => this.failed(new Error("Connection terminated unexpectedly"), client));
    client.on("notification", (message) => {
      for (const handler of this.channels.get(message.channel) ?? []) {
        try {
          handler(message.payload ?? "");
        } catch (e) {
          log().error({ err: e, channel: message.channel }, "LISTEN handler failed");
        }
      }
    });
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return client;
    } catch (e) {
      client.end().catch(() => {});
      throw e;
    }
  }

  /** The monitor connection (or, with no client given, the current one) is gone or stuck: replace it. */
  private failed(error: unknown, client: pg.Client | null = this.client): void {
    if (this.closed || client !== this.client || client === null) return;
    this.client = null;
    client.end().catch(() => {});
    log().debug({ err: error }, "database monitor connection lost; reconnecting");
    this.lostBecause = describeConnectionFailure(error);
    this.attempt = 0;
    void this.reconnect();
  }

  /** Someone needs the database while it is down: try now rather than at the end of the backoff. */
  hurry(): void {
    if (this.closed || this.reconnecting || this.client || Date.now() - this.lastAttemptAt < RECONNECT_FIRST_MS) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    this.lastAttemptAt = Date.now();
    try {
      const client = await this.connect();
      this.reconnecting = false;
      if (this.closed) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.health.set(true, null);
      for (const listener of [...this.resumeListeners]) listener();
    } catch (e) {
      this.reconnecting = false;
      if (this.closed) return;
      this.health.set(false, `${describeConnectionFailure(e)} (after: ${this.lostBecause})`);
      const capped = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** this.attempt++);
      const waitMs = capped / 2 + Math.random() * (capped / 2);
      this.retryTimer = setTimeout(() => void this.reconnect(), waitMs);
      this.retryTimer.unref();
    }
  }
}

/**
 * The pool as Drizzle sees it. While the database is down every checkout fails at once with
 * DatabaseUnavailableError, and checkouts already waiting for a connection are refused the moment it
 * goes down, so no request waits on a dead server. Its name must contain "Pool": Drizzle then runs
 * each transaction on a connection of its own.
 */
class GuardedPool {
  private readonly waiting = new Set<(reason: string) => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly monitor: Monitor,
  ) {
    monitor.health.on((health) => {
      if (health.ok) return;
      for (const refuse of [...this.waiting]) refuse(health.reason ?? "the database is unreachable");
    });
  }

  connect(): Promise<pg.PoolClient> {
    const health = this.monitor.health.current;
    if (!health.ok) {
      this.monitor.hurry();
      return Promise.reject(unavailable(health.reason ?? "the database is unreachable"));
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const refuse = (reason: string) => {
        settled = true;
        this.waiting.delete(refuse);
        reject(unavailable(reason));
      };
      this.waiting.add(refuse);
      this.pool.connect().then(
        (client) => {
          this.waiting.delete(refuse);
          if (settled) return client.release();
          settled = true;
          resolve(client);
        },
        (e: unknown) => {
          this.waiting.delete(refuse);
          if (isDatabaseUnavailable(e)) this.monitor.suspect();
          if (settled) return;
          settled = true;
          reject(isDatabaseUnavailable(e) ? unavailable(describeConnectionFailure(e), e) : e);
        },
      );
    });
  }

  async query(config: pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    const client = await this.connect();
    try {
      return await client.query(config, values);
    } finally {
      client.release();
    }
  }
}

function unavailable(reason: string, cause?: unknown): DatabaseUnavailableError {
  return new DatabaseUnavailableError(`The database is unreachable: ${reason}`, { cause });
}

export interface PostgresConnection {
  /** What Drizzle is given; typed as the pool it stands for. */
  client: pg.Pool;
  health: HealthState;
  listen: Monitor["listen"];
  onResume: Monitor["onResume"];
  close(): Promise<void>;
}

/**
 * Connects, migrates (one migrator at a time across processes: a session advisory lock, taken and
 * released on the one connection that migrates), then starts the monitor. No error of any connection
 * can end the process: the pool and every client it makes have error listeners.
 */
export async function connectPostgres(
  url: string,
  options: { maxConnections: number; connectTimeoutMs: number; migrationsFolder: string },
): Promise<PostgresConnection> {
  const config: pg.ClientConfig = { connectionString: url };
  const pool = new pg.Pool({
    ...config,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
  });
  const health = new HealthState();
  const monitor = new Monitor(config, options.connectTimeoutMs, health);
  // An idle connection that dies is removed by the pool and reported here; one checked out reports on
  // itself, where nothing else listens (without this, its 'error' would end the process).
  pool.on("error", (e) => {
    log().debug({ err: e }, "idle database connection lost");
    monitor.suspect();
  });
  pool.on("connect", (client) =>
    client.on("error", (e) => {
      log().debug({ err: e }, "database connection lost while in use");
      monitor.suspect();
    }),
  );
  try {
    const migrator = await pool.connect();
    try {
      await migrator.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await migrate(drizzle(migrator), { migrationsFolder: options.migrationsFolder });
      } finally {
        await migrator.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      }
    } finally {
      migrator.release();
    }
    await monitor.start();
  } catch (e) {
    await monitor.close();
    await pool.end().catch(() => {});
    throw e;
  }
  const guarded = new GuardedPool(pool, monitor);
  return {
    client: guarded as unknown as pg.Pool,
    health,
    listen: (channel, onPayload) => monitor.listen(channel, onPayload),
    onResume: (listener) => monitor.onResume(listener),
    async close() {
      await monitor.close();
      await pool.end();
    },
  };
}

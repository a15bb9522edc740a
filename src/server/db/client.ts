import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { lockDataDir } from "./lock";
import { connectPostgres } from "./postgres";
import * as schema from "./schema";
import { sliceMethods, TimeSlice } from "./time-slice";
import type { DatabaseHealth } from "./unavailable";

export type { DatabaseHealth } from "./unavailable";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * The one seam between PGlite and PostgreSQL. Everything above it speaks Drizzle and
 * `listen`/`notify`; nothing else knows which database it talks to.
 */
export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where the data lives, for the start-up banner. */
  location: string;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Called when LISTEN is carried again after its connection was lost: notifications meanwhile are gone. */
  onListenResumed(listener: () => void): () => void;
  /** NOTIFYs, in order, in one statement (and one commit) however many: `[channel, payload]` each. */
  notify(notifications: [channel: string, payload: string][]): Promise<void>;
  /** Reachability as last observed; PGlite is always reachable. */
  health(): DatabaseHealth;
  /** Called on every change of `health().ok`; returns the unsubscribe. */
  onHealthChange(listener: (health: DatabaseHealth) => void): () => void;
  close(): Promise<void>;
}

const ALWAYS_HEALTHY: DatabaseHealth = { ok: true, reason: null, since: new Date() };

export interface OpenOptions {
  /** postgres://… to use PostgreSQL; otherwise PGlite. */
  url?: string;
  /** PGlite folder; "memory" for an in-memory database (tests). */
  dataDir?: string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
  /** How long a PostgreSQL connection may take to open (or a query wait for one) before it fails as unavailable. */
  connectTimeoutMs?: number;
}

/** How long embedded-database work may hold the event loop before it lets other work run. */
const PGLITE_SLICE_MS = 10;

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../drizzle");

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.maxConnections ?? 10, options.connectTimeoutMs ?? 3_000);
  return openPglite(options.dataDir ?? "memory");
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir === "memory";
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = inMemory ? new PGlite() : new PGlite(path.join(dataDir, "pgdata"));
    await client.waitReady;
    // PGlite computes on this thread: a busy query loop must let HTTP and WebSocket traffic through.
    sliceMethods(client, ["query", "exec", "transaction"], new TimeSlice(PGLITE_SLICE_MS));
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    await migratePglite(db as never, { migrationsFolder });
    return {
      db,
      kind: "pglite",
      location: inMemory ? "in memory" : path.join(dataDir, "pgdata"),
      async listen(channel, onPayload) {
        const unlisten = await client.listen(channel, onPayload);
        return async () => unlisten();
      },
      async notify(notifications) {
        if (notifications.length > 0) await client.query(NOTIFY_ALL, [JSON.stringify(notifications)]);
      },
      onListenResumed: () => () => {},
      health: () => ALWAYS_HEALTHY,
      onHealthChange: () => () => {},
      async close() {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

async function openPostgres(url: string, maxConnections: number, connectTimeoutMs: number): Promise<Database> {
  const connection = await connectPostgres(url, { maxConnections, connectTimeoutMs, migrationsFolder });
  const db = drizzlePostgres(connection.client, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    location: url.replace(/\/\/[^@/]*@/, "//***@"),
    listen: connection.listen,
    onListenResumed: connection.onResume,
    async notify(notifications) {
      if (notifications.length > 0) await connection.client.query(NOTIFY_ALL, [JSON.stringify(notifications)]);
    },
    health: () => connection.health.current,
    onHealthChange: (listener) => connection.health.on(listener),
    close: connection.close,
  };
}

const NOTIFY_ALL =
  "select pg_notify(n->>0, n->>1) from jsonb_array_elements($1::jsonb) with ordinality as t(n, i) order by i";

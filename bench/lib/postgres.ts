import postgres from "postgres";
import { createTestDatabase } from "../../test/helpers/runtime";

/** The PostgreSQL server the benchmark may use: DATABASE_URL, else TEST_DATABASE_URL; none means PGlite only. */
export function postgresBaseUrl(): string | null {
  return process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || null;
}

/** A fresh, empty database on that server for one run (BENCH.md: fresh schema per run), dropped afterwards. */
export async function freshDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const base = postgresBaseUrl();
  if (!base) throw new Error("no PostgreSQL configured (set DATABASE_URL or TEST_DATABASE_URL)");
  const saved = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = base;
  try {
    const db = await createTestDatabase();
    return { ...db, name: new URL(db.url).pathname.slice(1) };
  } finally {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
  }
}

export async function postgresVersion(): Promise<string | null> {
  const base = postgresBaseUrl();
  if (!base) return null;
  const sql = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    return row?.v ?? null;
  } catch {
    return null;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export interface PgActivity {
  /** Samples taken. */
  samples: number;
  /** How often each wait event was seen on the run's database, over all samples (busy backends only). */
  waitEvents: Record<string, number>;
  /** Highest pg_notification_queue_usage() seen (0–1). */
  maxNotifyQueueUsage: number;
  /** WAL the whole server wrote while the run went on (one run at a time, so it is the run's). */
  walBytes: number;
}

/**
 * Samples pg_stat_activity (wait events of the run's database) and pg_notification_queue_usage()
 * every `everyMs` while a run goes on, from its own connection (BENCH.md).
 */
export function sampleActivity(databaseName: string, everyMs = 25): { stop(): Promise<PgActivity> } {
  const base = postgresBaseUrl()!;
  const sql = postgres(base, { max: 1, onnotice: () => {} });
  const result: PgActivity = { samples: 0, waitEvents: {}, maxNotifyQueueUsage: 0, walBytes: Number.NaN };
  let running = true;
  const walStart = sql<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`.then(
    ([row]) => row!.lsn,
    () => null,
  );
  const loop = (async () => {
    while (running) {
      try {
        const rows = await sql<{ w: string; n: number }[]>`
          select coalesce(wait_event_type || ':' || wait_event, 'CPU') as w, count(*)::int as n
          from pg_stat_activity where datname = ${databaseName} and state = 'active' and pid <> pg_backend_pid()
          group by 1`;
        for (const r of rows) result.waitEvents[r.w] = (result.waitEvents[r.w] ?? 0) + r.n;
        const [q] = await sql<{ u: number }[]>`select pg_notification_queue_usage()::float8 as u`;
        result.maxNotifyQueueUsage = Math.max(result.maxNotifyQueueUsage, q?.u ?? 0);
        result.samples++;
      } catch {
        /* the database may be going away at the end of a run */
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const from = await walStart;
      if (from) {
        const [row] = await sql<{ bytes: number }[]>`
          select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${from}::pg_lsn)::float8 as bytes`;
        result.walBytes = row?.bytes ?? Number.NaN;
      }
      await sql.end({ timeout: 1 });
      return result;
    },
  };
}

/** "Lock:transactionid 40%, CPU 30%, …": the top wait events as shares of busy samples. */
export function topWaits(activity: PgActivity | Record<string, number>, top = 3): string {
  const events = "waitEvents" in activity ? (activity.waitEvents as Record<string, number>) : activity;
  const total = Object.values(events).reduce((a, b) => a + b, 0);
  if (total === 0) return "no busy backend sampled";
  return Object.entries(events)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${Math.round((100 * v) / total)}%`)
    .join(", ");
}

export function mergeWaits(list: PgActivity[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of list) for (const [k, v] of Object.entries(a.waitEvents)) out[k] = (out[k] ?? 0) + v;
  return out;
}

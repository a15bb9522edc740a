import { sql } from "drizzle-orm";
import { log } from "../log";
import { processWide } from "../process-wide";
import type { Db } from "./client";

/**
 * Planner statistics kept fresh after bulk inserts. PostgreSQL's autovacuum analyzes a table once about a tenth of it
 * changed, but only on its next round (up to a minute later), and the embedded PGlite has no autovacuum at all: a
 * 100,000-job execution was planned as if it held 61 jobs, and every export page joined all the remaining jobs before
 * sorting them (400 ms a page instead of 40). After inserting enough rows to change a plan, the table is analyzed
 * at once, in the background, one ANALYZE per table at a time.
 */

type AnalyzedTable = "jobs" | "batch_inputs";

/** Autovacuum's rule, with its threshold raised: a few hundred rows never change a plan worth the ANALYZE. */
const MIN_ROWS = 1000;
const SHARE_OF_TABLE = 0.1;

interface TableState {
  insertedSinceAnalyze: number;
  rowsAtAnalyze: number;
  running: Promise<void> | null;
}

/** Per database: a process may open another (tests, a restart on a new DATABASE_URL). */
const databases = processWide("rows-since-analyze", () => new WeakMap<Db, Map<AnalyzedTable, TableState>>());

function tablesOf(db: Db): Map<AnalyzedTable, TableState> {
  let tables = databases().get(db);
  if (!tables) {
    tables = new Map();
    databases().set(db, tables);
  }
  return tables;
}

/** Counts `rows` inserted into `table` (after their transaction committed) and analyzes it when they are enough. */
export function noteBulkInsert(db: Db, table: AnalyzedTable, rows: number): void {
  const tables = tablesOf(db);
  let state = tables.get(table);
  if (!state) {
    state = { insertedSinceAnalyze: 0, rowsAtAnalyze: 0, running: null };
    tables.set(table, state);
  }
  state.insertedSinceAnalyze += rows;
  const due = Math.max(MIN_ROWS, state.rowsAtAnalyze * SHARE_OF_TABLE);
  if (state.running || state.insertedSinceAnalyze < due) return;
  const current = state;
  current.insertedSinceAnalyze = 0;
  current.running = analyze(db, table)
    .then((rowsNow) => {
      current.rowsAtAnalyze = rowsNow;
    })
    .catch((error: unknown) => log().warn({ err: error, table }, "ANALYZE after a bulk insert failed"))
    .finally(() => {
      current.running = null;
    });
}

/** Waits for the ANALYZEs in flight on `db`, if any (tests; a clean stop). */
export async function settledStatistics(db: Db): Promise<void> {
  await Promise.all([...tablesOf(db).values()].map((s) => s.running));
}

async function analyze(db: Db, table: AnalyzedTable): Promise<number> {
  await db.execute(sql.raw(`analyze ${table}`));
  const result = await db.execute(
    sql`select greatest(reltuples, 0)::bigint::int as rows from pg_class where relname = ${table}`,
  );
  // Both drivers (node-postgres, PGlite) answer with `rows`.
  return (result as unknown as { rows: { rows: number }[] }).rows[0]?.rows ?? 0;
}

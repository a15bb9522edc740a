/** The rows of a raw `db.execute`: the drivers answer `{ rows }` (PGlite, node-postgres) or an array of rows. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

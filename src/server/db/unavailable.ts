/** Reachability as last observed (PGlite is always reachable). */
export interface DatabaseHealth {
  ok: boolean;
  /** Why the database is unreachable, for /api/health and the live view; null when ok. */
  reason: string | null;
  /** When this state began. */
  since: Date;
}

/** The database cannot be reached right now: callers answer `503 unavailable` and may try again. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** Socket failures, and SQLSTATEs that mean "no session": connection exceptions (class 08), shutdown or start-up (57P0x), too many connections. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);
/** node-postgres reports a lost or never-made connection with these messages and no code. */
const UNREACHABLE_MESSAGES =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Query read timeout/i;

/** True for an error (or one it wraps, as Drizzle wraps driver errors) that says the database is out of reach. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof DatabaseUnavailableError || current.name === "DatabaseUnavailableError") return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (UNREACHABLE_MESSAGES.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/** The driver's own words for a connection failure, short enough for a health report. */
export function describeConnectionFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message || (error.cause instanceof Error ? error.cause.message : "") || "no answer";
  return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
}

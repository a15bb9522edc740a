import { ApiError } from "@/lib/client/api";

/**
 * What `fleetdeck` exits with, so a script or a CI job can gate on it (README, "Command line"). `run` and `watch`
 * exit 0 only when the execution completed with no failed job, or with no more than `--allow-failures` allows.
 */
export const EXIT = {
  ok: 0,
  /** The run finished with failed jobs (beyond the allowance), or was stopped. */
  runFailed: 1,
  /** A wrong flag or argument, an unreadable file, or a request the server found invalid (400, 413). */
  usage: 2,
  /** The server could not be reached, or failed (5xx). */
  unreachable: 3,
  /** The server wants a token (401) or the token's role is too small (403). */
  auth: 4,
  /** The server refused: the id does not exist (404) or the action does not fit the state (409). */
  refused: 5,
  /** A bug in the CLI itself (its message says what failed). */
  unexpected: 70,
  /** Interrupted (Ctrl-C); the run goes on. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports in words and ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code = "usage",
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (!(error instanceof ApiError)) return EXIT.unexpected;
  if (error.status === 0 || error.status >= 500) return EXIT.unreachable;
  if (error.status === 401 || error.status === 403) return EXIT.auth;
  if (error.status === 404 || error.status === 409) return EXIT.refused;
  return EXIT.usage;
}

/** The server's own message, with what to do where it helps. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError && error.status === 401)
    return `${error.message} — pass an API token with --token or FLEETDECK_TOKEN (create one on the Account page)`;
  if (error instanceof ApiError && error.status === 429 && typeof error.details.retryAfterSeconds === "number")
    return `${error.message} (retry in ${error.details.retryAfterSeconds}s)`;
  return error instanceof Error ? error.message : String(error);
}

/** Expected failures carry a contract code and HTTP status; everything else is `internal`. */
export type ErrorCode =
  | "validation_failed"
  | "invalid_csv"
  | "invalid_json"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "invalid_state"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unavailable"
  | "rate_limited"
  | "internal";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string, id: string) => new AppError("not_found", 404, `${what} ${id} was not found`);
export const invalidState = (message: string) => new AppError("invalid_state", 409, message);
export const validationFailed = (message: string, details: Record<string, unknown> = {}) =>
  new AppError("validation_failed", 400, message, details);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (e instanceof Error && e.name === "AppError" && "code" in e && "status" in e);
}

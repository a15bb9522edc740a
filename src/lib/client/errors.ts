import { ApiError } from "./api";

/** Any failure as an ApiError whose message can be shown to a user as it is. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof SyntaxError)
    return new ApiError(
      0,
      "bad_response",
      "The server gave an answer this page does not understand. Try again in a moment.",
    );
  return new ApiError(0, "client", e instanceof Error ? e.message : String(e));
}

import type { ApiErrorBody } from "@/lib/contract/resources";
import { currentPagePath, sendsToSignIn, signInPath } from "./sign-in-paths";

/** An API failure with the contract's code and message, ready to show to a user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The contract's `details` (e.g. `retryAfterSeconds` of a 429); empty when the server sent none. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** fetch for the app's own API: JSON in, JSON out, contract errors thrown as ApiError. */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: json !== undefined ? { "content-type": "application/json", ...headers } : headers,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not our JSON (a proxy's 502 page, Next's HTML 404): report the status in words.
    if (response.ok)
      throw new ApiError(response.status, "internal", "The server sent an answer this page could not read.");
  }
  if (!response.ok) {
    const error = (body as ApiErrorBody | null)?.error;
    if (typeof window !== "undefined" && sendsToSignIn(response.status, path, window.location.pathname)) {
      // The session ended (expired, signed out elsewhere, revoked): every page's calls come through here, so one
      // place sends the person to sign in and back. The error still ends the caller's work meanwhile.
      window.location.assign(signInPath(currentPagePath(window.location)));
      throw new ApiError(401, "unauthenticated", "You are signed out. Taking you to the sign-in page…");
    }
    throw new ApiError(
      response.status,
      error?.code ?? "internal",
      error?.message ?? `Request failed (${response.status})`,
      error?.details ?? {},
    );
  }
  return body as T;
}

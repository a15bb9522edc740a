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

export interface ApiOptions {
  /** The server's origin, e.g. `http://localhost:3000`; "" (the browser's default) means this page's own origin. */
  baseUrl?: string;
  /** An API token, sent as `Authorization: Bearer <token>` (scripts, the CLI); the browser uses its session cookie. */
  token?: string | null;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
  /** Told of every 401 before it is thrown (the browser sends the person to sign in). */
  onUnauthenticated?(path: string): void;
}

export type RequestOptions = RequestInit & { json?: unknown };

/** One server's API: JSON in, JSON out (`json`), or the raw answer of a download (`download`); failures as ApiError. */
export interface Api {
  readonly baseUrl: string;
  readonly token: string | null;
  json<T>(path: string, init?: RequestOptions): Promise<T>;
  /** A file the server answers as an attachment: the Response, its body unread, once the status is a success. */
  download(path: string, init?: RequestInit): Promise<Response>;
}

export function createApi(options: ApiOptions = {}): Api {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const token = options.token || null;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send(path: string, init: RequestOptions): Promise<Response> {
    const { json, headers, ...rest } = init;
    const merged = new Headers(headers);
    if (json !== undefined) merged.set("content-type", "application/json");
    if (token) merged.set("authorization", `Bearer ${token}`);
    try {
      return await doFetch(`${baseUrl}${path}`, {
        ...rest,
        headers: merged,
        body: json !== undefined ? JSON.stringify(json) : rest.body,
        cache: "no-store",
      });
    } catch {
      const where = baseUrl ? ` at ${baseUrl}` : "";
      throw new ApiError(0, "network", `Could not reach the server${where}. Check your connection and try again.`);
    }
  }

  async function readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      // Not our JSON (a proxy's 502 page, Next's HTML 404): report the status in words.
      if (response.ok)
        throw new ApiError(response.status, "internal", "The server sent an answer this client could not read.");
      return null;
    }
  }

  function failure(path: string, response: Response, body: unknown): ApiError {
    const error = (body as ApiErrorBody | null)?.error;
    if (response.status === 401) options.onUnauthenticated?.(path);
    return new ApiError(
      response.status,
      error?.code ?? "internal",
      error?.message ?? `Request failed (${response.status})`,
      error?.details ?? {},
    );
  }

  return {
    baseUrl,
    token,
    async json<T>(path: string, init: RequestOptions = {}): Promise<T> {
      const response = await send(path, init);
      const body = await readBody(response);
      if (!response.ok) throw failure(path, response, body);
      return body as T;
    },
    async download(path: string, init: RequestInit = {}): Promise<Response> {
      const response = await send(path, init);
      if (!response.ok) throw failure(path, response, await readBody(response));
      return response;
    },
  };
}

/**
 * The session ended (expired, signed out elsewhere, revoked): every page's calls come through the browser's client,
 * so one place sends the person to sign in and back. The error still ends the caller's work meanwhile.
 */
export function sendToSignInOn401(path: string): void {
  if (typeof window === "undefined" || !sendsToSignIn(401, path, window.location.pathname)) return;
  window.location.assign(signInPath(currentPagePath(window.location)));
  throw new ApiError(401, "unauthenticated", "You are signed out. Taking you to the sign-in page…");
}

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { AgentError } from "../types";

/**
 * A failed model call, in words, and whether a retry can help: the model unreachable, rate-limited (429, with how long
 * it asked to wait) or failing (5xx) may work later; a refused key, an unknown model or a rejected request will not.
 * No message ever carries the API key: the server's own words are redacted, and dropped for 401/403 (providers
 * quote part of the key there).
 */

export type LlmFailure =
  | { type: "aborted" }
  /** The server does not take `tools` (e.g. an Ollama model without tool support): switch to JSON mode. */
  | { type: "tools_unsupported"; message: string }
  /** The server does not take `response_format`: ask for JSON in words only. */
  | { type: "json_mode_unsupported"; message: string }
  | { type: "error"; error: AgentError; retryAfterMs?: number };

export interface FailureContext {
  /** Where the model lives, without credentials (displayBaseUrl). */
  where: string;
  model: string;
  apiKey: string | undefined;
  sentTools: boolean;
  sentJsonMode: boolean;
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

/**
 * How servers say they take no tools: Ollama "does not support tools", vLLM "\"auto\" tool choice requires
 * --enable-auto-tool-choice", llama.cpp "tools param requires --jinja flag", others "tools are not supported" or an
 * unknown `tools` field.
 */
const TOOLS_REFUSED =
  /(not|n't) support(ed)? (for )?tools|tools? (are|is) not supported|tool[_ ]choice|--jinja|tools param|unsupported[^.]*\btools\b|\btools\b[^.]*unsupported|(unknown|unrecognized|extra)[^.]*\btools\b/i;

export function classifyLlmFailure(e: unknown, context: FailureContext): LlmFailure {
  if (e instanceof APIUserAbortError) return { type: "aborted" };
  if (e instanceof APIConnectionTimeoutError) {
    return failure(`The model at ${context.where} did not answer in time`, true, "model_timeout");
  }
  if (e instanceof APIConnectionError) {
    const cause = causeCode(e);
    return failure(
      `Could not reach the model at ${context.where}${cause ? ` (${cause})` : ""}: is the server running?`,
      true,
      "model_unreachable",
    );
  }
  if (!(e instanceof APIError) || e.status === undefined) {
    if (e instanceof Error && e.name === "AbortError") return { type: "aborted" };
    const words = redact(e instanceof Error ? e.message : String(e), context.apiKey);
    return failure(`The model call failed: ${firstLine(words)}`, true, "model_error");
  }

  const status = e.status;
  const said = serverWords(e, context.apiKey);
  if (context.sentTools && status >= 400 && status <= 500 && status !== 429 && TOOLS_REFUSED.test(said))
    return { type: "tools_unsupported", message: said };
  if (context.sentJsonMode && status === 400 && /response_format|json_object|json mode/i.test(said))
    return { type: "json_mode_unsupported", message: said };

  if (status === 429) {
    const retryAfterMs = retryAfter(e.headers);
    const wait = retryAfterMs === undefined ? "" : ` (it asked to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
    return {
      ...failure(`The model at ${context.where} is rate-limiting requests${wait}`, true, "model_rate_limited"),
      retryAfterMs,
    };
  }
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    return failure(
      `The model server at ${context.where} failed with HTTP ${status}${said ? `: ${said}` : ""}`,
      true,
      "model_server_error",
    );
  }
  if (status === 401 || status === 403) {
    return failure(
      `The model server at ${context.where} refused the credentials (HTTP ${status}): check LLM_API_KEY`,
      false,
      "model_auth",
    );
  }
  if (status === 404) {
    return failure(
      `The model server at ${context.where} has no model "${context.model}" or no chat-completions endpoint (HTTP 404)${said ? `: ${said}` : ""}`,
      false,
      "model_not_found",
    );
  }
  return failure(
    `The model server at ${context.where} rejected the request (HTTP ${status})${said ? `: ${said}` : ""}`,
    false,
    "model_request_rejected",
  );
}

function failure(message: string, retryable: boolean, kind: string): { type: "error"; error: AgentError } {
  return { type: "error", error: new AgentError(message, retryable, kind) };
}

/** The server's own message (from its JSON error body), redacted and short. */
function serverWords(e: APIError, apiKey: string | undefined): string {
  const body = e.error as { message?: unknown; error?: unknown } | undefined;
  const raw =
    typeof body?.message === "string" ? body.message : typeof body?.error === "string" ? body.error : e.message;
  return firstLine(redact(raw ?? "", apiKey)).slice(0, 300);
}

/** Replaces the API key wherever it appears. A key of a few characters is not a secret worth a false match. */
export function redact(text: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 4) return text;
  return text.split(apiKey).join("[redacted]");
}

/** `retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = Number(headers?.get("retry-after-ms"));
  if (headers?.get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function causeCode(e: Error): string | undefined {
  let cur: unknown = e.cause;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

const firstLine = (s: string) => s.split("\n")[0]!.trim();

import { AgentError } from "./types";

/**
 * Every failure an engine reports goes through here, so the user reads what happened, in words, with the URL,
 * and the scheduler knows whether a retry can help: transient causes (network, timeouts, 5xx, a crashed browser)
 * are retryable; causes a retry cannot change (4xx, a bad URL, a refused address, a missing field) are not.
 */

export const invalidUrl = (url: string, why: string) =>
  new AgentError(`Invalid URL "${url}": ${why}`, false, "invalid_url");

/** Never names the address the host resolved to: an agent's error must not read out internal DNS. */
export const refusedAddress = (url: string) =>
  new AgentError(
    `Refused to open ${url}: the host is a private or reserved address. Agents may not reach private or local networks; add the host to ALLOWED_HOSTS to allow it.`,
    false,
    "refused_address",
  );

export const ownOrigin = (url: string) =>
  new AgentError(
    `Refused to open ${url}: it is fleetdeck itself, which agents may not reach (only its /demo pages)`,
    false,
    "refused_address",
  );

export const dnsFailure = (url: string, host: string, code?: string) =>
  new AgentError(
    `Could not find the server for ${url}: the name ${host} did not resolve${code ? ` (${code})` : ""}`,
    true,
    "dns",
  );

export const timedOut = (url: string, doing?: string) =>
  new AgentError(`Timed out${doing ? ` while ${doing}` : ""} at ${url}`, true, "timeout");

export const browserCrashed = (url: string) =>
  new AgentError(
    `The browser crashed while working on ${url}; it is restarted for the next attempt`,
    true,
    "browser_crashed",
  );

export const missingField = (name: string, selector: string, url: string) =>
  new AgentError(
    `Required field "${name}" was not found on ${url} (nothing matches ${selector})`,
    false,
    "missing_field",
  );

export const unsupportedStep = (action: string, engine: string) =>
  new AgentError(
    `The ${engine} engine cannot run "${action}" steps (only "goto"); use the browser engine for pages that need clicks or typing`,
    false,
    "unsupported_step",
  );

export const badStep = (index: number, message: string) =>
  new AgentError(`Step ${index + 1}: ${message}`, false, "invalid_step");

/** 4xx: the page is not there or not for us, a retry will not change it (except the two statuses that ask for one). */
export function httpStatusError(url: string, status: number, statusText = ""): AgentError | null {
  if (status < 400) return null;
  const words = `${status}${statusText ? ` ${statusText}` : ""}`;
  if (status >= 500) return new AgentError(`The server failed with HTTP ${words} at ${url}`, true, "http_5xx");
  // 408 Request Timeout and 429 Too Many Requests explicitly invite a later retry.
  const retryable = status === 408 || status === 429;
  return new AgentError(`The page answered HTTP ${words} at ${url}`, retryable, "http_4xx");
}

const NODE_CODES: Record<string, { words: string; retryable: boolean; kind: string }> = {
  ENOTFOUND: { words: "the server name did not resolve", retryable: true, kind: "dns" },
  EAI_AGAIN: { words: "the server name could not be resolved right now", retryable: true, kind: "dns" },
  ECONNREFUSED: { words: "the connection was refused", retryable: true, kind: "connection_refused" },
  ECONNRESET: { words: "the connection was reset", retryable: true, kind: "connection_reset" },
  EHOSTUNREACH: { words: "the server is unreachable", retryable: true, kind: "unreachable" },
  ENETUNREACH: { words: "the network is unreachable", retryable: true, kind: "unreachable" },
  ETIMEDOUT: { words: "the connection timed out", retryable: true, kind: "timeout" },
  UND_ERR_CONNECT_TIMEOUT: { words: "the connection timed out", retryable: true, kind: "timeout" },
  UND_ERR_HEADERS_TIMEOUT: { words: "the server sent no answer in time", retryable: true, kind: "timeout" },
  UND_ERR_BODY_TIMEOUT: { words: "the page stopped arriving", retryable: true, kind: "timeout" },
  UND_ERR_SOCKET: { words: "the connection broke", retryable: true, kind: "connection_reset" },
  CERT_HAS_EXPIRED: { words: "its TLS certificate has expired", retryable: false, kind: "tls" },
  DEPTH_ZERO_SELF_SIGNED_CERT: { words: "its TLS certificate is self-signed", retryable: false, kind: "tls" },
  ERR_TLS_CERT_ALTNAME_INVALID: { words: "its TLS certificate is for another name", retryable: false, kind: "tls" },
};

/** Chromium's net::ERR_* names, as Playwright reports them. */
const CHROMIUM_ERRORS: [RegExp, { words: string; retryable: boolean; kind: string }][] = [
  [
    /ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED/,
    { words: "the server name did not resolve", retryable: true, kind: "dns" },
  ],
  [/ERR_CONNECTION_REFUSED/, { words: "the connection was refused", retryable: true, kind: "connection_refused" }],
  [
    /ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_EMPTY_RESPONSE/,
    { words: "the connection was reset", retryable: true, kind: "connection_reset" },
  ],
  [/ERR_TIMED_OUT|ERR_CONNECTION_TIMED_OUT/, { words: "the connection timed out", retryable: true, kind: "timeout" }],
  [
    /ERR_ADDRESS_UNREACHABLE|ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED/,
    { words: "the server is unreachable", retryable: true, kind: "unreachable" },
  ],
  [/ERR_CERT_/, { words: "its TLS certificate is not valid", retryable: false, kind: "tls" }],
  [/ERR_TOO_MANY_REDIRECTS/, { words: "it redirects in a loop", retryable: false, kind: "redirect_loop" }],
  [
    /ERR_INVALID_URL|Cannot navigate to invalid URL/,
    { words: "the URL is not valid", retryable: false, kind: "invalid_url" },
  ],
  [/ERR_ABORTED/, { words: "the page load was aborted", retryable: true, kind: "aborted" }],
];

function codeOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turns whatever an engine caught into an AgentError that names the URL. AgentErrors pass through unchanged. */
export function classifyError(e: unknown, url: string): AgentError {
  if (e instanceof AgentError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const code = codeOf(e);
  const known = code ? NODE_CODES[code] : undefined;
  if (known) return new AgentError(`Could not load ${url}: ${known.words}`, known.retryable, known.kind);
  for (const [pattern, info] of CHROMIUM_ERRORS) {
    if (pattern.test(message)) return new AgentError(`Could not load ${url}: ${info.words}`, info.retryable, info.kind);
  }
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return timedOut(url);
  if (
    /is not a valid selector|Unexpected token|Failed to find element matching selector|strict mode violation/.test(
      message,
    )
  ) {
    return new AgentError(`A step or field failed at ${url}: ${firstLine(message)}`, false, "invalid_selector");
  }
  // Unknown causes are retried once or twice (bounded by maxRetries): better than failing a transient glitch for good.
  return new AgentError(`Could not process ${url}: ${firstLine(message)}`, true, "unknown");
}

const firstLine = (s: string) => s.split("\n")[0]!.slice(0, 300);

/**
 * The error for a job whose signal was aborted. The caller aborts on the job timeout (or on shutdown); a caller that
 * wants other words passes an AgentError as the abort reason.
 */
export function abortedError(signal: AbortSignal, url: string, doing?: string): AgentError {
  if (signal.reason instanceof AgentError) return signal.reason;
  return timedOut(url, doing);
}

import { Agent as Dispatcher, fetch as pinnedFetch } from "undici";
import pkg from "../../../package.json";
import { type NetworkGuard, pinnedLookup } from "../agents/network-guard";
import { isAgentError } from "../agents/types";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";

/** How long a receiver has to answer. */
export const SEND_TIMEOUT_MS = 10_000;
/** Kept of an error text, and read of a receiver's answer (which only its status matters for). */
const MAX_ERROR_CHARS = 500;

export interface SendTarget {
  deliveryId: string;
  event: string;
  url: string;
  secret: string;
  payload: unknown;
}

export type SendOutcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/**
 * One signed POST. The URL passes the network guard now (DNS may have changed since it was saved) and the
 * connection goes to the very address the guard checked; a redirect is an answer, not followed.
 */
export async function sendDelivery(
  target: SendTarget,
  options: { guard: NetworkGuard; timeoutMs?: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  let addresses: Awaited<ReturnType<NetworkGuard["admit"]>>["addresses"];
  try {
    ({ addresses } = await options.guard.admit(target.url));
  } catch (e) {
    return { ok: false, statusCode: null, error: cut(isAgentError(e) ? e.message : String(e)) };
  }
  const body = JSON.stringify(target.payload);
  const dispatcher = new Dispatcher({ connect: { lookup: pinnedLookup(addresses) as never } });
  const timeout = AbortSignal.timeout(options.timeoutMs ?? SEND_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await pinnedFetch(target.url, {
      method: "POST",
      redirect: "manual",
      signal,
      dispatcher,
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": `fleetdeck/${pkg.version}`,
        "fleetdeck-delivery": target.deliveryId,
        "fleetdeck-event": target.event,
        [SIGNATURE_HEADER]: signatureHeader(target.secret, body, Math.floor(Date.now() / 1000)),
      },
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
    const redirect = response.status >= 300 && response.status < 400;
    return {
      ok: false,
      statusCode: response.status,
      error: redirect
        ? `HTTP ${response.status}: redirects are not followed (answer 2xx at the URL itself)`
        : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
    };
  } catch (e) {
    if (timeout.aborted)
      return {
        ok: false,
        statusCode: null,
        error: `No answer within ${(options.timeoutMs ?? SEND_TIMEOUT_MS) / 1000} s`,
      };
    if (options.signal?.aborted)
      return { ok: false, statusCode: null, error: "fleetdeck shut down during the attempt" };
    return { ok: false, statusCode: null, error: cut(describe(e)) };
  } finally {
    void dispatcher.close().catch(() => {});
  }
}

/** undici's "fetch failed" hides the reason (ECONNREFUSED, …) in its cause. */
function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `Could not connect: ${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return e instanceof Error ? e.message : String(e);
}

const cut = (text: string) => (text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text);

import { randomUUID } from "node:crypto";
import { processWide } from "../process-wide";
import type { Caller } from "./caller";

/**
 * What the front door learned about a request (its caller, the client's address), handed to the route that
 * answers it. Next.js builds its own Request from the socket's, so the hand-over is a header naming an entry in
 * a process-wide table; the front door removes any such header a client sends, and the entry lives only until the
 * response ends.
 */
export interface RequestContext {
  /** Absent when the front door did not look (a public path): the route looks itself if it wants to know. */
  caller?: Caller;
  address: string | null;
}

export const CONTEXT_HEADER = "x-fleetdeck-context";

const contexts = processWide("request-contexts", () => new Map<string, RequestContext>());

/** Stores the context and returns the key to put in CONTEXT_HEADER; `release` when the response is done. */
export function holdContext(context: RequestContext): { key: string; release: () => void } {
  const key = randomUUID();
  contexts().set(key, context);
  return { key, release: () => contexts().delete(key) };
}

export function contextOf(headers: Headers): RequestContext | undefined {
  const key = headers.get(CONTEXT_HEADER);
  return key ? contexts().get(key) : undefined;
}

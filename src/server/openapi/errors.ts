import type { ZodOpenApiResponseObject } from "zod-openapi";
import { apiErrorBodySchema } from "@/lib/contract/resources";
import type { Operation } from "./operations";

/** What each failure status means across the API (CONTRACT.md "Errors" and v1.1). */
const MEANINGS: Record<number, string> = {
  400: "Malformed: a value out of range (`validation_failed`, naming the field and the rule), a body that is not JSON (`invalid_json`), a CSV with no usable row (`invalid_csv`), or a malformed path.",
  401: "`unauthenticated`: access control is on and the request has no valid session cookie or API token.",
  403: "`forbidden`: the caller's role is too small, an API token may not do this, or the request came from another origin or for a host this server does not answer to.",
  404: "`not_found`: the id does not exist, or the caller may not know it exists.",
  409: "`invalid_state`: impossible in the current state (resume a completed execution, remove the last admin, accounts are off, …).",
  413: "`payload_too_large`: the body or upload is over the configured limit.",
  415: "`unsupported_media_type`: the body's Content-Type is not one this route reads.",
  429: "`rate_limited`: too many failed sign-ins, or too many previews running at once; Retry-After says when to try again.",
  500: "`internal`: a bug; logged on the server with the request id the message quotes.",
  503: "`unavailable`: the database is unreachable; Retry-After says when to try again.",
};

/**
 * The failures an operation can answer: those of every request (a malformed path, a foreign origin or host, a
 * bug, the database away), those of reading a body (too large, not a type it reads), those its access rule brings,
 * and its own.
 */
export function errorStatuses(operation: Pick<Operation, "access" | "errors" | "body">): number[] {
  const statuses = new Set([400, 403, 500, 503, ...(operation.errors ?? [])]);
  if (operation.body) for (const status of [413, 415]) statuses.add(status);
  if (operation.access !== "public") statuses.add(401);
  if (operation.access === "project") statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

export function errorResponse(status: number): ZodOpenApiResponseObject {
  const description = MEANINGS[status];
  if (!description) throw new Error(`No meaning written for error status ${status}`);
  return { description, content: { "application/json": { schema: apiErrorBodySchema } } };
}

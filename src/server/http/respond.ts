import { randomUUID } from "node:crypto";
import { ZodError, type ZodType } from "zod";
import { isDatabaseUnavailable } from "../db/unavailable";
import { AppError, isAppError } from "../errors";
import { log } from "../log";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler: every failure becomes the contract's error body; no stack reaches a client. */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (e) {
      return errorResponse(e, request);
    }
  };
}

export function errorResponse(e: unknown, request?: Request): Response {
  if (isAppError(e)) {
    const retryAfter = e.details.retryAfterSeconds;
    return Response.json(
      { error: { code: e.code, message: e.message, details: e.details } },
      { status: e.status, headers: typeof retryAfter === "number" ? { "Retry-After": String(retryAfter) } : undefined },
    );
  }
  if (e instanceof ZodError) {
    const app = zodToAppError(e);
    return Response.json({ error: { code: app.code, message: app.message, details: app.details } }, { status: 400 });
  }
  if (isDatabaseUnavailable(e)) return unavailableResponse(e);
  const requestId = randomUUID();
  log().error({ err: e, requestId, url: request?.url, method: request?.method }, "unhandled error in route");
  return Response.json(
    {
      error: {
        code: "internal",
        message: `Something went wrong on our side (request ${requestId}).`,
        details: { requestId },
      },
    },
    { status: 500 },
  );
}

/** Seconds a client should wait before retrying while the database is away (the monitor retries at least every second). */
const RETRY_AFTER_SECONDS = 2;

/** The database is out of reach: not a bug, so no request id and no error log per request (the outage is logged once). */
function unavailableResponse(e: unknown): Response {
  const message = `${e instanceof Error && e.name === "DatabaseUnavailableError" ? e.message : "The database is unreachable"}; try again shortly`;
  return Response.json(
    { error: { code: "unavailable", message, details: {} } },
    { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } },
  );
}

export function zodToAppError(e: ZodError): AppError {
  const issues = e.issues.map((issue) => {
    const field = issue.path.join(".");
    const message = field && !issue.message.includes(field) ? `${field}: ${issue.message}` : issue.message;
    return { field: field || null, message };
  });
  return new AppError("validation_failed", 400, issues.map((i) => i.message).join("; "), { issues });
}

/** Parses with a schema and throws the contract's validation error naming the field and rule. */
export function parseWith<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToAppError(result.error);
  return result.data;
}

/** Control and project bodies are small; anything bigger is refused before it is read whole. */
const MAX_JSON_BODY_BYTES = 1024 * 1024;

export async function readJson<T>(
  request: Request,
  schema: ZodType<T>,
  options: { optionalBody?: boolean; maxBytes?: number } = {},
): Promise<T> {
  const maxBytes = options.maxBytes ?? MAX_JSON_BODY_BYTES;
  const tooLarge = () => new AppError("payload_too_large", 413, `The request body is over ${maxBytes / 1024} KiB`);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const text = await readCapped(request, maxBytes, tooLarge);
  if (text.trim() === "") {
    if (options.optionalBody) return parseWith(schema, {});
    throw new AppError("invalid_json", 400, "The request body must be a JSON object");
  }
  // A form cannot send application/json across sites without a preflight: demanding it keeps forms out.
  if (!isJsonContentType(request.headers.get("content-type"))) {
    const type = request.headers.get("content-type");
    throw new AppError(
      "unsupported_media_type",
      415,
      `Content-Type must be application/json${type ? `, not ${type}` : " (it is missing)"}`,
    );
  }
  return parseWith(schema, parseJsonObject(text));
}

/**
 * The body as text, read a chunk at a time and given up past `maxBytes`: a chunked body says no length up front, and
 * reading it whole first would let one request hold as much memory as it cares to send.
 */
async function readCapped(request: Request, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && contentType.split(";")[0]!.trim().toLowerCase() === "application/json";
}

/** A request body that must be a JSON object; `shape` shows the expected form in the error. */
export function parseJsonObject(text: string, shape = ""): Record<string, unknown> {
  const mustBeObject = `The request body must be a JSON object${shape ? `: ${shape}` : ""}`;
  if (text.trim() === "") throw new AppError("invalid_json", 400, mustBeObject);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", 400, "The request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new AppError("invalid_json", 400, mustBeObject);
  return body as Record<string, unknown>;
}

export function queryParams(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/** The contract's answer to every control: `{ success, execution, message }`. */
export function controlResponse(result: { execution: unknown; message: string }): Response {
  return Response.json({ success: true, execution: result.execution, message: result.message });
}

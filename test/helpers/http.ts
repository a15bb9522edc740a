import { assertDescribed, operationForHandler } from "./openapi";

/**
 * Calls a Next route handler directly with a real Request, as Next would, and holds the answer to the OpenAPI
 * document: an answer with a status the handler's operation does not list, or a JSON body its schema does not
 * describe, throws (so the test fails with what differs). A handler that is no route's export is matched by path.
 */
// biome-ignore lint/suspicious/noExplicitAny: each route types its own params
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

export async function call(
  handler: Handler,
  options: {
    method?: string;
    path?: string;
    params?: Record<string, string>;
    json?: unknown;
    body?: BodyInit;
    headers?: Record<string, string>;
  } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
): Promise<{ status: number; body: any; response: Response }> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const request = new Request(`http://localhost${options.path ?? "/"}`, {
    method: options.method ?? (body ? "POST" : "GET"),
    headers,
    body,
  });
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.clone().text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  assertDescribed({
    method: request.method,
    pathname: new URL(request.url).pathname,
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: parsed,
    operation: await operationForHandler(handler),
  });
  return { status: response.status, body: parsed, response };
}

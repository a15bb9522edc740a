import fs from "node:fs";
import path from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import { buildOpenApiDocument, type OpenApiDocument } from "@/server/openapi/document";

/**
 * The OpenAPI document as the tests hold the server to it: which route files exist and what they export, which
 * operation a request reaches, and whether an answer matches what the document says that operation answers.
 */

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const APP_DIR = path.resolve(import.meta.dirname, "../../src/app");
const METHOD_EXPORT = /export\s+(?:const|(?:async\s+)?function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;

export interface RouteFile {
  file: string;
  /** OpenAPI style: `/api/executions/{id}/jobs` for src/app/api/executions/[id]/jobs/route.ts. */
  path: string;
  methods: string[];
}

/** Every route.ts under src/app but the bundled demo site (another "site", not the API), with its exported methods. */
export function routeFiles(): RouteFile[] {
  const found: RouteFile[] = [];
  for (const file of fs.readdirSync(APP_DIR, { recursive: true }) as string[]) {
    if (path.basename(file) !== "route.ts") continue;
    const segments = path
      .dirname(file)
      .split(path.sep)
      .filter((s) => s !== "." && !/^\(.*\)$/.test(s))
      .map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"));
    if (segments[0] === "demo") continue;
    const source = fs.readFileSync(path.join(APP_DIR, file), "utf8");
    const methods = [...source.matchAll(METHOD_EXPORT)].map((m) => m[1] as string);
    found.push({ file: path.join(APP_DIR, file), path: `/${segments.join("/")}`, methods });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

let document: OpenApiDocument | undefined;

/** The document as a server with the default configuration serves it (responses do not depend on configuration). */
export function openApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument({ version: "0.0.0-test", maxConcurrency: 10 });
  return document;
}

// Formats are left to the schemas' own patterns (timestamps carry one); OpenAPI's keywords (`example`, …) are not
// JSON Schema's, hence not strict.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const DOCUMENT_ID = "openapi";
let added = false;

const pointerPart = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

export interface Operation {
  method: string;
  path: string;
}

/** The document's operation whose template matches a concrete path (`/api/jobs/123` → `/api/jobs/{id}`). */
export function operationForPath(method: string, concretePath: string): Operation | undefined {
  const paths = openApiDocument().paths ?? {};
  const candidates = Object.keys(paths).filter((template) => {
    const pattern = template.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${pattern.join("[^/]+")}$`).test(concretePath);
  });
  // A literal path wins over a template with parameters.
  candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  const template = candidates.find((t) => (paths[t] as Record<string, unknown>)[method.toLowerCase()]);
  return template ? { method, path: template } : undefined;
}

const validators = new Map<string, ValidateFunction>();

/**
 * Why an answer does not match the document (the operation has no such status, or the body breaks its schema), or
 * null when it does. Only JSON bodies are checked: files are described by their media type alone.
 */
export function mismatch(
  operation: Operation,
  status: number,
  contentType: string | null,
  body: unknown,
): string | null {
  const method = operation.method.toLowerCase();
  const spec = openApiDocument().paths?.[operation.path]?.[method as "get"];
  const name = `${operation.method} ${operation.path}`;
  if (!spec) return `${name} is not in the OpenAPI document`;
  const response = spec.responses?.[String(status) as "200"];
  if (!response) return `${name} answered ${status}, which the OpenAPI document does not list for it`;
  if (!contentType?.startsWith("application/json")) return null;
  if (!("content" in response) || !response.content?.["application/json"])
    return `${name} answered ${status} with JSON, which the OpenAPI document does not describe`;
  const pointer = `#/paths/${pointerPart(operation.path)}/${method}/responses/${status}/content/application~1json/schema`;
  let validate = validators.get(pointer);
  if (!validate) {
    if (!added) ajv.addSchema(openApiDocument() as object, DOCUMENT_ID);
    added = true;
    validate = ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
    if (!validate) return `no schema at ${pointer}`;
    validators.set(pointer, validate);
  }
  if (validate(body)) return null;
  const errors = ajv.errorsText(validate.errors, { dataVar: "body", separator: "\n  " });
  return `${name} answered ${status} with a body the OpenAPI document does not describe:\n  ${errors}\n${JSON.stringify(body).slice(0, 2000)}`;
}

const handlerOperations = new Map<unknown, Operation>();
let loaded: Promise<void> | undefined;

/** Which operation a route handler function serves, found by importing every route file once. */
export async function operationForHandler(handler: unknown): Promise<Operation | undefined> {
  loaded ??= (async () => {
    for (const route of routeFiles()) {
      const module = (await import(route.file)) as Record<string, unknown>;
      for (const method of route.methods) handlerOperations.set(module[method], { method, path: route.path });
    }
  })();
  await loaded;
  return handlerOperations.get(handler);
}

/**
 * Throws unless an answer is one the document describes. `operation` is the one the request reached when the caller
 * knows it (a handler called directly); otherwise it is found from the path. Paths outside the API are not checked.
 */
export function assertDescribed(answer: {
  method: string;
  pathname: string;
  status: number;
  contentType: string | null;
  body: unknown;
  operation?: Operation;
}): void {
  const inApi = answer.pathname.startsWith("/api/") || answer.pathname === "/metrics";
  const operation = answer.operation ?? (inApi ? operationForPath(answer.method, answer.pathname) : undefined);
  if (!operation) {
    if (inApi) throw new Error(`${answer.method} ${answer.pathname} has no operation in the OpenAPI document`);
    return;
  }
  const problem = mismatch(operation, answer.status, answer.contentType, answer.body);
  if (problem) throw new Error(problem);
}

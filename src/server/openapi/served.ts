import pkg from "../../../package.json";
import { getRuntime } from "../runtime";
import { buildOpenApiDocument, type OpenApiDocument } from "./document";

let cached: OpenApiDocument | undefined;

/** This server's document, built once per process: it depends only on the code and the configuration read at start. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument({ version: pkg.version, maxConcurrency: getRuntime().env.MAX_CONCURRENCY });
  return cached;
}

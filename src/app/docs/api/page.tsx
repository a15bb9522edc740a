import type { Metadata } from "next";
import { SwaggerReference } from "./swagger-reference";

export const metadata: Metadata = { title: "API reference" };

const DOCUMENT_PATH = "/api/openapi.json";

/** The HTTP API's reference, rendered from this server's own OpenAPI document (public, like the document). */
export default function ApiReferencePage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Every operation of this server, generated from the same schemas its routes use. The document itself is at{" "}
          <a className="font-mono text-slate-900 underline" href={DOCUMENT_PATH}>
            {DOCUMENT_PATH}
          </a>{" "}
          (OpenAPI 3.1): feed it to a client generator. With accounts on, send an API token as{" "}
          <code className="font-mono">Authorization: Bearer fdk_…</code>.
        </p>
      </div>
      <SwaggerReference url={DOCUMENT_PATH} />
    </div>
  );
}

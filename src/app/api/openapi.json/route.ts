import { guarded } from "@/server/auth/guard";
import { openApiDocument } from "@/server/openapi/served";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of this server's HTTP API (public: a client generator needs no account to read it). */
export const GET = guarded({ public: true }, async () =>
  Response.json(openApiDocument(), { headers: { "cache-control": "no-cache" } }),
);

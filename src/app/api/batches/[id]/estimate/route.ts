import { estimateQuerySchema } from "@/lib/contract/queries";
import { guarded } from "@/server/auth/guard";
import { estimateFor } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { parseWith, queryParams } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "batch", need: "viewer" }, async (request, context: IdParams) => {
  const query = parseWith(estimateQuerySchema(getRuntime().env.MAX_CONCURRENCY), queryParams(request));
  return Response.json(await estimateFor(await idOf(context), query));
});

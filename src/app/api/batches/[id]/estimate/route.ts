import { estimateQuerySchema } from "@/lib/contract/queries";
import { estimateFor } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { parseWith, queryParams, route } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = route(async (request, context: IdParams) => {
  const query = parseWith(estimateQuerySchema(getRuntime().env.MAX_CONCURRENCY), queryParams(request));
  return Response.json(await estimateFor(await idOf(context), query));
});

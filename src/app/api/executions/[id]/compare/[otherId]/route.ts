import { compareQuerySchema } from "@/lib/contract/compare";
import { guarded } from "@/server/auth/guard";
import { comparablePair, compareExecutions } from "@/server/executions/compare";
import { exportComparison } from "@/server/executions/compare-export";
import { parseWith, queryParams } from "@/server/http/respond";

export const dynamic = "force-dynamic";

type CompareParams = { params: Promise<{ id: string; otherId: string }> };

export const GET = guarded({ on: "execution", need: "viewer" }, async (request, context: CompareParams, access) => {
  const query = parseWith(compareQuerySchema, queryParams(request));
  const { id, otherId } = await context.params;
  if (!query.format) return Response.json(await compareExecutions(access, id, otherId, query));
  const pair = await comparablePair(access, id, otherId);
  const filter = { change: query.change, field: query.field ?? null };
  const { body, fileName, contentType } = await exportComparison(pair, filter, query.format);
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
});

import { exportQuerySchema } from "@/lib/contract/queries";
import { exportResults } from "@/server/executions/export";
import { type IdParams, idOf } from "@/server/http/params";
import { parseWith, queryParams, route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = route(async (request, context: IdParams) => {
  const { format } = parseWith(exportQuerySchema, queryParams(request));
  const { body, fileName, contentType } = await exportResults(await idOf(context), format);
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
});

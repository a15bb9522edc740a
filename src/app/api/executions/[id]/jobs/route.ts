import { jobsQuerySchema } from "@/lib/contract/queries";
import { listJobs } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { parseWith, queryParams, route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = route(async (request, context: IdParams) => {
  const query = parseWith(jobsQuerySchema, queryParams(request));
  return Response.json(
    await listJobs(await idOf(context), { statuses: query.status, limit: query.limit, cursor: query.cursor }),
  );
});

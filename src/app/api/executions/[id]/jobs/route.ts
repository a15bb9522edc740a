import { jobsQuerySchema } from "@/lib/contract/queries";
import { idOf, type IdParams } from "@/server/http/params";
import { parseWith, queryParams, route } from "@/server/http/respond";
import { listJobs } from "@/server/executions/service";

export const dynamic = "force-dynamic";

export const GET = route(async (request, context: IdParams) => {
  const query = parseWith(jobsQuerySchema, queryParams(request));
  return Response.json(await listJobs(await idOf(context), { statuses: query.status, limit: query.limit, cursor: query.cursor }));
});

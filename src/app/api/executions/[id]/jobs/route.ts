import { jobsQuerySchema } from "@/lib/contract/queries";
import { guarded } from "@/server/auth/guard";
import { listJobs } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { parseWith, queryParams } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "execution", need: "viewer" }, async (request, context: IdParams) => {
  const query = parseWith(jobsQuerySchema, queryParams(request));
  return Response.json(
    await listJobs(await idOf(context), { statuses: query.status, limit: query.limit, cursor: query.cursor }),
  );
});

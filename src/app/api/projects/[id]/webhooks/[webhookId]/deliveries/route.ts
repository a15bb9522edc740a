import { deliveriesQuerySchema } from "@/lib/contract/webhooks";
import { guarded } from "@/server/auth/guard";
import { parseWith, queryParams } from "@/server/http/respond";
import { listDeliveries } from "@/server/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; webhookId: string }> };

/** The webhook's delivery log, newest first: `?limit=&cursor=`. */
export const GET = guarded({ on: "project", need: "admin" }, async (request, { params }: Context, access) => {
  const query = parseWith(deliveriesQuerySchema, queryParams(request));
  return Response.json(await listDeliveries(access.projectId, (await params).webhookId, query));
});

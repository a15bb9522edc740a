import { listInputsQuerySchema } from "@/lib/contract/queries";
import { listInputs } from "@/server/batches/service";
import { parseWith, queryParams, route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = route(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const query = parseWith(listInputsQuerySchema, queryParams(request));
  return Response.json(await listInputs((await params).id, query));
});

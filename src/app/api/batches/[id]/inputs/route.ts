import { listInputsQuerySchema } from "@/lib/contract/queries";
import { guarded } from "@/server/auth/guard";
import { listInputs } from "@/server/batches/service";
import { parseWith, queryParams } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = guarded(
  { on: "batch", need: "viewer" },
  async (request, { params }: { params: Promise<{ id: string }> }) => {
    const query = parseWith(listInputsQuerySchema, queryParams(request));
    return Response.json(await listInputs((await params).id, query));
  },
);

import { createBatchFromCsv, listBatches } from "@/server/batches/service";
import { withBatchUpload } from "@/server/batches/upload";
import { route } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request, { params }: Context) =>
  Response.json({ batches: await listBatches((await params).id) }),
);

export const POST = route(async (request, { params }: Context) => {
  const projectId = (await params).id;
  const result = await withBatchUpload(request, getRuntime().env.MAX_UPLOAD_BYTES, (upload) =>
    createBatchFromCsv({ projectId, ...upload }),
  );
  return Response.json(result, { status: 201 });
});

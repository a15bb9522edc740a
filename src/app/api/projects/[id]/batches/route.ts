import { guarded } from "@/server/auth/guard";
import { createBatchFromCsv, listBatches } from "@/server/batches/service";
import { withBatchUpload } from "@/server/batches/upload";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = guarded({ on: "project", need: "viewer" }, async (_request, { params }: Context) =>
  Response.json({ batches: await listBatches((await params).id) }),
);

export const POST = guarded({ on: "project", need: "operator" }, async (request, { params }: Context, access) => {
  const projectId = (await params).id;
  const result = await withBatchUpload(request, getRuntime().env.MAX_UPLOAD_BYTES, (upload) =>
    createBatchFromCsv({ projectId, ...upload }, access),
  );
  return Response.json(result, { status: 201 });
});

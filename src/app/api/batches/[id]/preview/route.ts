import { previewRequestSchema } from "@/lib/contract/configs";
import { guarded } from "@/server/auth/guard";
import { type IdParams, idOf } from "@/server/http/params";
import { readJson } from "@/server/http/respond";
import { runPreview } from "@/server/preview/run";

export const dynamic = "force-dynamic";

export const POST = guarded({ on: "batch", need: "operator" }, async (request, context: IdParams) => {
  const body = await readJson(request, previewRequestSchema);
  return Response.json({ preview: await runPreview(await idOf(context), body) });
});

import { exportQuerySchema } from "@/lib/contract/queries";
import { recordAudit } from "@/server/auth/audit";
import { guarded } from "@/server/auth/guard";
import { exportResults } from "@/server/executions/export";
import { type IdParams, idOf } from "@/server/http/params";
import { parseWith, queryParams } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "execution", need: "viewer" }, async (request, context: IdParams, access) => {
  const { format } = parseWith(exportQuerySchema, queryParams(request));
  const id = await idOf(context);
  const { body, fileName, contentType } = await exportResults(id, format);
  await recordAudit(getRuntime().db, access, {
    action: "execution.export",
    projectId: access.projectId,
    executionId: id,
    target: { type: "execution", id },
    after: { format },
  });
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
});

import { auditQuerySchema } from "@/lib/contract/auth";
import { parseWith, queryParams } from "../http/respond";
import type { AuditFilter } from "../repos/audit";
import { getRuntime } from "../runtime";
import { auditCsv, auditTrail } from "./audit";

/** The answer of both trail routes: a JSON page (`?cursor=`) or, with `?format=csv`, the whole filtered trail as a file. */
export async function auditResponse(
  request: Request,
  scope: Pick<AuditFilter, "projectId" | "executionId">,
  fileName: string,
  options: { addresses: boolean },
) {
  const query = parseWith(auditQuerySchema, queryParams(request));
  const filter = { executionId: query.executionId, ...scope, action: query.action, actorId: query.actor };
  const { db } = getRuntime();
  if (query.format === "json") {
    const page = await auditTrail(db, filter, query.limit, query.cursor);
    if (!options.addresses) for (const entry of page.entries) entry.address = null;
    return Response.json(page);
  }
  const lines = auditCsv(db, filter, options);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(new TextEncoder().encode(next.value));
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
}

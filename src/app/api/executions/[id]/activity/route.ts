import { auditResponse } from "@/server/auth/audit-response";
import { guarded } from "@/server/auth/guard";
import { type IdParams, idOf } from "@/server/http/params";

export const dynamic = "force-dynamic";

/**
 * Who did what to this execution (its part of the audit trail): same filters and formats as the project's. The
 * addresses people acted from are for the project's admins only.
 */
export const GET = guarded({ on: "execution", need: "viewer" }, async (request, context: IdParams, access) => {
  const id = await idOf(context);
  return auditResponse(request, { executionId: id }, `activity-${id}.csv`, { addresses: access.role === "admin" });
});

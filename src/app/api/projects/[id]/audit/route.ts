import { auditResponse } from "@/server/auth/audit-response";
import { guarded } from "@/server/auth/guard";
import type { IdParams } from "@/server/http/params";

export const dynamic = "force-dynamic";

/** The project's audit trail, newest first: `?action=&actor=&executionId=&limit=&cursor=`, `?format=csv` for a file. */
export const GET = guarded({ on: "project", need: "admin" }, async (request, _context: IdParams, access) =>
  auditResponse(request, { projectId: access.projectId }, `audit-${access.projectId}.csv`, { addresses: true }),
);

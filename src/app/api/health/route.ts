import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/respond";
import { getRuntime, hasRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** For load balancers: 200 while the app can serve requests, 503 (saying why) while its database is unreachable. */
export function GET() {
  if (!hasRuntime()) return errorResponse(new AppError("unavailable", 503, "fleetdeck is starting up"));
  const { database } = getRuntime();
  const health = database.health();
  if (health.ok) return Response.json({ ok: true, database: { kind: database.kind, ok: true } });
  const reason = health.reason ?? "no answer";
  return errorResponse(
    new AppError("unavailable", 503, `The database is unreachable: ${reason}`, {
      database: { kind: database.kind, ok: false, reason, since: health.since.toISOString() },
    }),
  );
}

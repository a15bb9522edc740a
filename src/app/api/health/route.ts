import { isDatabaseUnavailable } from "@/server/db/unavailable";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/respond";
import { log } from "@/server/log";
import { countLive } from "@/server/repos/workers";
import { getRuntime, hasRuntime } from "@/server/runtime";
import pkg from "../../../../package.json";

export const dynamic = "force-dynamic";

/**
 * For load balancers: 200 while the app can serve requests, 503 (saying why) while its database is unreachable.
 * It also says which version runs and how many workers claim jobs (alive, with a beat within WORKER_DEAD_AFTER_MS).
 */
export async function GET() {
  if (!hasRuntime()) return errorResponse(new AppError("unavailable", 503, "fleetdeck is starting up"));
  const { database, db, env } = getRuntime();
  const health = database.health();
  if (health.ok) {
    // The database monitor alone decides the status; a count that fails (the database going away before the
    // monitor noticed) is reported as unknown rather than turning its verdict.
    const live = await countLive(db, env.WORKER_DEAD_AFTER_MS).catch((e: unknown) => {
      if (!isDatabaseUnavailable(e)) log().warn({ err: e }, "counting live workers for /api/health failed");
      return null;
    });
    return Response.json({
      ok: true,
      version: pkg.version,
      database: { kind: database.kind, ok: true },
      workers: { live },
    });
  }
  const reason = health.reason ?? "no answer";
  return errorResponse(
    new AppError("unavailable", 503, `The database is unreachable: ${reason}`, {
      database: { kind: database.kind, ok: false, reason, since: health.since.toISOString() },
    }),
  );
}

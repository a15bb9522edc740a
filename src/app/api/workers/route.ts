import { guarded } from "@/server/auth/guard";
import { getRuntime } from "@/server/runtime";
import { describeWorkers } from "@/server/workers/list";

export const dynamic = "force-dynamic";

/** The worker processes that run jobs (the Workers page, `fleetdeck status`). */
export const GET = guarded({ signedIn: true }, async () => {
  const { db, env } = getRuntime();
  return Response.json(await describeWorkers(db, env.WORKER_DEAD_AFTER_MS));
});

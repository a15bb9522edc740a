import { guarded } from "@/server/auth/guard";
import { liveStats } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "execution", need: "viewer" }, async (_request, context: IdParams) =>
  Response.json(await liveStats(await idOf(context))),
);

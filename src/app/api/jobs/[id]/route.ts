import { guarded } from "@/server/auth/guard";
import { getJob } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "job", need: "viewer" }, async (_request, context: IdParams) =>
  Response.json(await getJob(await idOf(context))),
);

import { guarded } from "@/server/auth/guard";
import { getExecution } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "execution", need: "viewer" }, async (_request, context: IdParams) =>
  Response.json({ execution: await getExecution(await idOf(context)) }),
);

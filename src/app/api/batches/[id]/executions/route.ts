import { createExecutionSchema } from "@/lib/contract/requests";
import { guarded } from "@/server/auth/guard";
import { listExecutions, startExecution } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { readJson } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "batch", need: "viewer" }, async (_request, context: IdParams) =>
  Response.json({ executions: await listExecutions(await idOf(context)) }),
);

export const POST = guarded({ on: "batch", need: "operator" }, async (request, context: IdParams, access) => {
  const body = await readJson(request, createExecutionSchema(getRuntime().env.MAX_CONCURRENCY));
  return Response.json({ execution: await startExecution(await idOf(context), body, access) }, { status: 201 });
});

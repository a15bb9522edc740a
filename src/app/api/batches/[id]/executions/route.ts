import { createExecutionSchema } from "@/lib/contract/requests";
import { listExecutions, startExecution } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { readJson, route } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = route(async (_request, context: IdParams) =>
  Response.json({ executions: await listExecutions(await idOf(context)) }),
);

export const POST = route(async (request, context: IdParams) => {
  const body = await readJson(request, createExecutionSchema(getRuntime().env.MAX_CONCURRENCY));
  return Response.json({ execution: await startExecution(await idOf(context), body) }, { status: 201 });
});

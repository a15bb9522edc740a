import { createRerunSchema, MAX_RERUN_BODY_BYTES } from "@/lib/contract/reruns";
import { guarded } from "@/server/auth/guard";
import { listReruns, rerunExecution } from "@/server/executions/rerun";
import { type IdParams, idOf } from "@/server/http/params";
import { readJson } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "execution", need: "viewer" }, async (_request, context: IdParams) =>
  Response.json({ executions: await listReruns(await idOf(context)) }),
);

export const POST = guarded({ on: "execution", need: "operator" }, async (request, context: IdParams, access) => {
  const body = await readJson(request, createRerunSchema(getRuntime().env.MAX_CONCURRENCY), {
    maxBytes: MAX_RERUN_BODY_BYTES,
  });
  return Response.json({ execution: await rerunExecution(await idOf(context), body, access) }, { status: 201 });
});

import { resumeSchema } from "@/lib/contract/requests";
import { guarded } from "@/server/auth/guard";
import { resume } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, readJson } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const POST = guarded({ on: "execution", need: "operator" }, async (request, context: IdParams, access) => {
  const change = await readJson(request, resumeSchema, { optionalBody: true });
  return controlResponse(await resume(await idOf(context), change, access));
});

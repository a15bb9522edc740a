import { resumeSchema } from "@/lib/contract/requests";
import { resume } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, readJson, route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const POST = route(async (request, context: IdParams) => {
  const change = await readJson(request, resumeSchema, { optionalBody: true });
  return controlResponse(await resume(await idOf(context), change));
});

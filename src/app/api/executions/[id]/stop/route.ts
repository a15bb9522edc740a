import { stopSchema } from "@/lib/contract/requests";
import { stop } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, readJson, route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const POST = route(async (request, context: IdParams) => {
  const { reason } = await readJson(request, stopSchema, { optionalBody: true });
  return controlResponse(await stop(await idOf(context), reason?.trim() || null));
});

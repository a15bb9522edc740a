import { stopSchema } from "@/lib/contract/requests";
import { idOf, type IdParams } from "@/server/http/params";
import { controlResponse, readJson, route } from "@/server/http/respond";
import { stop } from "@/server/executions/controls";

export const dynamic = "force-dynamic";

export const POST = route(async (request, context: IdParams) => {
  const { reason } = await readJson(request, stopSchema, { optionalBody: true });
  return controlResponse(await stop(await idOf(context), reason?.trim() || null));
});

import { stopSchema } from "@/lib/contract/requests";
import { guarded } from "@/server/auth/guard";
import { stop } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, readJson } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const POST = guarded({ on: "execution", need: "operator" }, async (request, context: IdParams, access) => {
  const { reason } = await readJson(request, stopSchema, { optionalBody: true });
  return controlResponse(await stop(await idOf(context), reason?.trim() || null, access));
});

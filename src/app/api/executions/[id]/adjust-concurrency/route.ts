import { adjustConcurrencySchema } from "@/lib/contract/requests";
import { adjustConcurrency } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, readJson, route } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = route(async (request, context: IdParams) => {
  const { concurrency } = await readJson(request, adjustConcurrencySchema(getRuntime().env.MAX_CONCURRENCY));
  return controlResponse(await adjustConcurrency(await idOf(context), concurrency));
});

import { adjustConcurrencySchema } from "@/lib/contract/requests";
import { guarded } from "@/server/auth/guard";
import { adjustConcurrency } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, readJson } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = guarded({ on: "execution", need: "operator" }, async (request, context: IdParams, access) => {
  const { concurrency } = await readJson(request, adjustConcurrencySchema(getRuntime().env.MAX_CONCURRENCY));
  return controlResponse(await adjustConcurrency(await idOf(context), concurrency, access));
});

import { guarded } from "@/server/auth/guard";
import { pause } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const POST = guarded({ on: "execution", need: "operator" }, async (_request, context: IdParams, access) =>
  controlResponse(await pause(await idOf(context), access)),
);

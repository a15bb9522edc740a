import { liveStats } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = route(async (_request, context: IdParams) => Response.json(await liveStats(await idOf(context))));

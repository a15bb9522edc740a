import { idOf, type IdParams } from "@/server/http/params";
import { route } from "@/server/http/respond";
import { liveStats } from "@/server/executions/service";

export const dynamic = "force-dynamic";

export const GET = route(async (_request, context: IdParams) => Response.json(await liveStats(await idOf(context))));

import { resume } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";
import { controlResponse, route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const POST = route(async (_request, context: IdParams) => controlResponse(await resume(await idOf(context))));

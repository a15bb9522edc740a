import { idOf, type IdParams } from "@/server/http/params";
import { controlResponse, route } from "@/server/http/respond";
import { resume } from "@/server/executions/controls";

export const dynamic = "force-dynamic";

export const POST = route(async (_request, context: IdParams) => controlResponse(await resume(await idOf(context))));

import { appConfig } from "@/server/app-config";
import { route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(appConfig()));

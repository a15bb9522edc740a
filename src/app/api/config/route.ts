import { appConfig } from "@/server/app-config";
import { guarded } from "@/server/auth/guard";

export const dynamic = "force-dynamic";

export const GET = guarded({ signedIn: true }, async () => Response.json(appConfig()));

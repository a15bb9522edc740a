import { guarded } from "@/server/auth/guard";
import { sendTest } from "@/server/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; webhookId: string }> };

/** Sends a `ping` delivery now and answers how it went (`{ delivery }`); a failed ping is retried like any other. */
export const POST = guarded({ on: "project", need: "admin" }, async (_request, { params }: Context, access) =>
  Response.json({ delivery: await sendTest(access.projectId, (await params).webhookId) }),
);

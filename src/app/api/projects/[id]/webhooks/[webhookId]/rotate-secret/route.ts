import { guarded } from "@/server/auth/guard";
import { rotateSecret } from "@/server/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; webhookId: string }> };

/** A new signing secret, shown this once; the old one signs nothing more. */
export const POST = guarded({ on: "project", need: "admin" }, async (_request, { params }: Context, access) =>
  Response.json(await rotateSecret(access.projectId, (await params).webhookId, access), {
    headers: { "cache-control": "no-store" },
  }),
);

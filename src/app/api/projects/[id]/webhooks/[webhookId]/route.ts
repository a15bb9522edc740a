import { updateWebhookSchema } from "@/lib/contract/webhooks";
import { guarded } from "@/server/auth/guard";
import { readJson } from "@/server/http/respond";
import { deleteWebhook, updateWebhook } from "@/server/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; webhookId: string }> };

/** Changes its URL (checked by the network guard again), events or enabled. */
export const PATCH = guarded({ on: "project", need: "admin" }, async (request, { params }: Context, access) => {
  const patch = await readJson(request, updateWebhookSchema);
  return Response.json({ webhook: await updateWebhook(access.projectId, (await params).webhookId, patch, access) });
});

/** Deletes it with its delivery log; deliveries not yet sent are dropped. */
export const DELETE = guarded({ on: "project", need: "admin" }, async (_request, { params }: Context, access) => {
  await deleteWebhook(access.projectId, (await params).webhookId, access);
  return new Response(null, { status: 204 });
});

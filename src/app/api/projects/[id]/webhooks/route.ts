import { createWebhookSchema } from "@/lib/contract/webhooks";
import { guarded } from "@/server/auth/guard";
import type { IdParams } from "@/server/http/params";
import { readJson } from "@/server/http/respond";
import { createWebhook, listWebhooks } from "@/server/webhooks/service";

export const dynamic = "force-dynamic";

/** The project's webhooks (admins); secrets are never listed. */
export const GET = guarded({ on: "project", need: "admin" }, async (_request, _context: IdParams, access) =>
  Response.json({ webhooks: await listWebhooks(access.projectId) }),
);

/** Adds a webhook: 201 `{ webhook, secret }`, the secret shown this once. The URL must pass the network guard. */
export const POST = guarded({ on: "project", need: "admin" }, async (request, _context: IdParams, access) => {
  const input = await readJson(request, createWebhookSchema);
  return Response.json(await createWebhook(access.projectId, input, access), {
    status: 201,
    headers: { "cache-control": "no-store" },
  });
});

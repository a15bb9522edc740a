import { guarded } from "@/server/auth/guard";
import { cancelInvite } from "@/server/auth/members";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; inviteId: string }> };

/** Cancels an invite nobody has used yet; its link stops working. */
export const DELETE = guarded({ on: "project", need: "admin" }, async (_request, { params }: Context, access) => {
  await cancelInvite(access.projectId, (await params).inviteId, access);
  return new Response(null, { status: 204 });
});

import { changeMemberSchema } from "@/lib/contract/auth";
import { guarded } from "@/server/auth/guard";
import { changeRole, removeMember } from "@/server/auth/members";
import { readJson } from "@/server/http/respond";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; userId: string }> };

export const PATCH = guarded({ on: "project", need: "admin" }, async (request, { params }: Context, access) => {
  const { role } = await readJson(request, changeMemberSchema);
  return Response.json({ member: await changeRole(access.projectId, (await params).userId, role, access) });
});

export const DELETE = guarded({ on: "project", need: "admin" }, async (_request, { params }: Context, access) => {
  await removeMember(access.projectId, (await params).userId, access);
  return new Response(null, { status: 204 });
});

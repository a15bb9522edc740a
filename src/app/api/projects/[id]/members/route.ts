import { addMemberSchema } from "@/lib/contract/auth";
import { guarded, refuseWithoutAccounts } from "@/server/auth/guard";
import { addMember, listMembers } from "@/server/auth/members";
import { publicOrigin } from "@/server/http/origin";
import type { IdParams } from "@/server/http/params";
import { readJson } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Members and open invites of the project. */
export const GET = guarded({ on: "project", need: "admin" }, async (_request, _context: IdParams, access) =>
  Response.json(await listMembers(access.projectId)),
);

/** Gives someone a role: at once when they have an account (201 `{ member }`), else an invite link (201 `{ invite }`, its url shown once). */
export const POST = guarded({ on: "project", need: "admin" }, async (request, _context: IdParams, access) => {
  const { env } = getRuntime();
  refuseWithoutAccounts(env);
  const { email, role } = await readJson(request, addMemberSchema);
  const result = await addMember(access.projectId, email, role, access, publicOrigin(env, request));
  return Response.json(result.added ? { member: result.added } : { invite: result.invite }, {
    status: 201,
    headers: { "cache-control": "no-store" },
  });
});

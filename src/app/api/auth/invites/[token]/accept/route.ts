import { acceptInviteSchema } from "@/lib/contract/auth";
import { clientInfo } from "@/server/auth/client-info";
import { guarded } from "@/server/auth/guard";
import { acceptInvite } from "@/server/auth/invites";
import { readJson } from "@/server/http/respond";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

export const POST = guarded({ public: true }, async (request, { params }: Context, access) => {
  const body = await readJson(request, acceptInviteSchema, { optionalBody: true });
  const signedIn = access.caller.kind === "local" ? null : access.caller;
  const result = await acceptInvite((await params).token, body, signedIn, clientInfo(request, access));
  return Response.json(
    { user: result.user, projectId: result.projectId },
    { status: 201, headers: result.cookie ? { "set-cookie": result.cookie } : undefined },
  );
});

import { guarded } from "@/server/auth/guard";
import { describeInvite } from "@/server/auth/invites";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

export const GET = guarded({ public: true }, async (_request, { params }: Context) =>
  Response.json({ invite: await describeInvite((await params).token) }, { headers: { "cache-control": "no-store" } }),
);

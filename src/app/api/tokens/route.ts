import { createTokenSchema } from "@/lib/contract/auth";
import { guarded, refuseWithoutAccounts } from "@/server/auth/guard";
import { createToken, listTokens } from "@/server/auth/tokens";
import { readJson } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** The signed-in person's own API tokens (never their secrets). */
export const GET = guarded({ signedIn: true, session: true }, async (_request, _context, { caller }) =>
  Response.json({ tokens: caller.kind === "session" ? await listTokens(caller.user.id) : [] }),
);

/** A new token; `secret` is in this answer only. */
export const POST = guarded({ signedIn: true, session: true }, async (request, _context, access) => {
  refuseWithoutAccounts(getRuntime().env);
  const body = await readJson(request, createTokenSchema);
  if (access.caller.kind !== "session") throw new Error("unreachable: the rule admits sessions only");
  const created = await createToken(access.caller, body, access);
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});

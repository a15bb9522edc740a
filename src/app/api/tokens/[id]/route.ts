import { guarded, refuseWithoutAccounts } from "@/server/auth/guard";
import { revokeToken } from "@/server/auth/tokens";
import { type IdParams, idOf } from "@/server/http/params";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Revokes the token: requests and live connections using it stop at once. */
export const DELETE = guarded({ signedIn: true, session: true }, async (_request, context: IdParams, access) => {
  refuseWithoutAccounts(getRuntime().env);
  if (access.caller.kind !== "session") throw new Error("unreachable: the rule admits sessions only");
  return Response.json({ token: await revokeToken(access.caller, await idOf(context), access) });
});

import type { Me } from "@/lib/contract/auth";
import { guarded } from "@/server/auth/guard";
import { toUser } from "@/server/auth/serialize";
import { authOn } from "@/server/env";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Who the caller is; answers signed-out callers too (the sign-in page asks whether single sign-on is on). */
export const GET = guarded({ public: true }, async (_request, _context, { caller }) => {
  const { env } = getRuntime();
  const me: Me = authOn(env)
    ? {
        mode: "accounts",
        user: caller.kind === "local" ? null : toUser(caller.user),
        via: caller.kind === "local" ? null : caller.kind,
        sso: env.OIDC_ISSUER !== undefined,
      }
    : { mode: "local", user: null, via: "local", sso: false };
  return Response.json(me, { headers: { "cache-control": "no-store" } });
});

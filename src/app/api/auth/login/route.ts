import { loginSchema } from "@/lib/contract/auth";
import { clientInfo } from "@/server/auth/client-info";
import { guarded, refuseWithoutAccounts } from "@/server/auth/guard";
import { toUser } from "@/server/auth/serialize";
import { signInWithPassword } from "@/server/auth/sessions";
import { readJson } from "@/server/http/respond";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = guarded({ public: true }, async (request, _context, access) => {
  refuseWithoutAccounts(getRuntime().env);
  const { email, password } = await readJson(request, loginSchema);
  const { user, cookie } = await signInWithPassword(email, password, clientInfo(request, access));
  return Response.json({ user: toUser(user) }, { headers: { "set-cookie": cookie, "cache-control": "no-store" } });
});

import { cookieValue } from "@/server/auth/caller";
import { clientInfo } from "@/server/auth/client-info";
import { guarded } from "@/server/auth/guard";
import { finishSso, OIDC_FLOW_COOKIE, oidcSettings } from "@/server/auth/sso";
import { isAppError } from "@/server/errors";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** The identity provider sends the browser back here; the flow cookie is cleared whatever happens. */
export const GET = guarded({ public: true }, async (request, _context, access) => {
  const { env } = getRuntime();
  const clearFlow = `${OIDC_FLOW_COOKIE}=; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0`;
  const flowCookie = cookieValue(request.headers.get("cookie"), OIDC_FLOW_COOKIE) ?? undefined;
  try {
    const { cookie, returnTo } = await finishSso(
      oidcSettings(env, request),
      new URL(request.url),
      flowCookie,
      clientInfo(request, access),
    );
    const headers = new Headers({ location: returnTo, "cache-control": "no-store" });
    headers.append("set-cookie", clearFlow);
    headers.append("set-cookie", cookie);
    return new Response(null, { status: 303, headers });
  } catch (e) {
    if (!isAppError(e)) throw e;
    // A person sees the reason on the sign-in page rather than a JSON body.
    const headers = new Headers({
      location: `/login?error=${encodeURIComponent(e.message)}`,
      "cache-control": "no-store",
    });
    headers.append("set-cookie", clearFlow);
    return new Response(null, { status: 303, headers });
  }
});

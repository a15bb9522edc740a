import { guarded } from "@/server/auth/guard";
import { beginOidcSignIn, OIDC_FLOW_MAX_AGE_SECONDS } from "@/server/auth/oidc";
import { OIDC_FLOW_COOKIE, oidcSettings } from "@/server/auth/sso";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Sends the browser to the identity provider; `?next=/path` is where it comes back to once signed in. */
export const GET = guarded({ public: true }, async (request) => {
  const { env } = getRuntime();
  const next = new URL(request.url).searchParams.get("next") ?? "/";
  const { redirectUrl, flowCookie } = await beginOidcSignIn(oidcSettings(env, request), next);
  const secure = env.PUBLIC_URL?.startsWith("https:") ? "; Secure" : "";
  return new Response(null, {
    status: 303,
    headers: {
      location: redirectUrl,
      "cache-control": "no-store",
      // Lax: the provider's redirect back is a top-level GET, which carries it.
      "set-cookie": `${OIDC_FLOW_COOKIE}=${flowCookie}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${OIDC_FLOW_MAX_AGE_SECONDS}${secure}`,
    },
  });
});

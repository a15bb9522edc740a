import type { Env } from "../env";

/**
 * The address a person reached fleetdeck at, for links fleetdeck hands out (invites, the single sign-on callback):
 * PUBLIC_URL when set, else the request's own Host (the front door has admitted it). Not `request.url`: behind the
 * custom server Next.js builds that from its own idea of the host and port.
 */
export function publicOrigin(env: Env, request: Request): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, "");
  const host = request.headers.get("host");
  return host ? `http://${host}` : new URL(request.url).origin;
}

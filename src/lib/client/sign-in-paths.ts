/**
 * Where signing in sends a person, and back. The `next` rule is the server's (sameSiteReturnTo in
 * src/server/auth/oidc.ts, which the single sign-on callback applies): a `?next=` anyone can put in a link must
 * never take a person off this site after they typed their password.
 */

const e = encodeURIComponent;

export const loginPath = "/login";
export const accountPath = "/account";
export const invitePath = (token: string) => `/invite/${e(token)}`;

/** The server's cap too: longer is not a page of ours. */
const MAX_NEXT_CHARS = 1024;
const SITE = "http://site.invalid";

/** `value` when it is a path on this site, else "/". */
export function safeNextPath(value: string | null | undefined): string {
  if (!value) return "/";
  // Browsers read "/\host" as "//host" (another site), and drop tabs and newlines before parsing.
  const unsafe = !value.startsWith("/") || /^.[/\\]/.test(value) || /[\\\p{Cc}]/u.test(value);
  if (unsafe || value.length > MAX_NEXT_CHARS) return "/";
  const url = new URL(value, SITE);
  return url.origin === SITE ? `${url.pathname}${url.search}${url.hash}` : "/";
}

/** The sign-in page, coming back to `next` afterwards (left out when it is the home page). */
export function signInPath(next: string | null | undefined): string {
  const back = safeNextPath(next);
  return back === "/" ? loginPath : `${loginPath}?next=${e(back)}`;
}

/** Single sign-on starts on the server, which sends the browser to the identity provider. */
export function ssoStartPath(next: string | null | undefined): string {
  return `/api/auth/oidc/start?next=${e(safeNextPath(next))}`;
}

/**
 * Whether a 401 from `apiPath`, seen on the page at `pagePath`, means "sign in again". Not for the sign-in
 * routes themselves (a wrong password is a 401 the form shows), nor on the pages a signed-out person is meant to
 * be on (sending them to themselves would loop).
 */
export function sendsToSignIn(status: number, apiPath: string, pagePath: string): boolean {
  if (status !== 401) return false;
  if (apiPath.startsWith("/api/auth/")) return false;
  return !(pagePath === loginPath || pagePath.startsWith("/invite/"));
}

/** Where a page's address names itself in a `next`: path, query and fragment. */
export const currentPagePath = (location: Pick<Location, "pathname" | "search" | "hash">) =>
  `${location.pathname}${location.search}${location.hash}`;

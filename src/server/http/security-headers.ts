import { randomBytes } from "node:crypto";

/**
 * Response headers every answer carries, and the Content-Security-Policy of the app's pages.
 *
 * The pages get a fresh script nonce per request: Next.js reads it from the request's own
 * `content-security-policy` header and puts it on every script it renders (so pages are rendered per request).
 * `'strict-dynamic'` lets those scripts load the app's chunks; nothing else runs. The bundled demo shop under
 * `/demo` is another "site" with its own inline script and styles, so it gets a policy of its own.
 */

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

export interface PageSecurity {
  headers: Record<string, string>;
  /** The policy Next.js must see on the request to put the nonce on its scripts; null when not a page. */
  requestPolicy: string | null;
}

export function securityHeadersFor(pathname: string, options: { dev: boolean }): PageSecurity {
  if (isDemoPath(pathname))
    return { headers: { ...COMMON_HEADERS, "Content-Security-Policy": DEMO_POLICY }, requestPolicy: null };
  if (pathname.startsWith("/api/") || pathname.startsWith("/_next/static/")) {
    // Data and static files: nothing in them may run or be framed.
    return {
      headers: { ...COMMON_HEADERS, "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'" },
      requestPolicy: null,
    };
  }
  const policy = pagePolicy(randomBytes(16).toString("base64"), options.dev);
  return { headers: { ...COMMON_HEADERS, "Content-Security-Policy": policy }, requestPolicy: policy };
}

export function pagePolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its debugging aids; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React sets style attributes (progress bars, virtual rows); style attributes cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const DEMO_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

function isDemoPath(pathname: string): boolean {
  return pathname === "/demo" || pathname.startsWith("/demo/");
}

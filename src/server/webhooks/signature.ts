import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * How deliveries are signed: `fleetdeck-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
 * the key being the secret's text as shown. The timestamp is signed with the body, so a receiver that refuses old
 * timestamps refuses a replayed delivery.
 */

export const SIGNATURE_HEADER = "fleetdeck-signature";

/** 32 random bytes, base64url: the signing secret of a webhook, shown once. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, `${unixSeconds}.${body}`)}`;
}

/** What a receiver does (README "Webhooks" has it as a snippet): true when the header signs this body with this secret. */
export function verifySignature(secret: string, body: string, header: string): boolean {
  const parts = new Map(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const t = parts.get("t");
  const v1 = parts.get("v1");
  if (!t || !v1 || !/^\d+$/.test(t)) return false;
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`), "hex");
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const hmacHex = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

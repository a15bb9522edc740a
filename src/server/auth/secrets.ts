import { createHash, randomBytes } from "node:crypto";

/**
 * Session cookies, API tokens and invite links are random secrets with 256 bits of entropy: only their SHA-256 is
 * stored, so a copy of the database gives nobody a working credential. (A slow hash adds nothing to a secret
 * nobody can guess; passwords, which people choose, get argon2id in passwords.ts.)
 */
export interface NewSecret {
  /** Shown once (the cookie, the token, the link); never stored. */
  value: string;
  hash: string;
}

export function newSecret(prefix = ""): NewSecret {
  const value = `${prefix}${randomBytes(32).toString("base64url")}`;
  return { value, hash: hashSecret(value) };
}

export function hashSecret(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** What API tokens start with: recognisable in logs and by secret scanners. */
export const TOKEN_PREFIX = "fdk_";

/** The part of a token lists show to tell tokens apart (the prefix and 6 characters of 43). */
export function displayPrefix(value: string): string {
  return value.slice(0, TOKEN_PREFIX.length + 6);
}

import { hash, verify } from "@node-rs/argon2";

/**
 * Passwords are hashed with argon2id (OWASP's first choice) at its recommended cost: 19 MiB, 2 passes, 1 lane.
 * The parameters travel inside each hash, so raising them later leaves old hashes verifiable.
 */
/** @node-rs/argon2's algorithm is argon2id unless told otherwise. */
const ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed hash verifies nothing
  }
}

/** Verified against when the account does not exist, so a wrong email costs the same time as a wrong password. */
let decoy: Promise<string> | undefined;
export async function verifyNothing(password: string): Promise<false> {
  decoy ??= hashPassword("fleetdeck decoy password");
  await verifyPassword(await decoy, password);
  return false;
}

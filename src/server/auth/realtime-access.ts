import type { Db } from "../db/client";
import { projectOf, roleOn } from "./access";
import { accessKeysOf, type Credential, callerOf } from "./caller";

export type SubscribeVerdict =
  | { ok: true; accessKeys: string[] }
  | { ok: false; code: "unauthenticated" | "not_found" };

/**
 * Whether a socket's credential may watch an execution (viewer or more on its project), judged afresh at every
 * subscribe so an expired session or a revoked token never starts a new subscription. The keys name what
 * would end the access (auth/caller.ts), so the hub can close the socket when one is revoked.
 */
export async function judgeSubscribe(
  db: Db,
  credential: Credential | null,
  executionId: string,
): Promise<SubscribeVerdict> {
  const caller = await callerOf(db, credential);
  if (!caller) return { ok: false, code: "unauthenticated" };
  const projectId = await projectOf(db, "execution", executionId);
  const role = projectId === undefined ? null : await roleOn(db, caller, projectId);
  return role === null ? { ok: false, code: "not_found" } : { ok: true, accessKeys: accessKeysOf(caller) };
}

import type { ApiToken, ProjectRole } from "@/lib/contract/auth";
import { AppError, notFound } from "../errors";
import * as accounts from "../repos/accounts";
import { getRuntime } from "../runtime";
import { roleOn } from "./access";
import { type Doer, recordAudit } from "./audit";
import type { Caller } from "./caller";
import { displayPrefix, newSecret, TOKEN_PREFIX } from "./secrets";
import { toToken } from "./serialize";

type Person = Extract<Caller, { kind: "session" }>;

export async function listTokens(userId: string): Promise<ApiToken[]> {
  return (await accounts.listTokensOfUser(getRuntime().db, userId)).map(toToken);
}

export interface TokenRequest {
  name: string;
  role: ProjectRole;
  projectIds?: string[] | null;
  expiresInDays?: number;
}

/**
 * Creates an API token for the signed-in person; its secret is in the answer only. A token scoped to projects may
 * only name projects the person can see (it never acts beyond its user's own role anyway).
 */
export async function createToken(
  person: Person,
  request: TokenRequest,
  doer: Doer,
): Promise<{ token: ApiToken; secret: string }> {
  const { db } = getRuntime();
  const projectIds = request.projectIds ? [...new Set(request.projectIds)] : null;
  for (const projectId of projectIds ?? []) {
    if ((await roleOn(db, person, projectId)) === null)
      throw new AppError("validation_failed", 400, `projectIds: project ${projectId} was not found`, {
        field: "projectIds",
      });
  }
  const secret = newSecret(TOKEN_PREFIX);
  const row = await db.transaction(async (tx) => {
    const created = await accounts.insertToken(tx, {
      userId: person.user.id,
      name: request.name,
      secretHash: secret.hash,
      prefix: displayPrefix(secret.value),
      role: request.role,
      projectIds,
      expiresAt: request.expiresInDays ? new Date(Date.now() + request.expiresInDays * 24 * 3600_000) : null,
    });
    for (const projectId of projectIds ?? [null]) {
      await recordAudit(tx, doer, {
        action: "token.create",
        projectId,
        target: { type: "token", id: created.id },
        after: { name: created.name, role: created.role, projectIds, prefix: created.prefix },
      });
    }
    return created;
  });
  return { token: toToken(row), secret: secret.value };
}

/** Revokes one of the person's tokens; requests and live connections using it stop at once. */
export async function revokeToken(person: Person, tokenId: string, doer: Doer): Promise<ApiToken> {
  const { db, bus } = getRuntime();
  const revoked = await db.transaction(async (tx) => {
    const token = await accounts.findToken(tx, tokenId);
    if (!token || token.userId !== person.user.id) throw notFound("Token", tokenId);
    const row = (await accounts.revokeToken(tx, tokenId)) ?? token;
    for (const projectId of token.projectIds ?? [null]) {
      await recordAudit(tx, doer, {
        action: "token.revoke",
        projectId,
        target: { type: "token", id: token.id },
        before: { name: token.name, role: token.role, prefix: token.prefix },
      });
    }
    return row;
  });
  bus.announceAccessChange([`token:${tokenId}`]);
  return toToken(revoked);
}

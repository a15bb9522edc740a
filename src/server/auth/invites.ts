import type { User } from "@/lib/contract/auth";
import { AppError } from "../errors";
import * as accounts from "../repos/accounts";
import { findProject } from "../repos/projects";
import { getRuntime } from "../runtime";
import { recordAudit } from "./audit";
import type { Caller } from "./caller";
import { hashPassword } from "./passwords";
import { hashSecret } from "./secrets";
import { toUser } from "./serialize";
import { type ClientInfo, startSession } from "./sessions";

/** What the invite page shows before anyone accepts: for whom, to what, with which role. */
export interface InviteDetails {
  email: string | null;
  projectName: string | null;
  role: string | null;
  siteAdmin: boolean;
  expiresAt: string;
  /** An account with the invite's email exists: sign in first, then open the link again. */
  accountExists: boolean;
}

export async function describeInvite(secret: string): Promise<InviteDetails> {
  const { db } = getRuntime();
  const invite = await openInvite(secret);
  const project = invite.projectId ? await findProject(db, invite.projectId) : undefined;
  return {
    email: invite.email,
    projectName: project?.name ?? null,
    role: invite.role,
    siteAdmin: invite.siteAdmin,
    expiresAt: invite.expiresAt.toISOString(),
    accountExists: invite.email !== null && (await accounts.findUserByEmail(db, invite.email)) !== undefined,
  };
}

export interface Acceptance {
  /** For a new account. */
  name?: string;
  password?: string;
  email?: string;
}

/**
 * Takes an invite, once: a signed-in person joins the project with it; anyone else creates their account (the
 * invite's email, or the one they give for the first admin's link) and is signed in. Returns the Set-Cookie of
 * the new session when one was started.
 */
export async function acceptInvite(
  secret: string,
  acceptance: Acceptance,
  caller: Caller | null,
  client: ClientInfo,
): Promise<{ user: User; projectId: string | null; cookie: string | null }> {
  const { db } = getRuntime();
  const invite = await openInvite(secret);
  const signedIn = caller && caller.kind === "session" ? caller.user : null;
  if (signedIn && invite.email && invite.email !== signedIn.email) {
    throw new AppError(
      "forbidden",
      403,
      `This invite is for ${invite.email}; you are signed in as ${signedIn.email}. Sign out, then open the link again`,
    );
  }
  const email = (invite.email ?? acceptance.email ?? signedIn?.email)?.toLowerCase();
  if (!signedIn) {
    if (!email) throw new AppError("validation_failed", 400, "email: required for this invite", { field: "email" });
    if (!acceptance.name || !acceptance.password)
      throw new AppError("validation_failed", 400, "name and password are required to create your account");
    if (await accounts.findUserByEmail(db, email))
      throw new AppError("invalid_state", 409, `An account for ${email} exists: sign in, then open the link again`);
  }
  const passwordHash = signedIn ? null : await hashPassword(acceptance.password!);
  const user = await db.transaction(async (tx) => {
    const account =
      signedIn ??
      (await accounts.insertUser(tx, {
        email: email!,
        name: acceptance.name!,
        passwordHash,
        isAdmin: invite.siteAdmin,
      }));
    if (!(await accounts.markInviteAccepted(tx, invite.id, account.id))) throw usedOrExpired();
    if (invite.projectId && invite.role) await accounts.upsertMembership(tx, invite.projectId, account.id, invite.role);
    const actor = { type: "user" as const, id: account.id, name: account.name };
    await recordAudit(
      tx,
      { actor, address: client.address },
      {
        action: "member.add",
        projectId: invite.projectId,
        target: { type: "user", id: account.id },
        after: { email: account.email, role: invite.role, siteAdmin: invite.siteAdmin, invite: invite.id },
      },
    );
    return account;
  });
  const cookie = signedIn ? null : await startSession(user.id, client);
  return { user: toUser(user), projectId: invite.projectId, cookie };
}

async function openInvite(secret: string): Promise<accounts.InviteRow> {
  if (!secret || secret.length > 200) throw usedOrExpired();
  const invite = await accounts.findOpenInvite(getRuntime().db, hashSecret(secret));
  if (!invite) throw usedOrExpired();
  return invite;
}

const usedOrExpired = () =>
  new AppError("not_found", 404, "This invite link has been used, has expired, or was cancelled; ask for a new one");

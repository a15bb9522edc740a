import type { Member, PendingInvite, ProjectRole } from "@/lib/contract/auth";
import { invalidState, notFound } from "../errors";
import * as accounts from "../repos/accounts";
import { getRuntime } from "../runtime";
import { type Doer, recordAudit } from "./audit";
import { newSecret } from "./secrets";
import { toInvite, toMember } from "./serialize";

/** How long an invite link works. */
const INVITE_DAYS = 7;

export async function listMembers(projectId: string): Promise<{ members: Member[]; invites: PendingInvite[] }> {
  const { db } = getRuntime();
  const [members, invites] = await Promise.all([
    accounts.listMembers(db, projectId),
    accounts.listOpenInvites(db, projectId),
  ]);
  return { members: members.map(toMember), invites: invites.map(toInvite) };
}

export type AddMemberResult =
  | { added: Member; invite?: undefined }
  | { added?: undefined; invite: PendingInvite & { url: string } };

/**
 * Gives `email` a role on the project: at once when they have an account, else through a one-time invite link
 * (shown once, to the admin, who sends it on).
 */
export async function addMember(
  projectId: string,
  email: string,
  role: ProjectRole,
  doer: Doer,
  baseUrl: string,
): Promise<AddMemberResult> {
  const { db } = getRuntime();
  return db.transaction(async (tx) => {
    const user = await accounts.findUserByEmail(tx, email);
    if (user) {
      const before = await accounts.findMembership(tx, projectId, user.id);
      const membership = await accounts.upsertMembership(tx, projectId, user.id, role);
      await recordAudit(tx, doer, {
        action: before ? "member.role" : "member.add",
        projectId,
        target: { type: "user", id: user.id },
        before: before ? { email: user.email, role: before.role } : null,
        after: { email: user.email, role },
      });
      return { added: toMember({ membership, user }) };
    }
    const secret = newSecret();
    const invite = await accounts.insertInvite(tx, {
      secretHash: secret.hash,
      email,
      projectId,
      role,
      createdBy: doer.actor?.type === "user" ? doer.actor.id : null,
      expiresAt: new Date(Date.now() + INVITE_DAYS * 24 * 3600_000),
    });
    await recordAudit(tx, doer, {
      action: "member.invite",
      projectId,
      target: { type: "invite", id: invite.id },
      after: { email, role },
    });
    return { invite: { ...toInvite(invite), url: inviteUrl(baseUrl, secret.value) } };
  });
}

export async function changeRole(projectId: string, userId: string, role: ProjectRole, doer: Doer): Promise<Member> {
  const { db, bus } = getRuntime();
  const member = await db.transaction(async (tx) => {
    const user = await accounts.findUser(tx, userId);
    const before = user && (await accounts.findMembership(tx, projectId, userId));
    if (!user || !before) throw notFound("Member", userId);
    if (before.role === "admin" && role !== "admin") await refuseLastAdmin(tx, projectId);
    const membership = await accounts.upsertMembership(tx, projectId, userId, role);
    await recordAudit(tx, doer, {
      action: "member.role",
      projectId,
      target: { type: "user", id: userId },
      before: { email: user.email, role: before.role },
      after: { email: user.email, role },
    });
    return toMember({ membership, user });
  });
  // Their open live views reconnect and are judged by the new role.
  bus.announceAccessChange([`user:${userId}`]);
  return member;
}

export async function removeMember(projectId: string, userId: string, doer: Doer): Promise<void> {
  const { db, bus } = getRuntime();
  await db.transaction(async (tx) => {
    const user = await accounts.findUser(tx, userId);
    const before = user && (await accounts.findMembership(tx, projectId, userId));
    if (!user || !before) throw notFound("Member", userId);
    if (before.role === "admin") await refuseLastAdmin(tx, projectId);
    await accounts.deleteMembership(tx, projectId, userId);
    await recordAudit(tx, doer, {
      action: "member.remove",
      projectId,
      target: { type: "user", id: userId },
      before: { email: user.email, role: before.role },
    });
  });
  bus.announceAccessChange([`user:${userId}`]);
}

export async function cancelInvite(projectId: string, inviteId: string, doer: Doer): Promise<void> {
  const { db } = getRuntime();
  await db.transaction(async (tx) => {
    if (!(await accounts.deleteInvite(tx, projectId, inviteId))) throw notFound("Invite", inviteId);
    await recordAudit(tx, doer, {
      action: "member.remove",
      projectId,
      target: { type: "invite", id: inviteId },
      reason: "invite cancelled",
    });
  });
}

/** A project keeps at least one admin: nobody can lock everyone out of its members and deletion. */
async function refuseLastAdmin(tx: Parameters<typeof accounts.countAdmins>[0], projectId: string) {
  if ((await accounts.countAdmins(tx, projectId)) <= 1)
    throw invalidState("A project needs at least one admin: make someone else admin first");
}

/** The link to send; `baseUrl` is PUBLIC_URL when set, else the address the admin reached fleetdeck at. */
export function inviteUrl(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/invite/${secret}`;
}

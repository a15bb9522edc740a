import type { ApiToken, Member, PendingInvite, User } from "@/lib/contract/auth";
import type * as accounts from "../repos/accounts";

export function toUser(row: accounts.UserRow): User {
  return { id: row.id, email: row.email, name: row.name, isAdmin: row.isAdmin, createdAt: row.createdAt.toISOString() };
}

export function toMember(row: { membership: accounts.MembershipRow; user: accounts.UserRow }): Member {
  return {
    user: { id: row.user.id, email: row.user.email, name: row.user.name },
    role: row.membership.role,
    createdAt: row.membership.createdAt.toISOString(),
  };
}

export function toInvite(row: accounts.InviteRow): PendingInvite {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

export function toToken(row: accounts.TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    projectIds: row.projectIds ?? null,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

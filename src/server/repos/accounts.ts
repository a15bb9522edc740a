import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { ProjectRole } from "@/lib/contract/auth";
import type { DbOrTx } from "../db/client";
import { apiTokens, batches, executions, invites, jobs, memberships, projects, sessions, users } from "../db/schema";
import { isUuid } from "./projects";

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type TokenRow = typeof apiTokens.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

// Users

export async function countUsers(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function findUser(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByOidcSubject(db: DbOrTx, subject: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.oidcSubject, subject));
  return row;
}

export async function insertUser(db: DbOrTx, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning();
  return row!;
}

export async function linkOidcSubject(db: DbOrTx, userId: string, subject: string): Promise<void> {
  await db.update(users).set({ oidcSubject: subject }).where(eq(users.id, userId));
}

// Sessions

export async function insertSession(db: DbOrTx, values: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  return row!;
}

/** The live session with this secret hash, and its user: one indexed read per request. */
export async function findLiveSession(
  db: DbOrTx,
  secretHash: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.secretHash, secretHash), gt(sessions.expiresAt, sql`now()`)));
  return row;
}

export async function deleteSession(db: DbOrTx, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

export async function deleteSessionsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export async function deleteExpiredSessions(db: DbOrTx): Promise<void> {
  await db.delete(sessions).where(sql`${sessions.expiresAt} <= now()`);
}

// API tokens

export async function insertToken(db: DbOrTx, values: typeof apiTokens.$inferInsert): Promise<TokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

/** A token that is neither revoked nor expired, and its user. */
export async function findLiveToken(
  db: DbOrTx,
  secretHash: string,
): Promise<{ token: TokenRow; user: UserRow } | undefined> {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.secretHash, secretHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    );
  return row;
}

/** Marks a use at most once a minute per token: a script's every request must not cost a write. */
export async function touchToken(db: DbOrTx, id: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.id, id),
        or(isNull(apiTokens.lastUsedAt), sql`${apiTokens.lastUsedAt} < now() - interval '1 minute'`),
      ),
    );
}

export async function listTokensOfUser(db: DbOrTx, userId: string): Promise<TokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

export async function findToken(db: DbOrTx, id: string): Promise<TokenRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export async function revokeToken(db: DbOrTx, id: string): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row;
}

// Invites

export async function insertInvite(db: DbOrTx, values: typeof invites.$inferInsert): Promise<InviteRow> {
  const [row] = await db.insert(invites).values(values).returning();
  return row!;
}

export async function findOpenInvite(db: DbOrTx, secretHash: string): Promise<InviteRow | undefined> {
  const [row] = await db
    .select()
    .from(invites)
    .where(and(eq(invites.secretHash, secretHash), isNull(invites.acceptedAt), gt(invites.expiresAt, sql`now()`)));
  return row;
}

/** Takes the invite for `userId`; false when someone else took it first (a link works once). */
export async function markInviteAccepted(db: DbOrTx, id: string, userId: string): Promise<boolean> {
  const rows = await db
    .update(invites)
    .set({ acceptedAt: sql`now()`, acceptedBy: userId })
    .where(and(eq(invites.id, id), isNull(invites.acceptedAt)))
    .returning({ id: invites.id });
  return rows.length === 1;
}

export async function listOpenInvites(db: DbOrTx, projectId: string): Promise<InviteRow[]> {
  return db
    .select()
    .from(invites)
    .where(and(eq(invites.projectId, projectId), isNull(invites.acceptedAt), gt(invites.expiresAt, sql`now()`)))
    .orderBy(desc(invites.createdAt));
}

export async function deleteInvite(db: DbOrTx, projectId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .delete(invites)
    .where(and(eq(invites.id, id), eq(invites.projectId, projectId), isNull(invites.acceptedAt)))
    .returning({ id: invites.id });
  return rows.length === 1;
}

/** Earlier first-admin links stop working when a new one is printed. */
export async function deleteOpenSiteAdminInvites(db: DbOrTx): Promise<void> {
  await db.delete(invites).where(and(eq(invites.siteAdmin, true), isNull(invites.acceptedAt)));
}

// Memberships

export async function findMembership(
  db: DbOrTx,
  projectId: string,
  userId: string,
): Promise<MembershipRow | undefined> {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)));
  return row;
}

export async function upsertMembership(
  db: DbOrTx,
  projectId: string,
  userId: string,
  role: ProjectRole,
): Promise<MembershipRow> {
  const [row] = await db
    .insert(memberships)
    .values({ projectId, userId, role })
    .onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role } })
    .returning();
  return row!;
}

export async function deleteMembership(db: DbOrTx, projectId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length === 1;
}

export async function listMembers(
  db: DbOrTx,
  projectId: string,
): Promise<{ membership: MembershipRow; user: UserRow }[]> {
  return db
    .select({ membership: memberships, user: users })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(memberships.createdAt);
}

export async function countAdmins(db: DbOrTx, projectId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.role, "admin")));
  return row?.n ?? 0;
}

/** The user's role on each project they belong to. */
export async function rolesOfUser(db: DbOrTx, userId: string): Promise<Map<string, ProjectRole>> {
  const rows = await db
    .select({ projectId: memberships.projectId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return new Map(rows.map((r) => [r.projectId, r.role]));
}

// The project a resource belongs to (what access is judged on); undefined when the resource does not exist.

export async function projectOfProject(db: DbOrTx, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, id));
  return row?.id;
}

export async function projectOfBatch(db: DbOrTx, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select({ id: batches.projectId }).from(batches).where(eq(batches.id, id));
  return row?.id;
}

export async function projectOfExecution(db: DbOrTx, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select({ id: batches.projectId })
    .from(executions)
    .innerJoin(batches, eq(batches.id, executions.batchId))
    .where(eq(executions.id, id));
  return row?.id;
}

export async function projectOfJob(db: DbOrTx, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select({ id: batches.projectId })
    .from(jobs)
    .innerJoin(executions, eq(executions.id, jobs.executionId))
    .innerJoin(batches, eq(batches.id, executions.batchId))
    .where(eq(jobs.id, id));
  return row?.id;
}

import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { AuditAction } from "@/lib/contract/auth";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = Omit<typeof auditLog.$inferInsert, "id" | "at">;

export async function insertAudit(db: DbOrTx, row: NewAuditRow): Promise<void> {
  await db.insert(auditLog).values(row);
}

export interface AuditFilter {
  projectId?: string;
  executionId?: string;
  action?: AuditAction;
  actorId?: string;
  /** Entries older than this id (newest first). */
  beforeId?: number;
}

export async function listAudit(db: DbOrTx, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (filter.projectId) where.push(eq(auditLog.projectId, filter.projectId));
  if (filter.executionId) where.push(eq(auditLog.executionId, filter.executionId));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.beforeId !== undefined) where.push(lt(auditLog.id, filter.beforeId));
  return db
    .select()
    .from(auditLog)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

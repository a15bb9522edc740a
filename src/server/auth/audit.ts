import type { Actor, AuditAction, AuditEntry } from "@/lib/contract/auth";
import type { DbOrTx } from "../db/client";
import { authOn } from "../env";
import { csvLine } from "../http/csv-out";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { type AuditFilter, type AuditRow, insertAudit, listAudit } from "../repos/audit";
import { getRuntime } from "../runtime";

/**
 * The audit trail (README "Teams"): who did what, from where, with the values before and after. Each entry is
 * written in the transaction of the change it records, so a change without its entry cannot commit.
 */

/** Who is acting on a request: the actor (null in local mode) and the client's address. */
export interface Doer {
  actor: Actor | null;
  address: string | null;
}

/** Work fleetdeck does on its own account, and calls from scripts inside the process (the demo seed, tests). */
export const NOBODY: Doer = Object.freeze({ actor: null, address: null });

/** In local mode there is one person, who signs in as nobody: the trail calls them the local user. */
const LOCAL_ACTOR = { type: "local", id: null, name: "Local user" } as const;
/** With accounts, work nobody signed in asked for (the demo seed) is fleetdeck's own. */
const SYSTEM_ACTOR = { type: "system", id: "fleetdeck", name: "fleetdeck" } as const;

export interface AuditRecord {
  action: AuditAction;
  projectId: string | null;
  executionId?: string | null;
  target: { type: string; id: string | null };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

export async function recordAudit(db: DbOrTx, doer: Doer, record: AuditRecord): Promise<void> {
  const actor = doer.actor ?? (authOn(getRuntime().env) ? SYSTEM_ACTOR : LOCAL_ACTOR);
  await insertAudit(db, {
    projectId: record.projectId,
    executionId: record.executionId ?? null,
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    address: doer.address,
    action: record.action,
    targetType: record.target.type,
    targetId: record.target.id,
    before: record.before ?? null,
    after: record.after ?? null,
    reason: record.reason ?? null,
  });
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    projectId: row.projectId,
    executionId: row.executionId,
    actor: { type: row.actorType as AuditEntry["actor"]["type"], id: row.actorId, name: row.actorName },
    address: row.address,
    action: row.action as AuditAction,
    target: { type: row.targetType, id: row.targetId },
    before: row.before,
    after: row.after,
    reason: row.reason,
  };
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/** A page of the trail, newest first; the cursor is the last entry's id. */
export async function auditTrail(
  db: DbOrTx,
  filter: Omit<AuditFilter, "beforeId">,
  limit: number,
  cursor?: string,
): Promise<AuditPage> {
  const beforeId = cursor === undefined ? undefined : Number(decodeCursor(cursor, { key: /^\d{1,18}$/ }).key);
  const rows = await listAudit(db, { ...filter, beforeId }, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map(toAuditEntry),
    nextCursor: rows.length > limit && last ? encodeCursor({ key: String(last.id) }) : null,
  };
}

const CSV_HEADER = [
  "at",
  "action",
  "actor_type",
  "actor_id",
  "actor",
  "address",
  "target_type",
  "target_id",
  "execution_id",
  "before",
  "after",
  "reason",
];

/** The whole filtered trail as CSV, read a page at a time. */
export async function* auditCsv(
  db: DbOrTx,
  filter: Omit<AuditFilter, "beforeId">,
  options: { addresses: boolean },
): AsyncGenerator<string> {
  yield csvLine(CSV_HEADER);
  let beforeId: number | undefined;
  for (;;) {
    const rows = await listAudit(db, { ...filter, beforeId }, 500);
    for (const r of rows) {
      yield csvLine([
        r.at.toISOString(),
        r.action,
        r.actorType,
        r.actorId,
        r.actorName,
        options.addresses ? r.address : null,
        r.targetType,
        r.targetId,
        r.executionId,
        r.before,
        r.after,
        r.reason,
      ]);
    }
    if (rows.length < 500) return;
    beforeId = rows.at(-1)!.id;
  }
}

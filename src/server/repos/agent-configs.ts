import { and, desc, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/contract/auth";
import type { DbOrTx } from "../db/client";
import { agentConfigs, batches } from "../db/schema";

export type AgentConfigRow = typeof agentConfigs.$inferSelect;

/**
 * Saves `config` as the batch's next version and makes it the batch's current config (`batches.agent`), in the
 * caller's transaction. The batch row is locked first, so two saves at once get consecutive versions.
 */
export async function saveNextVersion(
  tx: DbOrTx,
  batchId: string,
  config: Record<string, unknown>,
  createdBy: Actor | null,
): Promise<AgentConfigRow> {
  await tx.execute(sql`select 1 from ${batches} where ${batches.id} = ${batchId} for update`);
  const [latest] = await tx
    .select({ version: sql<number>`coalesce(max(${agentConfigs.version}), 0)::int` })
    .from(agentConfigs)
    .where(eq(agentConfigs.batchId, batchId));
  const [row] = await tx
    .insert(agentConfigs)
    .values({ batchId, version: (latest?.version ?? 0) + 1, config, createdBy })
    .returning();
  await tx.update(batches).set({ agent: config }).where(eq(batches.id, batchId));
  return row!;
}

export async function findVersion(db: DbOrTx, batchId: string, version: number): Promise<AgentConfigRow | undefined> {
  const [row] = await db
    .select()
    .from(agentConfigs)
    .where(and(eq(agentConfigs.batchId, batchId), eq(agentConfigs.version, version)));
  return row;
}

/** Newest first. */
export async function listVersions(db: DbOrTx, batchId: string): Promise<AgentConfigRow[]> {
  return db.select().from(agentConfigs).where(eq(agentConfigs.batchId, batchId)).orderBy(desc(agentConfigs.version));
}

export async function latestVersion(db: DbOrTx, batchId: string): Promise<number> {
  const [row] = await db
    .select({ version: sql<number>`coalesce(max(${agentConfigs.version}), 1)::int` })
    .from(agentConfigs)
    .where(eq(agentConfigs.batchId, batchId));
  return row?.version ?? 1;
}

/**
 * Locks the batch row (as saveNextVersion does) and reads its latest version, in the caller's transaction: a save that
 * must first compare with the latest holds the lock across the comparison and the save.
 */
export async function lockLatest(tx: DbOrTx, batchId: string): Promise<AgentConfigRow | undefined> {
  await tx.execute(sql`select 1 from ${batches} where ${batches.id} = ${batchId} for update`);
  const [row] = await tx
    .select()
    .from(agentConfigs)
    .where(eq(agentConfigs.batchId, batchId))
    .orderBy(desc(agentConfigs.version))
    .limit(1);
  return row;
}

import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Actor } from "@/lib/contract/auth";
import type { DbOrTx } from "../db/client";
import { agentConfigs, batches, batchInputs } from "../db/schema";
import { isUuid } from "./projects";

export type BatchRow = typeof batches.$inferSelect;
export type NewBatchRow = typeof batches.$inferInsert;
export type BatchInputRow = typeof batchInputs.$inferSelect;
export type NewBatchInput = Omit<typeof batchInputs.$inferInsert, "id" | "batchId">;

/** Inserts the batch and its agent config as version 1. */
export async function insertBatch(db: DbOrTx, values: NewBatchRow, createdBy: Actor | null): Promise<BatchRow> {
  const [row] = await db.insert(batches).values(values).returning();
  await db.insert(agentConfigs).values({ batchId: row!.id, version: 1, config: row!.agent, createdBy });
  return row!;
}

/** Writes what is only known once the whole file has been read. */
export async function completeBatch(
  db: DbOrTx,
  id: string,
  values: Pick<BatchRow, "columns" | "rowCount" | "invalidRows">,
): Promise<BatchRow> {
  const [row] = await db.update(batches).set(values).where(eq(batches.id, id)).returning();
  return row!;
}

/**
 * One INSERT per chunk, the rows passed as a single JSON parameter and expanded by jsonb_to_recordset:
 * one parameter instead of six per row is several times faster to bind, on PGlite above all.
 */
export async function insertInputs(db: DbOrTx, batchId: string, inputs: readonly NewBatchInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const rows = JSON.stringify(
    inputs.map((i) => ({
      row_index: i.rowIndex,
      input_id: i.inputId,
      site_url: i.siteUrl,
      goal: i.goal ?? null,
      data: i.data,
    })),
  );
  await db.execute(sql`
    insert into ${batchInputs} (batch_id, row_index, input_id, site_url, goal, data)
    select ${batchId}::uuid, r.row_index, r.input_id, r.site_url, r.goal, r.data
    from jsonb_to_recordset(${rows}::jsonb) as r(row_index integer, input_id text, site_url text, goal text, data jsonb)`);
}

export async function findBatch(db: DbOrTx, id: string): Promise<BatchRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(batches).where(eq(batches.id, id));
  return row;
}

/** Newest first; the id breaks ties between batches created in the same instant. */
export async function listBatches(db: DbOrTx, projectId: string): Promise<BatchRow[]> {
  return db
    .select()
    .from(batches)
    .where(eq(batches.projectId, projectId))
    .orderBy(desc(batches.createdAt), desc(batches.id));
}

/** Keyset page in input order: the rows after `afterRowIndex`, served by the (batch_id, row_index) index. */
export async function listInputs(
  db: DbOrTx,
  batchId: string,
  options: { afterRowIndex: number; limit: number },
): Promise<BatchInputRow[]> {
  return db
    .select()
    .from(batchInputs)
    .where(and(eq(batchInputs.batchId, batchId), gt(batchInputs.rowIndex, options.afterRowIndex)))
    .orderBy(asc(batchInputs.rowIndex))
    .limit(options.limit);
}

import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { rowsOf } from "../db/rows";
import { jobs } from "../db/schema";
import { isUuid } from "./projects";

/**
 * Which rows of a finished (parent) execution a re-run takes: the jobs that ended in one status, or the jobs named
 * by id, or by their input id. Id lists travel as one JSON parameter (a list of 100,000 would pass PostgreSQL's
 * 65,535 bind parameters as separate values).
 */
export type RowSelection =
  | { parentId: string; status: "failed" | "cancelled" }
  | { parentId: string; jobIds: string[] }
  | { parentId: string; inputIds: string[] };

const jsonList = (ids: string[]) => sql`jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)`;

/** Job ids that cannot be any job's (not a UUID) are left out of the query; they are unknown by definition. */
const wellFormed = (ids: string[]) => ids.map((id) => id.toLowerCase()).filter(isUuid);

/** A subquery of the batch_input ids of the parent's selected jobs. */
export function selectedInputIds(selection: RowSelection): SQL {
  const from = selection.parentId;
  if ("status" in selection) {
    return sql`select ${jobs.batchInputId} from ${jobs} where ${jobs.executionId} = ${from} and ${jobs.status} = ${selection.status}`;
  }
  if ("jobIds" in selection) {
    return sql`select ${jobs.batchInputId} from ${jobs}
      where ${jobs.executionId} = ${from} and ${jobs.id} in (select value::uuid from ${jsonList(wellFormed(selection.jobIds))})`;
  }
  return sql`select ${jobs.batchInputId} from ${jobs}
    where ${jobs.executionId} = ${from} and ${jobs.inputId} in (select value from ${jsonList(selection.inputIds)})`;
}

/** How many distinct input rows a selection takes. */
export async function countSelectedRows(db: DbOrTx, selection: RowSelection): Promise<number> {
  const result = await db.execute(
    sql`select count(distinct picked.batch_input_id)::int as n from (${selectedInputIds(selection)}) as picked`,
  );
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

/** The listed ids that name no job (or input id) of the parent: how many, and the first `sample` in list order. */
export async function unknownIds(
  db: DbOrTx,
  selection: RowSelection,
  sample: number,
): Promise<{ count: number; first: string[] }> {
  if ("status" in selection) return { count: 0, first: [] };
  const from = selection.parentId;
  const listed = "jobIds" in selection ? selection.jobIds : selection.inputIds;
  const matches = "jobIds" in selection ? sql`${jobs.id}::text = lower(wanted.id)` : sql`${jobs.inputId} = wanted.id`;
  const result = await db.execute(sql`
    select wanted.id, count(*) over ()::int as total
    from jsonb_array_elements_text(${JSON.stringify(listed)}::jsonb) with ordinality as wanted(id, n)
    where not exists (select 1 from ${jobs} where ${jobs.executionId} = ${from} and ${matches})
    order by wanted.n limit ${sample}`);
  const rows = rowsOf<{ id: string; total: number }>(result);
  return { count: Number(rows[0]?.total ?? 0), first: rows.map((r) => r.id) };
}

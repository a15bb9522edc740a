import type { CompareQuery, CompareResponse, CompareRow } from "@/lib/contract/compare";
import { projectOf, roleOn } from "../auth/access";
import type { Access } from "../auth/guard";
import { notFound, validationFailed } from "../errors";
import { decodeCursor, encodeCursor } from "../http/cursor";
import type { CompareFilter, ComparePair, CompareRowRecord } from "../repos/compare";
import * as compareRepo from "../repos/compare";
import { getRuntime } from "../runtime";
import { getExecutionRow } from "./service";

/**
 * Compares execution A (`:id`, already admitted by the route's guard) with B (`:otherId`): B must be one the caller
 * may see (else 404, as if it did not exist) and of the same batch (else 400). Answers a page of differing inputs in
 * input order and, on the first page, the counts over every input.
 */
export async function compareExecutions(
  access: Access,
  id: string,
  otherId: string,
  query: Pick<CompareQuery, "change" | "field" | "limit" | "cursor">,
): Promise<CompareResponse> {
  const pair = await comparablePair(access, id, otherId);
  const filter: CompareFilter = { change: query.change, field: query.field ?? null };
  const after = query.cursor === null ? -1 : Number(decodeCursor(query.cursor, { key: /^-?\d{1,10}$/ }).key);
  const { db } = getRuntime();
  const [counts, found] = await Promise.all([
    query.cursor === null ? compareRepo.compareCounts(db, pair) : null,
    firstRows(pair, filter, after, query.limit + 1),
  ]);
  const rows = found.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    a: pair.a,
    b: pair.b,
    counts,
    rows: rows.map(toCompareRow),
    nextCursor: found.length > query.limit && last ? encodeCursor({ key: String(last.rowIndex) }) : null,
  };
}

/** The two executions once the caller may see both and they ran the same batch. */
export async function comparablePair(access: Access, id: string, otherId: string): Promise<ComparePair> {
  const { db } = getRuntime();
  const otherProject = await projectOf(db, "execution", otherId);
  if (otherProject === undefined || (await roleOn(db, access.caller, otherProject)) === null)
    throw notFound("Execution", otherId);
  const [a, b] = await Promise.all([getExecutionRow(id), getExecutionRow(otherId)]);
  if (a.batchId !== b.batchId) {
    throw validationFailed(
      `otherId must be an execution of the same batch: execution ${otherId} ran batch ${b.batchId}, execution ${id} ran batch ${a.batchId}`,
      { field: "otherId" },
    );
  }
  return { a: a.id, b: b.id };
}

/** Rows walked per query at first; a stretch that yields too few doubles the next, up to MAX_WINDOW. */
const FIRST_WINDOW = 2_000;
const MAX_WINDOW = 64_000;

/**
 * Walks both executions' jobs in stretches of row indexes after `after`, each read through the (execution, row)
 * index, and yields the inputs that pass the filter in input order. A page of dense changes reads one short stretch;
 * sparse changes cost a walk over the rows, never a query per row nor a sort of the whole join.
 */
export async function* walkRows(
  pair: ComparePair,
  filter: CompareFilter,
  after: number,
  batchRows = 1_000,
): AsyncGenerator<CompareRowRecord[]> {
  const { db } = getRuntime();
  const last = await compareRepo.lastRowIndex(db, pair);
  let from = after;
  let window = FIRST_WINDOW;
  while (from < last) {
    const upTo = Math.min(last, from + window);
    const rows = await compareRepo.compareRows(db, pair, filter, { after: from, upTo }, batchRows);
    if (rows.length === batchRows) {
      // The stretch had more than asked: go on right after the last row handed out.
      from = rows.at(-1)!.rowIndex;
    } else {
      from = upTo;
      if (rows.length < batchRows / 2) window = Math.min(MAX_WINDOW, window * 2);
    }
    if (rows.length) yield rows;
  }
}

async function firstRows(
  pair: ComparePair,
  filter: CompareFilter,
  after: number,
  want: number,
): Promise<CompareRowRecord[]> {
  const found: CompareRowRecord[] = [];
  const walk = walkRows(pair, filter, after, want);
  for await (const rows of walk) {
    found.push(...rows.slice(0, want - found.length));
    if (found.length >= want) break;
  }
  await walk.return(undefined);
  return found;
}

export function toCompareRow(record: CompareRowRecord): CompareRow {
  return {
    ...record,
    presence: record.a && record.b ? "both" : record.a ? "onlyA" : "onlyB",
    statusChanged: record.a !== null && record.b !== null && record.a.status !== record.b.status,
  };
}

import { formatValue } from "@/lib/format";
import type { ResultRow, ResultStatus } from "../hooks/use-execution-results";

/** A results-table column that can be sorted: the fixed ones, or an extracted field as `field:<name>`. */
export type ResultColumnId = "page" | "status" | "duration" | "error" | `field:${string}`;
export type SortDirection = "asc" | "desc";
export interface ResultSort {
  column: ResultColumnId;
  direction: SortDirection;
}

export const fieldColumn = (name: string): ResultColumnId => `field:${name}`;

/** A header click: ascending, then descending, then back to unsorted (newest first). */
export function nextSort(current: ResultSort | null, column: ResultColumnId): ResultSort | null {
  if (current?.column !== column) return { column, direction: "asc" };
  return current.direction === "asc" ? { column, direction: "desc" } : null;
}

/**
 * "10", "-3.5", "$1,299.00", "12 €", "45%": text that is a number, with at most a short unit or currency on either
 * side, sorts as that number, like a number extracted as such ("$1,299.00" after "$90.99").
 */
const NUMBER_WITH_UNIT = /^[^\d\s.,-]{0,3}\s?(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s?[^\d\s.,]{0,3}$/;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

type SortKey = number | string | null;

function valueKey(value: unknown): SortKey {
  if (value == null) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  const text = formatValue(value).trim();
  if (text === "") return null;
  const number = NUMBER_WITH_UNIT.exec(text)?.[1];
  return number === undefined ? text : Number(number.replaceAll(",", ""));
}

function sortKey(row: ResultRow, column: ResultColumnId): SortKey {
  switch (column) {
    case "page":
      return row.siteUrl || row.inputId || null;
    case "status":
      return row.status;
    case "duration":
      return row.durationMs;
    case "error":
      return row.error || null;
    default:
      return valueKey(row.extractedData?.[column.slice("field:".length)]);
  }
}

/** Numbers before text; numbers numerically, text in the reader's collation with digits as numbers ("item 2" < "item 10"). */
function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return collator.compare(a, b);
}

interface Keyed {
  row: ResultRow;
  key: SortKey;
}

/** Rows that sort equal stay newest first (by completion time, then id), so the order never depends on arrival. */
function newestFirst(a: ResultRow, b: ResultRow): number {
  const at = a.completedAt ?? "";
  const bt = b.completedAt ?? "";
  if (at !== bt) return at < bt ? 1 : -1;
  return a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0;
}

/** Empty values last in either direction, then the column's order, then newest first. */
function comparator(sort: ResultSort): (a: Keyed, b: Keyed) => number {
  const sign = sort.direction === "asc" ? 1 : -1;
  return (a, b) => {
    if (a.key === null || b.key === null) {
      if (a.key !== b.key) return a.key === null ? 1 : -1;
      return newestFirst(a.row, b.row);
    }
    return sign * compareKeys(a.key, b.key) || newestFirst(a.row, b.row);
  };
}

/** A sorted copy of `rows`. Each key is computed once, not once per comparison. */
export function sortRows(rows: readonly ResultRow[], sort: ResultSort): ResultRow[] {
  const keyed: Keyed[] = rows.map((row) => ({ row, key: sortKey(row, sort.column) }));
  keyed.sort(comparator(sort));
  return keyed.map((k) => k.row);
}

/** Rows sorted one way, and what they were sorted from, so rows that arrive later can be slotted in. */
export interface SortedRows {
  sort: ResultSort;
  source: readonly ResultRow[];
  held: Set<string>;
  rows: ResultRow[];
}

/** Above this many new rows at once, one sort of everything is cheaper than slotting each in. */
const MAX_INSERTS = 256;

/**
 * `rows` (the store's array, which only grows while an execution is shown) in `sort` order. With the previous
 * result for the same array and sort, only the rows that arrived since are slotted in by binary search: a live
 * row costs O(log n) comparisons instead of a full sort of 10,000 rows. `previous` is used up: keep only the result.
 */
export function updateSortedRows(
  previous: SortedRows | null,
  rows: readonly ResultRow[],
  sort: ResultSort,
): SortedRows {
  const reusable =
    previous !== null &&
    previous.source === rows &&
    previous.sort.column === sort.column &&
    previous.sort.direction === sort.direction &&
    rows.length >= previous.held.size;
  if (!reusable) return { sort, source: rows, held: new Set(rows.map((r) => r.jobId)), rows: sortRows(rows, sort) };
  if (rows.length === previous.held.size) return previous;
  const added = rows.filter((r) => !previous.held.has(r.jobId));
  if (added.length > MAX_INSERTS) return updateSortedRows(null, rows, sort);
  const compare = comparator(sort);
  const out = previous.rows.slice();
  // The previous result is replaced by this one, so its set of held ids is taken over rather than copied.
  const held = previous.held;
  for (const row of added) {
    const item = { row, key: sortKey(row, sort.column) };
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare({ row: out[mid]!, key: sortKey(out[mid]!, sort.column) }, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, row);
    held.add(row.jobId);
  }
  return { sort, source: rows, held, rows: out };
}

/** What a search looks for: trimmed and lower-cased; empty means "no search". */
export const searchNeedle = (query: string): string => query.trim().toLowerCase();

// Rows are immutable once held, so each row's searchable text is built once, not on every keystroke.
const haystacks = new WeakMap<ResultRow, string>();

function haystackOf(row: ResultRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    const parts = [row.siteUrl, row.inputId, row.error];
    if (row.extractedData && typeof row.extractedData === "object") {
      for (const value of Object.values(row.extractedData)) parts.push(formatValue(value));
    }
    text = parts.filter(Boolean).join("\n").toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

/** Whether a row's URL, input id, error or any extracted value contains `needle` (from `searchNeedle`). */
export const rowMatches = (row: ResultRow, needle: string): boolean => haystackOf(row).includes(needle);

/**
 * The rows a status filter and a search let through, in the order given; with `reversed`, from the last to the
 * first (the store holds rows oldest first and the table shows them newest first).
 */
export function filterRows(
  rows: readonly ResultRow[],
  { status, needle }: { status: ResultStatus | "all"; needle: string },
  { reversed = false }: { reversed?: boolean } = {},
): ResultRow[] {
  const out: ResultRow[] = [];
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    const row = rows[reversed ? n - 1 - i : i]!;
    if (status !== "all" && row.status !== status) continue;
    if (needle && !rowMatches(row, needle)) continue;
    out.push(row);
  }
  return out;
}

/**
 * A long URL shown whole at both ends: "example.com/products/…/oak-desk-lamp". The head is cut by CSS where the
 * cell ends; the tail (the part that tells pages apart) always shows. Short text is not split.
 */
export function splitForMiddleEllipsis(text: string, tailLength = 16): { head: string; tail: string } {
  if (text.length <= tailLength * 2) return { head: text, tail: "" };
  return { head: text.slice(0, -tailLength), tail: text.slice(-tailLength) };
}

/** A URL without its scheme, for a narrow cell; the full URL goes in the title. */
export const displayUrl = (url: string): string => url.replace(/^https?:\/\//i, "");

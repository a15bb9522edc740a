"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { Inbox, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { memo, type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/skeleton";
import { formatJobDuration, formatValue, plural, shortId } from "@/lib/format";
import { useDebouncedValue } from "../hooks/use-debounced-value";
import type { ResultRow, ResultStatus } from "../hooks/use-execution-results";
import {
  fieldColumn,
  filterRows,
  nextSort,
  type ResultColumnId,
  type ResultSort,
  type SortedRows,
  searchNeedle,
  updateSortedRows,
} from "../lib/result-rows";
import { SortableTh, UrlLine } from "./result-cells";
import { jobStatusLabel, jobStatusTone } from "./status-labels";

const ROW_HEIGHT = 44;
const MAX_FIELD_COLUMNS = 6;
const SEARCH_DEBOUNCE_MS = 150;

type Filter = "all" | ResultStatus;

const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * Finished jobs, newest on top, with their extracted fields as columns; sorted by any column, filtered by status
 * and by a search across URL, input id, error and extracted values. Only the rows in view are in the page
 * (virtualised), so 10,000 rows scroll as smoothly as 10. A row opens its job.
 *
 * `rows` is oldest first and may be the same array mutated in place; `version` says it changed.
 */
export const ResultsTable = memo(function ResultsTable({
  rows,
  version,
  counts,
  fields,
  jobHref,
  statuses,
  loading,
  error,
  label = "Results",
  height = "max-h-[32rem]",
  selection,
}: {
  rows: readonly ResultRow[];
  version: number;
  counts: Record<ResultStatus, number>;
  fields: readonly string[];
  jobHref: (jobId: string) => string;
  statuses: readonly ResultStatus[];
  loading?: boolean;
  error?: string | null;
  label?: string;
  height?: string;
  /** Rows picked by job id: a checkbox per row and "select all matching the filter"; `actions` act on them. */
  selection?: { selected: ReadonlySet<string>; onChange: (next: Set<string>) => void; actions?: ReactNode };
}) {
  const router = useRouter();
  const [filter, setFilter] = useState<Filter>("all");
  const [query, setQuery] = useState("");
  const needle = searchNeedle(useDebouncedValue(query, SEARCH_DEBOUNCE_MS));
  const [sort, setSort] = useState<ResultSort | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Sorted when the sort changes; rows that arrive later are slotted in (not a new sort per live row, nor per
  // keystroke). Unsorted, rows are read newest first in place.
  const sortedRef = useRef<SortedRows | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rows` may be the same array mutated in place: `version` is the change signal
  const sorted = useMemo(() => {
    sortedRef.current = sort ? updateSortedRows(sortedRef.current, rows, sort) : null;
    return sortedRef.current?.rows ?? null;
  }, [rows, version, sort]);
  // With no filter, no search and no sort the rows are read in place (no copy per update at 10,000 rows).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rows` may be the same array mutated in place: `version` is the change signal
  const shown = useMemo(() => {
    if (filter === "all" && !needle) return sorted;
    return sorted
      ? filterRows(sorted, { status: filter, needle })
      : filterRows(rows, { status: filter, needle }, { reversed: true });
  }, [rows, version, sorted, filter, needle]);
  const count = shown ? shown.length : rows.length;
  const narrowed = filter !== "all" || needle !== "";
  const rowAt = (i: number) => (shown ? shown[i]! : rows[rows.length - 1 - i]!);

  const columns = fields.slice(0, MAX_FIELD_COLUMNS);
  const onSort = (column: ResultColumnId) => setSort((current) => nextSort(current, column));

  const virtualizer = useVirtualizer({
    count: count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // New rows arrive on top of the unsorted list: when the reader has scrolled down, keep what they are reading in
  // place. A new filter, search or sort starts again from the top.
  const view = `${filter}\n${needle}\n${sort ? `${sort.column} ${sort.direction}` : ""}`;
  const previousCount = useRef(count);
  const previousView = useRef(view);
  useIsomorphicLayoutEffect(() => {
    const el = scrollRef.current;
    const added = count - previousCount.current;
    if (el && previousView.current !== view) el.scrollTop = 0;
    else if (el && added > 0 && !sort && el.scrollTop > 0) el.scrollTop += added * ROW_HEIGHT;
    previousCount.current = count;
    previousView.current = view;
  }, [count, view, sort]);

  const items = virtualizer.getVirtualItems();
  const totalSize = virtualizer.getTotalSize();
  const padTop = items.length ? items[0]!.start : 0;
  const padBottom = items.length ? totalSize - items[items.length - 1]!.end : 0;
  const colCount = 4 + columns.length + (selection ? 1 : 0);

  const filters: { value: Filter; label: string; count: number }[] = [
    { value: "all", label: "All", count: rows.length },
    ...statuses.map((s) => ({ value: s as Filter, label: jobStatusLabel[s], count: counts[s] })),
  ];
  const sortedBy = sort
    ? `sorted by ${sortLabel(sort.column)}, ${sort.direction === "asc" ? "ascending" : "descending"}`
    : "newest first";

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <div
          role="group"
          aria-label="Filter results by status"
          className="inline-flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1"
        >
          {filters.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
              className={cn(
                "rounded-md px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600",
                filter === f.value ? "bg-white text-slate-900 shadow-sm" : "text-slate-700 hover:text-slate-900",
              )}
            >
              {f.label} <span className="tabular-nums text-slate-600">{f.count}</span>
            </button>
          ))}
        </div>
        <label className="relative flex min-w-[12rem] max-w-xs flex-1 items-center">
          <span className="sr-only">Search {label.toLowerCase()}</span>
          <Search className="pointer-events-none absolute left-2.5 h-4 w-4 text-slate-500" aria-hidden="true" />
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search URL, id, error, fields"
            className="w-full rounded-md border border-slate-300 bg-white py-1.5 pl-8 pr-2 text-sm text-slate-900 placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600"
          />
        </label>
        <p className="ml-auto text-sm text-slate-600" aria-live="polite" data-testid="results-count" data-count={count}>
          {narrowed ? `${count.toLocaleString("en-US")} of ${plural(rows.length, "row")}` : plural(rows.length, "row")}
          {filter !== "all" ? ` (${jobStatusLabel[filter]})` : ""}
        </p>
      </div>

      {selection && (
        <SelectionBar
          selection={selection}
          matching={() => (shown ?? rows).map((r) => r.jobId)}
          matchingCount={count}
          narrowedBy={
            [filter === "all" ? null : jobStatusLabel[filter], needle ? needle : null]
              .filter((part) => part !== null)
              .map((part) => `“${part}”`)
              .join(" and ") || null
          }
        />
      )}

      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}

      {loading && rows.length === 0 ? (
        <LoadingBlock label="Loading results…" lines={3} />
      ) : count === 0 ? (
        <EmptyState icon={Inbox} title={rows.length === 0 ? "No results yet" : "No result matches this filter"}>
          {rows.length === 0
            ? "Finished jobs appear here as they complete."
            : needle
              ? "Change the search or choose another status to see more jobs."
              : "Choose another status to see its jobs."}
        </EmptyState>
      ) : (
        <div
          ref={scrollRef}
          role="region"
          aria-label={label}
          tabIndex={0}
          data-testid="results-scroll"
          className={cn(
            "overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
            height,
          )}
        >
          {/* Fixed layout: the fixed columns keep their widths and the extracted fields share the rest, so the
              table fits its container (no sideways scrolling at 1280 px); long text is cut, whole on hover. */}
          <table
            className="w-full table-fixed border-collapse text-left text-sm"
            aria-rowcount={count + 1}
            data-testid="results-table"
          >
            <caption className="sr-only">
              {label}: finished jobs, {sortedBy}. Open an input to see its job.
            </caption>
            <colgroup>
              {selection && <col className="w-10" />}
              <col className="w-56" />
              <col className="w-28" />
              {columns.map((c) => (
                <col key={c} />
              ))}
              <col className="w-32" />
              <col className={columns.length ? "w-44" : undefined} />
            </colgroup>
            <thead className="sticky top-0 z-10 bg-slate-50 shadow-[0_1px_0_0_var(--color-slate-200)]">
              <tr aria-rowindex={1}>
                {selection && (
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Selected</span>
                  </th>
                )}
                <SortableTh column="page" label="Page" sort={sort} onSort={onSort} />
                <SortableTh column="status" label="Status" sort={sort} onSort={onSort} />
                {columns.map((c) => (
                  <SortableTh key={c} column={fieldColumn(c)} label={c} sort={sort} onSort={onSort} />
                ))}
                <SortableTh column="duration" label="Duration" sort={sort} onSort={onSort} className="text-right" />
                <SortableTh column="error" label="Error" sort={sort} onSort={onSort} />
              </tr>
            </thead>
            <tbody>
              {padTop > 0 && (
                // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row of the virtual list, never focusable
                <tr aria-hidden="true">
                  <td colSpan={colCount} style={{ height: padTop, padding: 0 }} />
                </tr>
              )}
              {items.map((item) => {
                const row = rowAt(item.index);
                const href = jobHref(row.jobId);
                return (
                  <tr
                    key={row.jobId}
                    aria-rowindex={item.index + 2}
                    data-testid="result-row"
                    data-job-id={row.jobId}
                    data-status={row.status}
                    style={{ height: ROW_HEIGHT }}
                    className="cursor-pointer border-b border-slate-100 hover:bg-slate-50 [&>td]:align-middle"
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest("a, input, label")) return;
                      router.push(href);
                    }}
                  >
                    {selection && (
                      <td className="px-3">
                        <input
                          type="checkbox"
                          className="h-4 w-4 rounded border-slate-300 accent-indigo-600"
                          aria-label={`Select ${row.inputId ?? row.jobId}`}
                          checked={selection.selected.has(row.jobId)}
                          onChange={(e) => {
                            const next = new Set(selection.selected);
                            if (e.target.checked) next.add(row.jobId);
                            else next.delete(row.jobId);
                            selection.onChange(next);
                          }}
                        />
                      </td>
                    )}
                    <td className="px-3 font-mono text-xs leading-4">
                      <Link
                        href={href}
                        prefetch={false}
                        className="block truncate text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                      >
                        {row.inputId ?? shortId(row.jobId)}
                      </Link>
                      {row.siteUrl && <UrlLine url={row.siteUrl} />}
                    </td>
                    <td className="px-3">
                      <Badge tone={jobStatusTone[row.status]}>{jobStatusLabel[row.status]}</Badge>
                    </td>
                    {columns.map((c) => {
                      const text = formatValue(row.extractedData?.[c]);
                      return (
                        <td
                          key={c}
                          className="truncate px-3 text-slate-800"
                          title={text.length > 12 ? text.slice(0, 2000) : undefined}
                        >
                          {text}
                        </td>
                      );
                    })}
                    <td className="px-3 text-right tabular-nums text-slate-700">{formatJobDuration(row.durationMs)}</td>
                    <td className="px-3 text-xs leading-4 text-red-700" title={row.error ?? undefined}>
                      <span className="line-clamp-2 break-words">{row.error ?? ""}</span>
                    </td>
                  </tr>
                );
              })}
              {padBottom > 0 && (
                // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row of the virtual list, never focusable
                <tr aria-hidden="true">
                  <td colSpan={colCount} style={{ height: padBottom, padding: 0 }} />
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
});

/** A sortable column's name in words, for the table's caption. */
function sortLabel(column: ResultColumnId): string {
  return column.startsWith("field:") ? column.slice("field:".length) : column;
}

/** How many rows are picked, with "select all matching the filter", "clear" and what to do with them. */
function SelectionBar({
  selection,
  matching,
  matchingCount,
  narrowedBy,
}: {
  selection: NonNullable<Parameters<typeof ResultsTable>[0]["selection"]>;
  matching: () => string[];
  matchingCount: number;
  /** What the rows are narrowed by, in words ("“Failed” and “oak”"); null when only "the filter". */
  narrowedBy: string | null;
}) {
  const { selected, onChange, actions } = selection;
  const linkButton =
    "text-sm font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:text-slate-400 disabled:no-underline";
  return (
    <div
      data-testid="selection-bar"
      className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-slate-200 bg-slate-50 px-3 py-2"
    >
      <span className="text-sm text-slate-700" aria-live="polite" data-testid="selected-count">
        {selected.size.toLocaleString("en-US")} selected
      </span>
      <button
        type="button"
        className={linkButton}
        disabled={matchingCount === 0}
        onClick={() => onChange(new Set([...selected, ...matching()]))}
      >
        Select all {matchingCount.toLocaleString("en-US")} matching {narrowedBy ?? "the filter"}
      </button>
      <button type="button" className={linkButton} disabled={selected.size === 0} onClick={() => onChange(new Set())}>
        Clear
      </button>
      {actions && <span className="ml-auto flex gap-2">{actions}</span>}
    </div>
  );
}

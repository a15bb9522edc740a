"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { Inbox } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { memo, type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/skeleton";
import { formatJobDuration, formatValue } from "@/lib/format";
import type { ResultRow, ResultStatus } from "../hooks/use-execution-results";
import { jobStatusLabel, jobStatusTone } from "./status-labels";

const ROW_HEIGHT = 44;
const MAX_FIELD_COLUMNS = 6;

type Filter = "all" | ResultStatus;

const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * Finished jobs, newest on top, with their extracted fields as columns. Only the rows in view are in the
 * page (virtualised), so 10,000 rows scroll as smoothly as 10. A row opens its job.
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
  const scrollRef = useRef<HTMLDivElement>(null);

  // Newest first. With no filter the rows are read in place (no copy per update at 10,000 rows).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rows` may be the same array mutated in place: `version` is the change signal
  const filtered = useMemo(() => {
    if (filter === "all") return null;
    const out: ResultRow[] = [];
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.status === filter) out.push(rows[i]!);
    return out;
  }, [rows, version, filter]);
  const count = filtered ? filtered.length : rows.length;
  const rowAt = (i: number) => (filtered ? filtered[i]! : rows[rows.length - 1 - i]!);

  const columns = fields.slice(0, MAX_FIELD_COLUMNS);

  const virtualizer = useVirtualizer({
    count: count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // New rows arrive on top: when the reader has scrolled down, keep what they are reading in place.
  const previousCount = useRef(count);
  const previousFilter = useRef(filter);
  useIsomorphicLayoutEffect(() => {
    const el = scrollRef.current;
    const added = count - previousCount.current;
    if (el && added > 0 && previousFilter.current === filter && el.scrollTop > 0) el.scrollTop += added * ROW_HEIGHT;
    previousCount.current = count;
    previousFilter.current = filter;
  }, [count, filter]);

  const items = virtualizer.getVirtualItems();
  const totalSize = virtualizer.getTotalSize();
  const padTop = items.length ? items[0]!.start : 0;
  const padBottom = items.length ? totalSize - items[items.length - 1]!.end : 0;
  const colCount = 4 + columns.length + (selection ? 1 : 0);

  const filters: { value: Filter; label: string; count: number }[] = [
    { value: "all", label: "All", count: rows.length },
    ...statuses.map((s) => ({ value: s as Filter, label: jobStatusLabel[s], count: counts[s] })),
  ];

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
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
        <p className="text-sm text-slate-600" aria-live="polite" data-testid="results-count" data-count={count}>
          {count} {count === 1 ? "result" : "results"}
          {filter !== "all" ? ` (${jobStatusLabel[filter]})` : ""}
        </p>
      </div>

      {selection && (
        <SelectionBar
          selection={selection}
          matching={() => (filtered ?? rows).map((r) => r.jobId)}
          matchingCount={count}
          filterLabel={filter === "all" ? null : jobStatusLabel[filter]}
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
          {rows.length === 0 ? "Finished jobs appear here as they complete." : "Choose another status to see its jobs."}
        </EmptyState>
      ) : (
        <div
          ref={scrollRef}
          role="region"
          aria-label={label}
          tabIndex={0}
          className={cn(
            "overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
            height,
          )}
        >
          <table
            className="w-full table-fixed border-collapse text-left text-sm"
            style={{ minWidth: `${(columns.length ? 36 : 32) + columns.length * 10 + (selection ? 2.5 : 0)}rem` }}
            aria-rowcount={count + 1}
            data-testid="results-table"
          >
            <caption className="sr-only">{label}: finished jobs, newest first. Open an input to see its job.</caption>
            <colgroup>
              {selection && <col className="w-10" />}
              <col className="w-32" />
              <col className="w-28" />
              {columns.map((c) => (
                <col key={c} />
              ))}
              <col className="w-28" />
              <col className={columns.length ? "w-56" : undefined} />
            </colgroup>
            <thead className="sticky top-0 z-10 bg-slate-50 shadow-[0_1px_0_0_var(--color-slate-200)]">
              <tr aria-rowindex={1}>
                {selection && (
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Selected</span>
                  </th>
                )}
                <Th>Input</Th>
                <Th>Status</Th>
                {columns.map((c) => (
                  <Th key={c}>{c}</Th>
                ))}
                <Th className="text-right">Duration</Th>
                <Th>Error</Th>
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
                    <td className="truncate px-3 font-mono text-xs">
                      <Link
                        href={href}
                        prefetch={false}
                        className="text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                        title={row.siteUrl ?? undefined}
                      >
                        {row.inputId ?? "—"}
                      </Link>
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
                          title={text.length > 30 ? text.slice(0, 2000) : undefined}
                        >
                          {text}
                        </td>
                      );
                    })}
                    <td className="px-3 text-right tabular-nums text-slate-700">{formatJobDuration(row.durationMs)}</td>
                    <td className="truncate px-3 text-red-700" title={row.error ?? undefined}>
                      {row.error ?? ""}
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

/** How many rows are picked, with "select all matching the filter", "clear" and what to do with them. */
function SelectionBar({
  selection,
  matching,
  matchingCount,
  filterLabel,
}: {
  selection: NonNullable<Parameters<typeof ResultsTable>[0]["selection"]>;
  matching: () => string[];
  matchingCount: number;
  filterLabel: string | null;
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
        Select all {matchingCount.toLocaleString("en-US")} matching {filterLabel ? `“${filterLabel}”` : "the filter"}
      </button>
      <button type="button" className={linkButton} disabled={selected.size === 0} onClick={() => onChange(new Set())}>
        Clear
      </button>
      {actions && <span className="ml-auto flex gap-2">{actions}</span>}
    </div>
  );
}

function Th({ className, children }: { className?: string; children: React.ReactNode }) {
  return (
    <th
      scope="col"
      className={cn("truncate px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600", className)}
    >
      {children}
    </th>
  );
}

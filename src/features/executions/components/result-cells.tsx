"use client";

import { ArrowDown, ArrowUp, ArrowUpDown, ExternalLink } from "lucide-react";
import { cn } from "@/components/ui/cn";
import { displayUrl, type ResultColumnId, type ResultSort, splitForMiddleEllipsis } from "../lib/result-rows";

/** A column header that sorts on click (ascending, descending, off) and says how it sorts to assistive tech. */
export function SortableTh({
  column,
  label,
  sort,
  onSort,
  className,
}: {
  column: ResultColumnId;
  label: string;
  sort: ResultSort | null;
  onSort: (column: ResultColumnId) => void;
  className?: string;
}) {
  const direction = sort?.column === column ? sort.direction : null;
  const Icon = direction === "asc" ? ArrowUp : direction === "desc" ? ArrowDown : ArrowUpDown;
  return (
    <th
      scope="col"
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : undefined}
      className={cn("px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600", className)}
    >
      <button
        type="button"
        onClick={() => onSort(column)}
        title={label}
        className={cn(
          "inline-flex max-w-full items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600",
          direction && "text-slate-900",
        )}
      >
        <span className="truncate">{label}</span>
        <Icon className={cn("h-3.5 w-3.5 shrink-0", !direction && "opacity-40")} aria-hidden="true" />
      </button>
    </th>
  );
}

/** A page URL in one line, cut in the middle so both the site and the end of the path show; full URL on hover. */
export function UrlLine({ url }: { url: string }) {
  const { head, tail } = splitForMiddleEllipsis(displayUrl(url));
  return (
    <span className="flex min-w-0 items-center gap-1 text-slate-600" title={url}>
      <span className="flex min-w-0">
        <span className="truncate">{head}</span>
        {tail && <span className="shrink-0 whitespace-pre">{tail}</span>}
      </span>
      <a
        href={url}
        target="_blank"
        rel="noopener noreferrer"
        aria-label={`Open ${url} in a new tab`}
        className="shrink-0 rounded text-slate-500 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <ExternalLink className="h-3.5 w-3.5" aria-hidden="true" />
      </a>
    </span>
  );
}

"use client";

import { useCallback, useEffect, useState } from "react";
import { type CompareFilterQuery, compareExecutions } from "@/lib/client/endpoints";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { CompareChange, CompareCounts, CompareRow } from "@/lib/contract/compare";

const PAGE_SIZE = 50;

export interface Comparison {
  filter: { change: CompareChange; field: string | null };
  setChange: (change: CompareChange) => void;
  setField: (field: string | null) => void;
  /** Over every input whatever the filter: from the first page, kept while paging. */
  counts: CompareCounts | null;
  rows: CompareRow[];
  loading: boolean;
  error: string | null;
  /** 1-based. */
  page: number;
  hasNext: boolean;
  next: () => void;
  previous: () => void;
}

/** One page of a comparison at a time: the filter, the cursors walked so far (for "Previous"), and the counts. */
export function useComparison(executionId: string, otherId: string): Comparison {
  const [filter, setFilter] = useState<{ change: CompareChange; field: string | null }>({ change: "any", field: null });
  // The cursors of the pages before the current one; the current page's cursor is the last (null: the first page).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [counts, setCounts] = useState<CompareCounts | null>(null);
  const cursor = cursors.at(-1) ?? null;
  const query: CompareFilterQuery & { limit: number; cursor?: string } = {
    change: filter.change,
    field: filter.field,
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
  const resource = useApiResource(JSON.stringify([executionId, otherId, query]), () =>
    compareExecutions(executionId, otherId, query),
  );
  const answered = resource.data?.counts ?? null;
  useEffect(() => {
    if (answered) setCounts(answered);
  }, [answered]);

  const refilter = useCallback((change: Partial<{ change: CompareChange; field: string | null }>) => {
    setFilter((f) => ({ ...f, ...change }));
    setCursors([null]);
  }, []);
  const nextCursor = resource.data?.nextCursor ?? null;
  return {
    filter,
    setChange: (change) => refilter({ change }),
    setField: (field) => refilter({ field }),
    counts,
    rows: resource.data?.rows ?? [],
    loading: resource.loading,
    error: resource.error?.message ?? null,
    page: cursors.length,
    hasNext: nextCursor !== null,
    next: () => nextCursor && setCursors((c) => [...c, nextCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { listJobs } from "@/lib/client/endpoints";
import type { Job, JobStatus } from "@/lib/contract/resources";

export type ResultStatus = Extract<JobStatus, "completed" | "failed" | "cancelled">;

/** One finished job as the results table shows it. */
export interface ResultRow {
  jobId: string;
  inputId: string | null;
  siteUrl: string | null;
  status: ResultStatus;
  durationMs: number | null;
  error: string | null;
  extractedData: Record<string, unknown> | null;
  completedAt: string | null;
}

export function rowFromJob(job: Job): ResultRow {
  return {
    jobId: job.id,
    inputId: job.inputId,
    siteUrl: job.siteUrl,
    status: job.status as ResultStatus,
    durationMs: job.executionDurationMs,
    error: job.errorMessage,
    extractedData: job.extractedData,
    completedAt: job.completedAt,
  };
}

interface Store {
  byId: Map<string, ResultRow>;
  /** Oldest first; rendered newest first. Appending keeps streaming O(1) per row at 10,000 rows. */
  order: ResultRow[];
  fields: string[];
  fieldSet: Set<string>;
  counts: Record<ResultStatus, number>;
}

const PAGE = 1000;
/** How often we compare what we hold with what the execution reports; a gap seen twice in a row is fetched. */
const CATCH_UP_MS = 2000;

function newStore(): Store {
  return {
    byId: new Map(),
    order: [],
    fields: [],
    fieldSet: new Set(),
    counts: { completed: 0, failed: 0, cancelled: 0 },
  };
}

function add(store: Store, row: ResultRow) {
  store.byId.set(row.jobId, row);
  store.order.push(row);
  store.counts[row.status]++;
  if (!row.extractedData || typeof row.extractedData !== "object") return;
  for (const key of Object.keys(row.extractedData)) {
    if (!store.fieldSet.has(key)) {
      store.fieldSet.add(key);
      store.fields.push(key);
    }
  }
}

const byCompletedAt = (a: ResultRow, b: ResultRow) => (a.completedAt ?? "").localeCompare(b.completedAt ?? "");

/**
 * Every finished job of an execution: the server's list (paged through once, and again whenever the live
 * stream is seen to have missed some) merged with the jobs that finish live. The live list may be bounded
 * (the stream keeps the newest few hundred); this store is not, so the table holds every row.
 *
 * `expected` is how many finished jobs (of `statuses`) the execution reports; when we hold fewer for longer
 * than a live event takes to arrive, the list is fetched again and merged, so no row stays missing.
 */
export function useExecutionResults(
  executionId: string,
  { live, expected, statuses }: { live: readonly ResultRow[]; expected: number; statuses: readonly ResultStatus[] },
) {
  const store = useRef<Store>(newStore());
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const fetching = useRef<Promise<void> | null>(null);
  const statusKey = statuses.join(",");
  const bump = useCallback(() => setVersion((v) => v + 1), []);

  /** Pages through the finished jobs, newest first; with `until`, stops once we hold that many. */
  // biome-ignore lint/correctness/useExhaustiveDependencies: `statusKey` stands for `statuses`, which callers may rebuild each render
  const fetchAll = useCallback(
    (until?: number): Promise<void> => {
      if (fetching.current) return fetching.current;
      const run = (async () => {
        try {
          let cursor: string | null = null;
          do {
            const page = await listJobs(executionId, { statuses, limit: PAGE, cursor });
            const s = store.current;
            let added = false;
            for (const job of page.jobs) {
              if (s.byId.has(job.id) || !statuses.includes(job.status as ResultStatus)) continue;
              const row = rowFromJob(job);
              add(s, row);
              added = true;
            }
            if (added) {
              s.order.sort(byCompletedAt);
              bump();
            }
            cursor = page.nextCursor;
            if (until !== undefined && s.byId.size >= until) break;
          } while (cursor);
          setError(null);
        } catch (e) {
          setError(e instanceof ApiError ? e.message : "Could not load the results.");
        } finally {
          fetching.current = null;
          setLoading(false);
        }
      })();
      fetching.current = run;
      return run;
    },
    [executionId, statusKey, bump],
  );

  // First load, and a fresh store when the execution changes.
  useEffect(() => {
    store.current = newStore();
    setLoading(true);
    bump();
    void fetchAll();
  }, [fetchAll, bump]);

  // Live rows: add the ones we do not hold yet, oldest first so the newest ends on top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `statusKey` stands for `statuses`, which callers may rebuild each render
  useEffect(() => {
    const s = store.current;
    let added = 0;
    for (let i = live.length - 1; i >= 0; i--) {
      const row = live[i]!;
      if (s.byId.has(row.jobId) || !statuses.includes(row.status)) continue;
      add(s, row);
      added++;
    }
    if (added) bump();
  }, [live, statusKey, bump]);

  // Catch-up: rows the execution says are finished but that never reached us (a dropped socket, a burst larger
  // than the live list keeps, cancelled jobs that have no live row).
  // Checked on a timer rather than on every change, so a steady stream does not postpone it forever. A gap must
  // be seen on two checks in a row (a live event is never that late), and the fetch stops as soon as it is filled
  // (the server lists newest first, where the missed rows usually are). A fetch that cannot close the gap (the
  // server counts rows we are not asked to show) backs off up to 30 s.
  const expectedRef = useRef(expected);
  expectedRef.current = expected;
  useEffect(() => {
    if (loading) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    let wait = CATCH_UP_MS;
    let wanted = expectedRef.current;
    let strikes = 0;
    const check = async () => {
      if (cancelled) return;
      strikes = store.current.byId.size < wanted ? strikes + 1 : 0;
      if (strikes >= 2) {
        strikes = 0;
        await fetchAll(expectedRef.current);
        wait = store.current.byId.size < wanted ? Math.min(wait * 2, 30_000) : CATCH_UP_MS;
      }
      wanted = expectedRef.current;
      if (!cancelled) timer = setTimeout(check, wait);
    };
    timer = setTimeout(check, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [loading, fetchAll]);

  const reload = useCallback(() => fetchAll(), [fetchAll]);

  return {
    /** Oldest first; read with `version` as the change signal. */
    rows: store.current.order,
    fields: store.current.fields,
    counts: store.current.counts,
    version,
    loading,
    error,
    reload,
  };
}

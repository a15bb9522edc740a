"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError } from "@/lib/client/api";
import type { AuditFilter, AuditPage, AuditQuery } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import type { AuditActor, AuditEntry } from "@/lib/contract/auth";

export const AUDIT_PAGE_SIZE = 50;

interface TrailState {
  /** Which source and filter these entries belong to. */
  key: string;
  entries: AuditEntry[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | null;
}

/**
 * A trail newest first, a page at a time: the first page for the source and filter, then "Load more" follows
 * `nextCursor`. A new filter starts again; an answer for an older filter or page is dropped.
 */
export function useAuditTrail(
  source: string | null,
  load: (query: AuditQuery) => Promise<AuditPage>,
  filter: AuditFilter,
) {
  const key = source === null ? null : `${source}|${filter.action ?? ""}|${filter.actor ?? ""}`;
  const [state, setState] = useState<TrailState>({
    key: "",
    entries: [],
    nextCursor: null,
    loading: key !== null,
    loadingMore: false,
    error: null,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const ticket = useRef(0);
  const { action, actor } = filter;

  const fetchPage = useCallback(
    async (forKey: string, cursor: string | null) => {
      const mine = ++ticket.current;
      setState((s) =>
        cursor
          ? { ...s, loadingMore: true, error: null }
          : { key: forKey, entries: [], nextCursor: null, loading: true, loadingMore: false, error: null },
      );
      try {
        const page = await loadRef.current({ action, actor, cursor, limit: AUDIT_PAGE_SIZE });
        if (mine !== ticket.current) return;
        setState((s) => ({
          key: forKey,
          entries: cursor ? [...s.entries, ...page.entries] : page.entries,
          nextCursor: page.nextCursor,
          loading: false,
          loadingMore: false,
          error: null,
        }));
      } catch (e) {
        if (mine !== ticket.current) return;
        setState((s) => ({ ...s, loading: false, loadingMore: false, error: toApiError(e) }));
      }
    },
    [action, actor],
  );

  useEffect(() => {
    if (key !== null) void fetchPage(key, null);
  }, [key, fetchPage]);

  const { nextCursor, loadingMore } = state;
  const loadMore = useCallback(() => {
    if (key !== null && nextCursor && !loadingMore) void fetchPage(key, nextCursor);
  }, [key, nextCursor, loadingMore, fetchPage]);
  const retry = useCallback(() => {
    if (key !== null) void fetchPage(key, state.entries.length > 0 ? nextCursor : null);
  }, [key, nextCursor, fetchPage, state.entries.length]);

  const current = state.key === key;
  return {
    entries: current ? state.entries : [],
    loading: key !== null && (!current || state.loading),
    loadingMore: current && state.loadingMore,
    hasMore: current && state.nextCursor !== null,
    error: current ? state.error : null,
    loadMore,
    retry,
  };
}

/**
 * Everyone seen acting in the trail so far, to filter by: kept across filters, so choosing one person does not empty
 * the list of the others. Only actors with an id can be filtered by (the local user has none).
 */
export function useKnownActors(source: string | null, entries: AuditEntry[]): AuditActor[] {
  const [known, setKnown] = useState<{ source: string | null; actors: Map<string, AuditActor> }>({
    source,
    actors: new Map(),
  });
  useEffect(() => {
    setKnown((k) => {
      const actors = k.source === source ? new Map(k.actors) : new Map<string, AuditActor>();
      let added = k.source !== source;
      for (const e of entries) {
        if (e.actor.id && !actors.has(e.actor.id)) {
          actors.set(e.actor.id, e.actor);
          added = true;
        }
      }
      return added ? { source, actors } : k;
    });
  }, [source, entries]);
  return [...(known.source === source ? known.actors.values() : [])].sort((a, b) => a.name.localeCompare(b.name));
}

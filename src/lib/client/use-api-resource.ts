"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError } from "./api";
import { toApiError } from "./errors";

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  /** True until the first answer (or error) for the current key. */
  loading: boolean;
  /** Fetches again; keeps the current data on screen meanwhile. */
  reload: () => Promise<void>;
}

/**
 * Loads `fetcher()` for `key` (null = don't load) and keeps the answer, the error (as the API's words) and the
 * loading flag. An answer for an older key never overwrites a newer one.
 */
export function useApiResource<T>(key: string | null, fetcher: () => Promise<T>): Resource<T> {
  const [state, setState] = useState<{ key: string | null; data: T | null; error: ApiError | null; loading: boolean }>({
    key,
    data: null,
    error: null,
    loading: key !== null,
  });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const latest = useRef(0);

  const run = useCallback(async (forKey: string | null) => {
    if (forKey === null) return;
    const ticket = ++latest.current;
    try {
      const data = await fetcherRef.current();
      if (ticket === latest.current) setState({ key: forKey, data, error: null, loading: false });
    } catch (e) {
      const error = toApiError(e);
      if (ticket === latest.current)
        setState((s) => ({ key: forKey, data: s.key === forKey ? s.data : null, error, loading: false }));
    }
  }, []);

  useEffect(() => {
    setState((s) => (s.key === key ? s : { key, data: null, error: null, loading: key !== null }));
    void run(key);
  }, [key, run]);

  const reload = useCallback(() => run(key), [key, run]);
  const current = state.key === key ? state : { data: null, error: null, loading: key !== null };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}

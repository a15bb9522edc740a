"use client";

import { useEffect, useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { Execution } from "@/lib/contract/resources";

/**
 * The execution's fixed facts (mode, sample size, creation time) that the live state does not carry, and
 * whether it exists at all (`notFound`), so a mistyped address gets a proper page instead of retries.
 */
export function useExecutionMeta(executionId: string) {
  const [execution, setExecution] = useState<Execution | null>(null);
  const [notFound, setNotFound] = useState(false);
  useEffect(() => {
    let cancelled = false;
    setExecution(null);
    setNotFound(false);
    api<{ execution: Execution }>(`/api/executions/${encodeURIComponent(executionId)}`)
      .then((r) => !cancelled && setExecution(r.execution))
      .catch((e) => !cancelled && setNotFound(e instanceof ApiError && e.status === 404));
    return () => {
      cancelled = true;
    };
  }, [executionId]);
  return { execution, notFound };
}

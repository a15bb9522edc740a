"use client";

import { useEffect, useState } from "react";
import { getBatch, getProject } from "@/lib/client/endpoints";

export interface ExecutionContextNames {
  project: string | null;
  batch: string | null;
  /** The batch's engine ("agent" shows model spend); null until known. */
  engine: string | null;
}

/**
 * The project's and batch's names for headings and breadcrumbs, and the batch's engine; null until known (or if they
 * cannot be loaded). Read once per page, never per event.
 */
export function useExecutionContext(projectId: string, batchId: string): ExecutionContextNames {
  const [names, setNames] = useState<ExecutionContextNames>({ project: null, batch: null, engine: null });
  useEffect(() => {
    let cancelled = false;
    void getProject(projectId)
      .then((r) => !cancelled && setNames((n) => ({ ...n, project: r.project.name })))
      .catch(() => {});
    void getBatch(batchId)
      .then(
        (r) => !cancelled && setNames((n) => ({ ...n, batch: r.batch.name, engine: r.batch.agent?.engine ?? null })),
      )
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [projectId, batchId]);
  return names;
}

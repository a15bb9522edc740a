"use client";

import { useEffect, useState } from "react";
import { api } from "@/lib/client/api";
import type { Batch, Project } from "@/lib/contract/resources";

/** The project's and batch's names for headings and breadcrumbs; null until known (or if they cannot be loaded). */
export function useExecutionContext(projectId: string, batchId: string) {
  const [names, setNames] = useState<{ project: string | null; batch: string | null }>({ project: null, batch: null });
  useEffect(() => {
    let cancelled = false;
    void api<{ project: Project }>(`/api/projects/${encodeURIComponent(projectId)}`)
      .then((r) => !cancelled && setNames((n) => ({ ...n, project: r.project.name })))
      .catch(() => {});
    void api<{ batch: Batch }>(`/api/batches/${encodeURIComponent(batchId)}`)
      .then((r) => !cancelled && setNames((n) => ({ ...n, batch: r.batch.name })))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [projectId, batchId]);
  return names;
}

"use client";

import { useEffect, useState } from "react";
import { getBatch, getProject } from "@/lib/client/endpoints";

/** The project's and batch's names for headings and breadcrumbs; null until known (or if they cannot be loaded). */
export function useExecutionContext(projectId: string, batchId: string) {
  const [names, setNames] = useState<{ project: string | null; batch: string | null }>({ project: null, batch: null });
  useEffect(() => {
    let cancelled = false;
    void getProject(projectId)
      .then((r) => !cancelled && setNames((n) => ({ ...n, project: r.project.name })))
      .catch(() => {});
    void getBatch(batchId)
      .then((r) => !cancelled && setNames((n) => ({ ...n, batch: r.batch.name })))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [projectId, batchId]);
  return names;
}

"use client";

import { useEffect, useState } from "react";
import { getBatch, getProject } from "@/lib/client/endpoints";
import type { ProjectRole } from "@/lib/contract/auth";

export interface ExecutionContextNames {
  project: string | null;
  batch: string | null;
  /** The batch's engine ("agent" shows model spend); null until known. */
  engine: string | null;
  /** The caller's role on the project (admin in local mode): what the page lets them do; null until known. */
  role: ProjectRole | null;
}

/**
 * The project's and batch's names for headings and breadcrumbs, the batch's engine and the caller's role; null until
 * known (or if they cannot be loaded). Read once per page, never per event; the project again when `roleVersion`
 * moves (the server said the caller's access changed, so the role may have).
 */
export function useExecutionContext(projectId: string, batchId: string, roleVersion = 0): ExecutionContextNames {
  const [names, setNames] = useState<ExecutionContextNames>({ project: null, batch: null, engine: null, role: null });
  // biome-ignore lint/correctness/useExhaustiveDependencies: roleVersion only asks for the project again
  useEffect(() => {
    let cancelled = false;
    void getProject(projectId)
      .then((r) => !cancelled && setNames((n) => ({ ...n, project: r.project.name, role: r.project.role })))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [projectId, roleVersion]);
  useEffect(() => {
    let cancelled = false;
    void getBatch(batchId)
      .then(
        (r) => !cancelled && setNames((n) => ({ ...n, batch: r.batch.name, engine: r.batch.agent?.engine ?? null })),
      )
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [batchId]);
  return names;
}

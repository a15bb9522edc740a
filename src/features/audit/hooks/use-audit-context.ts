"use client";

import { getBatch, getProject } from "@/lib/client/endpoints";
import { useApiResource } from "@/lib/client/use-api-resource";

/** The project a trail belongs to: its name for the page, the caller's role, and a 404 when the address names none. */
export function useAuditProject(projectId: string) {
  return useApiResource(`project:${projectId}`, () => getProject(projectId).then((r) => r.project));
}

/** The batch an execution's activity sits under, for the breadcrumbs. */
export function useAuditBatch(batchId: string) {
  return useApiResource(`batch:${batchId}`, () => getBatch(batchId).then((r) => r.batch));
}

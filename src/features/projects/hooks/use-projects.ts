"use client";

import { getProject, listBatches, listProjects } from "@/lib/client/endpoints";
import { useApiResource } from "@/lib/client/use-api-resource";

export function useProjects() {
  return useApiResource("projects", () => listProjects().then((r) => r.projects));
}

export function useProject(id: string) {
  return useApiResource(`project:${id}`, () => getProject(id).then((r) => r.project));
}

/** The project's batches, newest first. */
export function useProjectBatches(projectId: string) {
  return useApiResource(`batches:${projectId}`, () => listBatches(projectId).then((r) => r.batches));
}

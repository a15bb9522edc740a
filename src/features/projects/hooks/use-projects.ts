"use client";

import { api } from "@/lib/client/api";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { Project } from "@/lib/contract/resources";

export function useProjects() {
  return useApiResource("projects", () => api<{ projects: Project[] }>("/api/projects").then((r) => r.projects));
}

export function useProject(id: string) {
  return useApiResource(`project:${id}`, () =>
    api<{ project: Project }>(`/api/projects/${encodeURIComponent(id)}`).then((r) => r.project),
  );
}

export function createProject(name: string) {
  return api<{ project: Project }>("/api/projects", { method: "POST", json: { name } }).then((r) => r.project);
}

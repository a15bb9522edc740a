import type { Project } from "@/lib/contract/resources";
import { notFound } from "../errors";
import * as repo from "../repos/projects";
import { getRuntime } from "../runtime";

export function toProject(row: repo.ProjectRow): Project {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export async function createProject(name: string): Promise<Project> {
  return toProject(await repo.insertProject(getRuntime().db, name));
}

export async function listProjects(): Promise<Project[]> {
  return (await repo.listProjects(getRuntime().db)).map(toProject);
}

export async function getProject(id: string): Promise<Project> {
  const row = await repo.findProject(getRuntime().db, id);
  if (!row) throw notFound("Project", id);
  return toProject(row);
}

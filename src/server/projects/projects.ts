import { inArray } from "drizzle-orm";
import type { ProjectRole } from "@/lib/contract/auth";
import type { Project } from "@/lib/contract/resources";
import { visibleProjects } from "../auth/access";
import { type Doer, NOBODY, recordAudit } from "../auth/audit";
import { type Caller, LOCAL_CALLER } from "../auth/caller";
import { projects } from "../db/schema";
import { invalidState, notFound } from "../errors";
import { upsertMembership } from "../repos/accounts";
import { countActiveExecutionsOfProject } from "../repos/executions";
import * as repo from "../repos/projects";
import { getRuntime } from "../runtime";

export function toProject(row: repo.ProjectRow, role: ProjectRole): Project {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    role,
  };
}

/** Creates a project; with accounts, its creator becomes its admin in the same transaction. */
export async function createProject(
  name: string,
  caller: Caller = LOCAL_CALLER,
  doer: Doer = NOBODY,
): Promise<Project> {
  return getRuntime().db.transaction(async (tx) => {
    const row = await repo.insertProject(tx, name);
    if (caller.kind !== "local") await upsertMembership(tx, row.id, caller.user.id, "admin");
    await recordAudit(tx, doer, {
      action: "project.create",
      projectId: row.id,
      target: { type: "project", id: row.id },
      after: { name },
    });
    return toProject(row, "admin");
  });
}

/** The projects the caller can see, newest first, each with the caller's role on it. */
export async function listProjects(caller: Caller = LOCAL_CALLER): Promise<Project[]> {
  const { db } = getRuntime();
  const visible = await visibleProjects(db, caller);
  if (visible.all) return (await repo.listProjects(db)).map((row) => toProject(row, visible.role));
  if (visible.roles.size === 0) return [];
  const rows = await repo.listProjects(db, inArray(projects.id, [...visible.roles.keys()]));
  return rows.map((row) => toProject(row, visible.roles.get(row.id)!));
}

export async function getProject(id: string, role: ProjectRole = "admin"): Promise<Project> {
  const row = await repo.findProject(getRuntime().db, id);
  if (!row) throw notFound("Project", id);
  return toProject(row, role);
}

/** Deletes a project with its batches and runs; refused while one of its executions is active. */
export async function deleteProject(id: string, doer: Doer): Promise<void> {
  await getRuntime().db.transaction(async (tx) => {
    const row = await repo.lockProject(tx, id);
    if (!row) throw notFound("Project", id);
    const active = await countActiveExecutionsOfProject(tx, id);
    if (active > 0) {
      throw invalidState(
        `Cannot delete a project while ${active} of its executions ${active === 1 ? "is" : "are"} running, paused or stopping; stop ${active === 1 ? "it" : "them"} first`,
      );
    }
    await repo.deleteProject(tx, id);
    await recordAudit(tx, doer, {
      action: "project.delete",
      projectId: id,
      target: { type: "project", id },
      before: { name: row.name },
    });
  });
}

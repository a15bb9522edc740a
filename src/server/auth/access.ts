import { type ProjectRole, weakerRole } from "@/lib/contract/auth";
import type { DbOrTx } from "../db/client";
import * as accounts from "../repos/accounts";
import type { Caller } from "./caller";

/**
 * A caller's role on a project: local → admin; a site admin → admin; otherwise their membership's role.
 * A token gives at most its own role, and nothing on a project outside its scope. null: no access at all
 * (the project is invisible to them, so its ids answer 404).
 */
export async function roleOn(db: DbOrTx, caller: Caller, projectId: string): Promise<ProjectRole | null> {
  if (caller.kind === "local") return "admin";
  if (caller.kind === "token" && caller.token.projectIds && !caller.token.projectIds.includes(projectId)) return null;
  const base = caller.user.isAdmin
    ? "admin"
    : ((await accounts.findMembership(db, projectId, caller.user.id))?.role ?? null);
  if (base === null) return null;
  return caller.kind === "token" ? weakerRole(caller.token.role, base) : base;
}

/** The projects a caller can see, with their role; "all" for local and site admins (with the token's cap). */
export async function visibleProjects(
  db: DbOrTx,
  caller: Caller,
): Promise<{ all: true; role: ProjectRole } | { all: false; roles: Map<string, ProjectRole> }> {
  if (caller.kind === "local") return { all: true, role: "admin" };
  const tokenScope = caller.kind === "token" ? caller.token.projectIds : null;
  if (caller.user.isAdmin && !tokenScope) {
    return { all: true, role: caller.kind === "token" ? caller.token.role : "admin" };
  }
  const roles = caller.user.isAdmin
    ? new Map((tokenScope ?? []).map((id) => [id, "admin" as ProjectRole]))
    : await accounts.rolesOfUser(db, caller.user.id);
  if (caller.kind === "token") {
    for (const [id, role] of roles) {
      if (tokenScope && !tokenScope.includes(id)) roles.delete(id);
      else roles.set(id, weakerRole(caller.token.role, role));
    }
  }
  return { all: false, roles };
}

export type ResourceKind = "project" | "batch" | "execution" | "job";

const PROJECT_OF: Record<ResourceKind, (db: DbOrTx, id: string) => Promise<string | undefined>> = {
  project: accounts.projectOfProject,
  batch: accounts.projectOfBatch,
  execution: accounts.projectOfExecution,
  job: accounts.projectOfJob,
};

/** The project a resource belongs to, or undefined when it does not exist. */
export function projectOf(db: DbOrTx, kind: ResourceKind, id: string): Promise<string | undefined> {
  return PROJECT_OF[kind](db, id);
}

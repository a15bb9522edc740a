import { type ProjectRole, roleAtLeast } from "@/lib/contract/auth";

/**
 * What the pages let a role do on a project, and how they say why not: the one place the UI spells the rule that the
 * server enforces (src/server/auth/guard.ts answers 403 whatever the page shows). `role` is the project's `role`
 * field; undefined while the project is still loading.
 */

type Role = ProjectRole | null | undefined;

export const STEER_DENIED = "Viewers can't steer runs";
export const RUN_DENIED = "Viewers can't start runs";
export const UPLOAD_DENIED = "Viewers can't upload batches";

/** Start, pause, resume, stop, change concurrency, upload batches: operators and admins. */
export function canSteer(role: Role): boolean {
  return roleAtLeast(role, "operator");
}

/** Members, invites, the project's audit trail: admins only. */
export function canManage(role: Role): boolean {
  return roleAtLeast(role, "admin");
}

/**
 * Why a steering control is greyed, or null when it is not. An unknown role (still loading) greys nothing: a local
 * user is admin, and the controls must not blink grey at them on every page load; the server refuses anyway.
 */
export function steerRefusal(role: Role, message: string = STEER_DENIED): string | null {
  return role == null || canSteer(role) ? null : message;
}

import { z } from "./zod";

/**
 * Access control (CONTRACT.md v1.1 "Access control", README "Teams"): roles, actors, and the auth routes' shapes.
 * With AUTH off (local mode) there are no accounts: every caller is the local user, admin of everything.
 */

/** Roles on a project, weakest first: each can do all the one before it can. */
export const PROJECT_ROLES = ["viewer", "operator", "admin"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export function roleAtLeast(role: ProjectRole | null | undefined, need: ProjectRole): boolean {
  return role != null && PROJECT_ROLES.indexOf(role) >= PROJECT_ROLES.indexOf(need);
}

/** The weaker of two roles (a token never gives more than its user has). */
export function weakerRole(a: ProjectRole, b: ProjectRole): ProjectRole {
  return PROJECT_ROLES.indexOf(a) <= PROJECT_ROLES.indexOf(b) ? a : b;
}

/** What each role adds, for pages that explain why a control is greyed. */
export const ROLE_ABILITIES: Record<ProjectRole, string> = {
  viewer: "watch runs and export results",
  operator: "also start, pause, resume, stop and re-configure runs and upload batches",
  admin: "also manage members, see the audit trail and delete the project",
};

/** Who did something: a person, a person's API token, or fleetdeck itself (a budget pause, …). */
export const actorSchema = z.object({
  type: z.enum(["user", "token", "system"]),
  id: z.string(),
  name: z.string(),
});
export type Actor = z.infer<typeof actorSchema>;

export const AUTH_MODES = ["local", "accounts"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

/** GET /api/auth/me: who the caller is. In local mode `user` is null and every role is admin. */
export interface Me {
  mode: AuthMode;
  user: User | null;
  /** How this request was authenticated; null when it was not (signed out). */
  via: "local" | "session" | "token" | null;
  /** Single sign-on is configured (the login page shows its button). */
  sso: boolean;
}

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "email must be at most 254 characters")
  .pipe(z.email("email must be an email address"));
/** Long enough to resist guessing, short enough that hashing it costs a bounded time. */
const password = z
  .string()
  .min(10, "password must be at least 10 characters")
  .max(200, "password must be at most 200 characters");
const personName = z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters");

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "email is required").max(254),
  password: z.string().min(1, "password is required").max(200),
});

/** A signed-in person accepts with an empty body; anyone else creates their account (email only when the invite names none). */
export const acceptInviteSchema = z.object({
  name: personName.optional(),
  password: password.optional(),
  email: email.optional(),
});

export const addMemberSchema = z.object({
  email,
  role: z.enum(PROJECT_ROLES, { error: `role must be one of ${PROJECT_ROLES.join(", ")}` }),
});

export const changeMemberSchema = z.object({
  role: z.enum(PROJECT_ROLES, { error: `role must be one of ${PROJECT_ROLES.join(", ")}` }),
});

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters"),
  role: z.enum(PROJECT_ROLES, { error: `role must be one of ${PROJECT_ROLES.join(", ")}` }),
  /** Omitted or null: every project the user is a member of (now and later). */
  projectIds: z.array(z.uuid("projectIds must hold project ids")).min(1).max(100).nullable().optional(),
  /** Days until it expires; omitted: never. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export interface Member {
  user: Pick<User, "id" | "email" | "name">;
  role: ProjectRole;
  createdAt: string;
}

export interface PendingInvite {
  id: string;
  email: string | null;
  role: ProjectRole | null;
  createdAt: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  role: ProjectRole;
  projectIds: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const AUDIT_ACTIONS = [
  "execution.start",
  "execution.pause",
  "execution.resume",
  "execution.stop",
  "execution.concurrency",
  "execution.export",
  "batch.create",
  "project.create",
  "project.delete",
  "member.add",
  "member.invite",
  "member.role",
  "member.remove",
  "token.create",
  "token.revoke",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** An audit entry's actor: as in events, plus "local" for the one person of local mode (id null). */
export interface AuditActor {
  type: Actor["type"] | "local";
  id: string | null;
  name: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  projectId: string | null;
  executionId: string | null;
  actor: AuditActor;
  address: string | null;
  action: AuditAction;
  target: { type: string; id: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

export const auditQuerySchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  /** An actor's id (a user's or a token's). */
  actor: z.string().max(100).optional(),
  executionId: z.uuid("executionId must be an execution id").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
  format: z.enum(["json", "csv"]).default("json"),
});

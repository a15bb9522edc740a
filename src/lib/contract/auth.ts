import { timestampSchema } from "./primitives";
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
export const actorSchema = z
  .object({
    type: z.enum(["user", "token", "system"]),
    id: z.string(),
    name: z.string(),
  })
  .meta({ id: "Actor", description: "Who did something: a person, a person's API token, or fleetdeck itself." });
export type Actor = z.infer<typeof actorSchema>;

export const AUTH_MODES = ["local", "accounts"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const projectRoleSchema = z.enum(PROJECT_ROLES).meta({ id: "ProjectRole" });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    isAdmin: z.boolean().meta({ description: "A site admin (the first account): may create projects for others." }),
    createdAt: timestampSchema,
  })
  .meta({ id: "User" });
export type User = z.infer<typeof userSchema>;

/** GET /api/auth/me: who the caller is. In local mode `user` is null and every role is admin. */
export const meSchema = z
  .object({
    mode: z.enum(AUTH_MODES),
    user: userSchema.nullable(),
    via: z
      .enum(["local", "session", "token"])
      .nullable()
      .meta({ description: "How this request was authenticated; null when it was not (signed out)." }),
    sso: z.boolean().meta({ description: "Single sign-on is configured (the login page shows its button)." }),
  })
  .meta({
    id: "Me",
    description: "Who the caller is. In local mode `user` is null and every role is admin.",
  });
export type Me = z.infer<typeof meSchema>;

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

export const memberSchema = z
  .object({
    user: userSchema.pick({ id: true, email: true, name: true }),
    role: projectRoleSchema,
    createdAt: timestampSchema,
  })
  .meta({ id: "Member" });
export type Member = z.infer<typeof memberSchema>;

export const pendingInviteSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    role: projectRoleSchema.nullable(),
    createdAt: timestampSchema,
    expiresAt: timestampSchema,
  })
  .meta({ id: "PendingInvite", description: "An invite nobody has taken yet." });
export type PendingInvite = z.infer<typeof pendingInviteSchema>;

export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: "The secret's first characters, to tell tokens apart; never the secret." }),
    role: projectRoleSchema,
    projectIds: z
      .array(z.string())
      .nullable()
      .meta({ description: "The projects it may reach; null: every project its user is a member of." }),
    createdAt: timestampSchema,
    expiresAt: timestampSchema.nullable(),
    lastUsedAt: timestampSchema.nullable(),
    revokedAt: timestampSchema.nullable(),
  })
  .meta({ id: "ApiToken" });
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const AUDIT_ACTIONS = [
  "execution.start",
  "execution.pause",
  "execution.resume",
  "execution.stop",
  "execution.concurrency",
  "execution.export",
  "execution.rerun",
  "batch.create",
  "batch.config",
  "project.create",
  "project.delete",
  "member.add",
  "member.invite",
  "member.role",
  "member.remove",
  "token.create",
  "token.revoke",
  "webhook.create",
  "webhook.update",
  "webhook.delete",
  "webhook.rotate_secret",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** An audit entry's actor: as in events, plus "local" for the one person of local mode (id null). */
export const auditActorSchema = z
  .object({
    type: z.enum([...actorSchema.shape.type.options, "local"]),
    id: z.string().nullable(),
    name: z.string(),
  })
  .meta({
    id: "AuditActor",
    description: 'As in events, plus "local" for the one person of local mode (id null).',
  });
export type AuditActor = z.infer<typeof auditActorSchema>;

const jsonObject = z.record(z.string(), z.unknown());

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: timestampSchema,
    projectId: z.string().nullable(),
    executionId: z.string().nullable(),
    actor: auditActorSchema,
    address: z
      .string()
      .nullable()
      .meta({ description: "The address the change came from; for the project's admins only (null for others)." }),
    action: z.enum(AUDIT_ACTIONS),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    before: jsonObject.nullable(),
    after: jsonObject.nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: "AuditEntry", description: "One change, recorded in the same transaction as the change." });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** GET /api/projects/:id/audit, GET /api/executions/:id/activity: newest first; `nextCursor` asks for the older ones. */
export const auditPageSchema = z
  .object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: "AuditPage" });
export type AuditPage = z.infer<typeof auditPageSchema>;

/** GET /api/auth/invites/:token: what an invite link is for, before anyone takes it. */
export const inviteDetailsSchema = z
  .object({
    email: z.string().nullable().meta({ description: "null on the first admin's link: the person gives their own." }),
    projectName: z.string().nullable(),
    role: projectRoleSchema.nullable(),
    siteAdmin: z
      .boolean()
      .meta({ description: "The first admin's link: it makes a site admin, not a project member." }),
    expiresAt: timestampSchema,
    accountExists: z.boolean().meta({
      description: "An account with the invite's email exists: sign in first, then open the link again.",
    }),
  })
  .meta({ id: "InviteDetails" });
export type InviteDetails = z.infer<typeof inviteDetailsSchema>;

/** POST /api/auth/invites/:token/accept (201). */
export const acceptInviteResponseSchema = z.object({
  user: userSchema,
  projectId: z.string().nullable().meta({ description: "The project joined; null for the first admin's link." }),
});
export type AcceptInviteResponse = z.infer<typeof acceptInviteResponseSchema>;

/** GET /api/projects/:id/members: members and the invites not yet taken nor expired. */
export const membersResponseSchema = z.object({
  members: z.array(memberSchema),
  invites: z.array(pendingInviteSchema).meta({ description: "Invites not yet taken nor expired." }),
});
export type MembersResponse = z.infer<typeof membersResponseSchema>;

/**
 * POST /api/projects/:id/members (201): an existing account got the role at once (`member`), or a one-time link was
 * made (`invite.url`, in this answer only). Each form has the other's key absent.
 */
export const addMemberResultSchema = z.union([
  z.object({ member: memberSchema, invite: z.never().optional() }),
  z.object({
    invite: pendingInviteSchema.extend({
      url: z.string().meta({ description: "The one-time invite link; in this answer only." }),
    }),
    member: z.never().optional(),
  }),
]);
export type AddMemberResult = z.infer<typeof addMemberResultSchema>;

export const auditQuerySchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  /** An actor's id (a user's or a token's). */
  actor: z.string().max(100).optional(),
  executionId: z.uuid("executionId must be an execution id").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
  format: z.enum(["json", "csv"]).default("json"),
});

/** GET /api/auth/invites/:token */
export const inviteResponseSchema = z.object({ invite: inviteDetailsSchema });

/** POST /api/auth/login: the person signed in; the session cookie comes with it. */
export const signInResponseSchema = z.object({ user: userSchema });

/** POST /api/auth/logout-everywhere */
export const sessionsEndedSchema = z.object({
  sessionsEnded: z.number().int().min(0).meta({ description: "Sessions ended, this browser's included." }),
});

/** PATCH /api/projects/:id/members/:userId */
export const memberResponseSchema = z.object({ member: memberSchema });

/** GET /api/tokens: the signed-in person's own tokens, never their secrets. */
export const tokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });

/** POST /api/tokens (201): `secret` is in this answer and nowhere else, ever. */
export const createdTokenSchema = z.object({
  token: apiTokenSchema,
  secret: z.string().meta({ description: "The token itself, to send as `Authorization: Bearer`; shown once." }),
});

/** DELETE /api/tokens/:id: the token as revoked. */
export const tokenResponseSchema = z.object({ token: apiTokenSchema });

import type { z } from "zod";
import type { agentConfigSchema } from "@/lib/contract/agent";
import type {
  ApiToken,
  AuditAction,
  AuditEntry,
  acceptInviteSchema,
  addMemberSchema,
  createTokenSchema,
  loginSchema,
  Me,
  Member,
  PendingInvite,
  ProjectRole,
  User,
} from "@/lib/contract/auth";
import type { estimateQuerySchema, exportQuerySchema } from "@/lib/contract/queries";
import type {
  createBatchJsonSchema,
  createExecutionSchema,
  createProjectSchema,
  resumeSchema,
  stopSchema,
} from "@/lib/contract/requests";
import type { JobStatus } from "@/lib/contract/resources";
import type {
  AppConfigResponse,
  BatchListResponse,
  BatchResponse,
  ControlResponse,
  CreateBatchResult,
  EstimateResponse,
  ExecutionListResponse,
  ExecutionResponse,
  HealthResponse,
  InputPage,
  JobPage,
  JobResponse,
  LiveStatsResponse,
  ProjectListResponse,
  ProjectResponse,
} from "@/lib/contract/responses";
import { api } from "./api";

/**
 * The public HTTP API (CONTRACT.md), one typed function per route: the only place that spells an `/api/...` path.
 * Each answers the route's whole body as src/lib/contract/responses.ts types it, and throws ApiError otherwise.
 */

export type CreateProjectRequest = z.input<typeof createProjectSchema>;
export type StartExecutionRequest = z.input<ReturnType<typeof createExecutionSchema>>;
export type StopRequest = z.input<typeof stopSchema>;
/** `maxCost` raises the spend cap of an execution paused at its budget, or lifts it with null. */
export type ResumeRequest = z.input<typeof resumeSchema>;
/** Missing values take the server's defaults (production, the default sample size and concurrency). */
export type EstimateQuery = Partial<z.output<ReturnType<typeof estimateQuerySchema>>>;
export type ExportFormat = z.output<typeof exportQuerySchema>["format"];
export type AgentConfigRequest = z.input<typeof agentConfigSchema>;

/** The CSV as a file, the contract's multipart form of POST /api/projects/:id/batches (how the browser uploads). */
export interface CreateBatchUpload {
  file: File;
  name?: string;
  urlColumn?: string | null;
  goalColumn?: string | null;
  idColumn?: string | null;
  agent?: AgentConfigRequest;
}

/** The CSV as text, the contract's JSON form of POST /api/projects/:id/batches (for scripts; 4 MiB at most). */
/** The JSON form of batch creation; the route takes any `agent` and validates it as an agent config. */
export type CreateBatchJson = Omit<z.input<typeof createBatchJsonSchema>, "agent"> & { agent?: AgentConfigRequest };

export interface PageQuery {
  limit?: number;
  cursor?: string | null;
}

export interface JobListQuery extends PageQuery {
  /** Only jobs in these states; all of them when absent. */
  statuses?: readonly JobStatus[];
}

const e = encodeURIComponent;

/** `path?a=1&b=2` with the given values in order; absent ones (undefined, null, "") are left out. */
function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

const post = { method: "POST" } as const;

// Projects

export const listProjects = () => api<ProjectListResponse>("/api/projects");
export const getProject = (projectId: string) => api<ProjectResponse>(`/api/projects/${e(projectId)}`);
export const createProject = (body: CreateProjectRequest) =>
  api<ProjectResponse>("/api/projects", { ...post, json: body });

// Batches

export const listBatches = (projectId: string) => api<BatchListResponse>(`/api/projects/${e(projectId)}/batches`);

export function createBatch(projectId: string, upload: CreateBatchUpload): Promise<CreateBatchResult> {
  const form = new FormData();
  form.set("file", upload.file, upload.file.name);
  if (upload.name?.trim()) form.set("name", upload.name.trim());
  if (upload.urlColumn) form.set("urlColumn", upload.urlColumn);
  if (upload.goalColumn) form.set("goalColumn", upload.goalColumn);
  if (upload.idColumn) form.set("idColumn", upload.idColumn);
  if (upload.agent) form.set("agent", JSON.stringify(upload.agent));
  return api<CreateBatchResult>(`/api/projects/${e(projectId)}/batches`, { ...post, body: form });
}

export const createBatchFromText = (projectId: string, body: CreateBatchJson) =>
  api<CreateBatchResult>(`/api/projects/${e(projectId)}/batches`, { ...post, json: body });

export const getBatch = (batchId: string) => api<BatchResponse>(`/api/batches/${e(batchId)}`);

export const listInputs = (batchId: string, { limit, cursor }: PageQuery = {}) =>
  api<InputPage>(withQuery(`/api/batches/${e(batchId)}/inputs`, { limit, cursor }));

export const getEstimate = (batchId: string, { mode, concurrency, sampleSize }: EstimateQuery = {}) =>
  api<EstimateResponse>(withQuery(`/api/batches/${e(batchId)}/estimate`, { mode, concurrency, sampleSize }));

// Executions

export const listExecutions = (batchId: string) => api<ExecutionListResponse>(`/api/batches/${e(batchId)}/executions`);
export const startExecution = (batchId: string, body: StartExecutionRequest) =>
  api<ExecutionResponse>(`/api/batches/${e(batchId)}/executions`, { ...post, json: body });
export const getExecution = (executionId: string) => api<ExecutionResponse>(`/api/executions/${e(executionId)}`);

export const listJobs = (executionId: string, { statuses, limit, cursor }: JobListQuery = {}) =>
  api<JobPage>(withQuery(`/api/executions/${e(executionId)}/jobs`, { status: statuses?.join(","), limit, cursor }));

export const getLiveStats = (executionId: string) =>
  api<LiveStatsResponse>(`/api/executions/${e(executionId)}/live-stats`);

/** A plain link, not a fetch: the server answers with an attachment the browser downloads. */
export const exportUrl = (executionId: string, format: ExportFormat) =>
  `/api/executions/${e(executionId)}/export?format=${format}`;

// Controls

export const pauseExecution = (executionId: string) =>
  api<ControlResponse>(`/api/executions/${e(executionId)}/pause`, post);
/** Without a body: resume as it was. With `{ maxCost }`: raise the spend cap (a number) or lift it (null) too. */
export const resumeExecution = (executionId: string, body?: ResumeRequest) =>
  api<ControlResponse>(`/api/executions/${e(executionId)}/resume`, body ? { ...post, json: body } : post);
export const stopExecution = (executionId: string, body: StopRequest = {}) =>
  api<ControlResponse>(`/api/executions/${e(executionId)}/stop`, { ...post, json: body });
export const adjustConcurrency = (executionId: string, concurrency: number) =>
  api<ControlResponse>(`/api/executions/${e(executionId)}/adjust-concurrency`, { ...post, json: { concurrency } });

// Jobs

export const getJob = (jobId: string) => api<JobResponse>(`/api/jobs/${e(jobId)}`);

/**
 * The job's latest screenshot as an <img> source. `version` (when it was taken, or anything that changes with it)
 * makes a new screenshot a new address, so the browser never shows a stale one.
 */
export const screenshotUrl = (jobId: string, version: string) => `/api/jobs/${e(jobId)}/screenshot?t=${e(version)}`;

// Health

export const getHealth = () => api<HealthResponse>("/api/health");

/** What this server can do: its maximum concurrency, which engines can run, the agent's default model. */
export const getAppConfig = () => api<AppConfigResponse>("/api/config");

// Accounts (sign-in, invites, tokens)

export type LoginRequest = z.input<typeof loginSchema>;
/** Signed out: the new account's name and password (and email, on the first admin's link); signed in: nothing. */
export type AcceptInviteRequest = z.input<typeof acceptInviteSchema>;
export type CreateTokenRequest = z.input<typeof createTokenSchema>;

/** What an invite link is for, before anyone takes it (GET /api/auth/invites/:token). */
export interface InviteDetails {
  /** null on the first admin's link: the person gives their own. */
  email: string | null;
  projectName: string | null;
  role: ProjectRole | null;
  /** The first admin's link: it makes a site admin, not a project member. */
  siteAdmin: boolean;
  expiresAt: string;
  /** An account with the invite's email exists: sign in first, then open the link again. */
  accountExists: boolean;
}

export interface AcceptInviteResponse {
  user: User;
  /** The project joined; null for the first admin's link. */
  projectId: string | null;
}

/** Public: answers signed-out callers too (mode, and whether single sign-on is on). */
export const getMe = () => api<Me>("/api/auth/me");
export const login = (body: LoginRequest) => api<{ user: User }>("/api/auth/login", { ...post, json: body });
export const logout = () => api<null>("/api/auth/logout", post);
/** Ends every session of this person (this browser's too); API tokens stay. */
export const logoutEverywhere = () => api<{ sessionsEnded: number }>("/api/auth/logout-everywhere", post);

export const getInvite = (token: string) => api<{ invite: InviteDetails }>(`/api/auth/invites/${e(token)}`);
export const acceptInvite = (token: string, body?: AcceptInviteRequest) =>
  api<AcceptInviteResponse>(`/api/auth/invites/${e(token)}/accept`, body ? { ...post, json: body } : post);

/** The signed-in person's own tokens, never their secrets (a session only: a token cannot manage tokens). */
export const listTokens = () => api<{ tokens: ApiToken[] }>("/api/tokens");
/** `secret` is in this answer and nowhere else, ever. */
export const createToken = (body: CreateTokenRequest) =>
  api<{ token: ApiToken; secret: string }>("/api/tokens", { ...post, json: body });
export const revokeToken = (tokenId: string) =>
  api<{ token: ApiToken }>(`/api/tokens/${e(tokenId)}`, { method: "DELETE" });

// Members and audit trail

export type AddMemberRequest = z.input<typeof addMemberSchema>;

export interface MembersResponse {
  members: Member[];
  /** Invites not yet taken nor expired. */
  invites: PendingInvite[];
}

/** An existing account got the role at once (`member`), or a one-time link was made (`invite.url`, in this answer only). */
export type AddMemberResult =
  | { member: Member; invite?: undefined }
  | { invite: PendingInvite & { url: string }; member?: undefined };

export const listMembers = (projectId: string) => api<MembersResponse>(`/api/projects/${e(projectId)}/members`);
export const addMember = (projectId: string, body: AddMemberRequest) =>
  api<AddMemberResult>(`/api/projects/${e(projectId)}/members`, { ...post, json: body });
/** 409 when it would leave the project without an admin. */
export const changeMemberRole = (projectId: string, userId: string, role: ProjectRole) =>
  api<{ member: Member }>(`/api/projects/${e(projectId)}/members/${e(userId)}`, { method: "PATCH", json: { role } });
/** 409 when it would leave the project without an admin. */
export const removeMember = (projectId: string, userId: string) =>
  api<null>(`/api/projects/${e(projectId)}/members/${e(userId)}`, { method: "DELETE" });
export const cancelInvite = (projectId: string, inviteId: string) =>
  api<null>(`/api/projects/${e(projectId)}/invites/${e(inviteId)}`, { method: "DELETE" });

export interface AuditFilter {
  action?: AuditAction | null;
  /** A user's or a token's id. */
  actor?: string | null;
}

export interface AuditQuery extends AuditFilter, PageQuery {}

/** Newest first; `nextCursor` asks for the older ones. */
export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

const auditApiPath = (projectId: string) => `/api/projects/${e(projectId)}/audit`;
const activityApiPath = (executionId: string) => `/api/executions/${e(executionId)}/activity`;

/** The project's audit trail (admins). */
export const getProjectAudit = (projectId: string, { action, actor, limit, cursor }: AuditQuery = {}) =>
  api<AuditPage>(withQuery(auditApiPath(projectId), { action, actor, limit, cursor }));
/** One execution's part of the trail (anyone who may watch it). */
export const getExecutionActivity = (executionId: string, { action, actor, limit, cursor }: AuditQuery = {}) =>
  api<AuditPage>(withQuery(activityApiPath(executionId), { action, actor, limit, cursor }));

/** The whole filtered trail as a CSV file: a plain link, the server answers with an attachment. */
export const projectAuditCsvUrl = (projectId: string, { action, actor }: AuditFilter = {}) =>
  withQuery(auditApiPath(projectId), { action, actor, format: "csv" });
export const executionActivityCsvUrl = (executionId: string, { action, actor }: AuditFilter = {}) =>
  withQuery(activityApiPath(executionId), { action, actor, format: "csv" });

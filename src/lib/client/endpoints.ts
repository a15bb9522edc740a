import type { z } from "zod";
import type { agentConfigSchema } from "@/lib/contract/agent";
import type {
  AcceptInviteResponse,
  AddMemberResult,
  ApiToken,
  AuditAction,
  AuditPage,
  acceptInviteSchema,
  addMemberSchema,
  createTokenSchema,
  InviteDetails,
  loginSchema,
  Me,
  Member,
  MembersResponse,
  ProjectRole,
  User,
} from "@/lib/contract/auth";
import type { CompareChange, CompareResponse } from "@/lib/contract/compare";
import type {
  ConfigVersionList,
  PreviewRequest,
  PreviewResponse,
  SaveConfigRequest,
  SavedConfig,
} from "@/lib/contract/configs";
import type { estimateQuerySchema, exportQuerySchema } from "@/lib/contract/queries";
import type {
  createBatchJsonSchema,
  createExecutionSchema,
  createProjectSchema,
  resumeSchema,
  stopSchema,
} from "@/lib/contract/requests";
import type { createRerunSchema } from "@/lib/contract/reruns";
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
import type {
  createWebhookSchema,
  updateWebhookSchema,
  WebhookDeliveryPage,
  WebhookDeliveryResponse,
  WebhookList,
  WebhookResponse,
  WebhookWithSecret,
} from "@/lib/contract/webhooks";
import type { WorkerListResponse } from "@/lib/contract/workers";
import { type ApiOptions, createApi, sendToSignInOn401 } from "./api";

/**
 * The public HTTP API (CONTRACT.md), one typed function per route: the only place that spells an `/api/...` path.
 * Each answers the route's whole body as src/lib/contract/responses.ts types it, and throws ApiError otherwise.
 * `createClient` makes one for any server and token (the CLI, scripts, tests); the named exports below are the
 * browser's own, same origin with its session cookie.
 */

export type CreateProjectRequest = z.input<typeof createProjectSchema>;
export type StartExecutionRequest = z.input<ReturnType<typeof createExecutionSchema>>;
/** `select`: "failed", "cancelled", { jobIds } or { inputIds }; `agent`: an edited config to save and run. */
export type RerunRequest = z.input<ReturnType<typeof createRerunSchema>>;
export type StopRequest = z.input<typeof stopSchema>;
/** `maxCost` raises the spend cap of an execution paused at its budget, or lifts it with null. */
export type ResumeRequest = z.input<typeof resumeSchema>;
/** Missing values take the server's defaults (production, the default sample size and concurrency). */
export type EstimateQuery = Partial<z.output<ReturnType<typeof estimateQuerySchema>>>;
export type ExportFormat = z.output<typeof exportQuerySchema>["format"];
export type AgentConfigRequest = z.input<typeof agentConfigSchema>;

/** The CSV as a file, the contract's multipart form of POST /api/projects/:id/batches (how the browser uploads). */
export interface CreateBatchUpload {
  /** A File, or a Blob with `fileName` (Node's `fs.openAsBlob` reads a large file from disk as it is sent). */
  file: Blob;
  fileName?: string;
  name?: string;
  urlColumn?: string | null;
  goalColumn?: string | null;
  idColumn?: string | null;
  agent?: AgentConfigRequest;
}

/**
 * The CSV as text, the contract's JSON form of POST /api/projects/:id/batches (for scripts; 4 MiB at most). The
 * route takes any `agent` and validates it as an agent config.
 */
export type CreateBatchJson = Omit<z.input<typeof createBatchJsonSchema>, "agent"> & { agent?: AgentConfigRequest };

export interface PageQuery {
  limit?: number;
  cursor?: string | null;
}

export interface JobListQuery extends PageQuery {
  /** Only jobs in these states; all of them when absent. */
  statuses?: readonly JobStatus[];
}

// Accounts (sign-in, invites, tokens)

export type LoginRequest = z.input<typeof loginSchema>;
/** Signed out: the new account's name and password (and email, on the first admin's link); signed in: nothing. */
export type AcceptInviteRequest = z.input<typeof acceptInviteSchema>;
export type CreateTokenRequest = z.input<typeof createTokenSchema>;

/** The answers' shapes live in the contract (src/lib/contract/auth.ts) with their schemas; pages import them from here. */
export type { AcceptInviteResponse, AddMemberResult, AuditPage, InviteDetails, MembersResponse };

// Webhooks

export type CreateWebhookRequest = z.input<typeof createWebhookSchema>;
export type UpdateWebhookRequest = z.input<typeof updateWebhookSchema>;
const webhooksApiPath = (projectId: string, webhookId?: string) =>
  `/api/projects/${e(projectId)}/webhooks${webhookId ? `/${e(webhookId)}` : ""}`;

// Members and audit trail

export type AddMemberRequest = z.input<typeof addMemberSchema>;

export interface AuditFilter {
  action?: AuditAction | null;
  /** A user's or a token's id. */
  actor?: string | null;
}

export interface AuditQuery extends AuditFilter, PageQuery {}

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

// Paths of the files the server answers as attachments: links in the browser, downloads in the client.

/** The results as a file (Content-Disposition names it). */
export const exportUrl = (executionId: string, format: ExportFormat) =>
  `/api/executions/${e(executionId)}/export?format=${format}`;

/**
 * The job's latest screenshot as an <img> source. `version` (when it was taken, or anything that changes with it)
 * makes a new screenshot a new address, so the browser never shows a stale one.
 */
export const screenshotUrl = (jobId: string, version: string) => `/api/jobs/${e(jobId)}/screenshot?t=${e(version)}`;

const auditApiPath = (projectId: string) => `/api/projects/${e(projectId)}/audit`;
const activityApiPath = (executionId: string) => `/api/executions/${e(executionId)}/activity`;

/** The whole filtered trail as a CSV file. */
export const projectAuditCsvUrl = (projectId: string, { action, actor }: AuditFilter = {}) =>
  withQuery(auditApiPath(projectId), { action, actor, format: "csv" });
export const executionActivityCsvUrl = (executionId: string, { action, actor }: AuditFilter = {}) =>
  withQuery(activityApiPath(executionId), { action, actor, format: "csv" });

/** Which inputs a comparison lists (the counts cover every input whatever the filter). */
export interface CompareFilterQuery {
  change?: CompareChange;
  field?: string | null;
}

const compareApiPath = (executionId: string, otherId: string) =>
  `/api/executions/${e(executionId)}/compare/${e(otherId)}`;

/** The whole filtered comparison as a file. */
export const compareDownloadUrl = (
  executionId: string,
  otherId: string,
  format: "csv" | "json",
  { change, field }: CompareFilterQuery = {},
) => withQuery(compareApiPath(executionId, otherId), { change, field, format });

/** Every route of one server, for one caller (a token, or the browser's session). */
export function createClient(options: ApiOptions = {}) {
  const api = createApi(options);
  const j = api.json;

  function createBatch(projectId: string, upload: CreateBatchUpload): Promise<CreateBatchResult> {
    const form = new FormData();
    const fileName = upload.fileName ?? (upload.file instanceof File ? upload.file.name : "upload.csv");
    form.set("file", upload.file, fileName);
    if (upload.name?.trim()) form.set("name", upload.name.trim());
    if (upload.urlColumn) form.set("urlColumn", upload.urlColumn);
    if (upload.goalColumn) form.set("goalColumn", upload.goalColumn);
    if (upload.idColumn) form.set("idColumn", upload.idColumn);
    if (upload.agent) form.set("agent", JSON.stringify(upload.agent));
    return j<CreateBatchResult>(`/api/projects/${e(projectId)}/batches`, { ...post, body: form });
  }

  return {
    baseUrl: api.baseUrl,
    token: api.token,

    // Projects
    listProjects: () => j<ProjectListResponse>("/api/projects"),
    getProject: (projectId: string) => j<ProjectResponse>(`/api/projects/${e(projectId)}`),
    createProject: (body: CreateProjectRequest) => j<ProjectResponse>("/api/projects", { ...post, json: body }),
    /** Site admins and the project's admins; everything in it goes too. */
    deleteProject: (projectId: string) => j<null>(`/api/projects/${e(projectId)}`, { method: "DELETE" }),

    // Batches
    listBatches: (projectId: string) => j<BatchListResponse>(`/api/projects/${e(projectId)}/batches`),
    createBatch,
    createBatchFromText: (projectId: string, body: CreateBatchJson) =>
      j<CreateBatchResult>(`/api/projects/${e(projectId)}/batches`, { ...post, json: body }),
    getBatch: (batchId: string) => j<BatchResponse>(`/api/batches/${e(batchId)}`),
    listInputs: (batchId: string, { limit, cursor }: PageQuery = {}) =>
      j<InputPage>(withQuery(`/api/batches/${e(batchId)}/inputs`, { limit, cursor })),
    getEstimate: (batchId: string, { mode, concurrency, sampleSize }: EstimateQuery = {}) =>
      j<EstimateResponse>(withQuery(`/api/batches/${e(batchId)}/estimate`, { mode, concurrency, sampleSize })),
    /** The batch's agent config versions, newest first (the first is its current config). */
    listConfigVersions: (batchId: string) => j<ConfigVersionList>(`/api/batches/${e(batchId)}/configs`),
    /** Saves the next version (201), or answers the latest (200, `created: false`) when it is identical. */
    saveConfigVersion: (batchId: string, body: SaveConfigRequest) =>
      j<SavedConfig>(`/api/batches/${e(batchId)}/configs`, { ...post, json: body }),
    /** Runs one row now with `agent` (unsaved) or the current config; 429 while the server runs enough previews. */
    previewRow: (batchId: string, body: PreviewRequest) =>
      j<PreviewResponse>(`/api/batches/${e(batchId)}/preview`, { ...post, json: body }),

    // Executions
    listExecutions: (batchId: string) => j<ExecutionListResponse>(`/api/batches/${e(batchId)}/executions`),
    startExecution: (batchId: string, body: StartExecutionRequest) =>
      j<ExecutionResponse>(`/api/batches/${e(batchId)}/executions`, { ...post, json: body }),
    getExecution: (executionId: string) => j<ExecutionResponse>(`/api/executions/${e(executionId)}`),
    listJobs: (executionId: string, { statuses, limit, cursor }: JobListQuery = {}) =>
      j<JobPage>(withQuery(`/api/executions/${e(executionId)}/jobs`, { status: statuses?.join(","), limit, cursor })),
    /** Two executions of one batch input by input; the counts come with the first page (no cursor). */
    compareExecutions: (
      executionId: string,
      otherId: string,
      { change, field, limit, cursor }: CompareFilterQuery & PageQuery = {},
    ) => j<CompareResponse>(withQuery(compareApiPath(executionId, otherId), { change, field, limit, cursor })),
    downloadComparison: (
      executionId: string,
      otherId: string,
      format: "csv" | "json",
      filter: CompareFilterQuery = {},
    ) => api.download(compareDownloadUrl(executionId, otherId, format, filter)),
    getLiveStats: (executionId: string) => j<LiveStatsResponse>(`/api/executions/${e(executionId)}/live-stats`),
    /** A new run of a finished execution's failed, cancelled or listed rows (201; 409 while it is still going). */
    rerunExecution: (executionId: string, body: RerunRequest) =>
      j<ExecutionResponse>(`/api/executions/${e(executionId)}/reruns`, { ...post, json: body }),
    /** The re-runs of an execution, newest first. */
    listReruns: (executionId: string) => j<ExecutionListResponse>(`/api/executions/${e(executionId)}/reruns`),
    /** The results file, body unread (stream it to disk); its name is in Content-Disposition. */
    exportResults: (executionId: string, format: ExportFormat) => api.download(exportUrl(executionId, format)),

    // Controls
    pauseExecution: (executionId: string) => j<ControlResponse>(`/api/executions/${e(executionId)}/pause`, post),
    /** Without a body: resume as it was. With `{ maxCost }`: raise the spend cap (a number) or lift it (null) too. */
    resumeExecution: (executionId: string, body?: ResumeRequest) =>
      j<ControlResponse>(`/api/executions/${e(executionId)}/resume`, body ? { ...post, json: body } : post),
    stopExecution: (executionId: string, body: StopRequest = {}) =>
      j<ControlResponse>(`/api/executions/${e(executionId)}/stop`, { ...post, json: body }),
    adjustConcurrency: (executionId: string, concurrency: number) =>
      j<ControlResponse>(`/api/executions/${e(executionId)}/adjust-concurrency`, { ...post, json: { concurrency } }),

    // Jobs
    getJob: (jobId: string) => j<JobResponse>(`/api/jobs/${e(jobId)}`),
    /** The job's latest screenshot (an image), body unread. */
    getScreenshot: (jobId: string) => api.download(`/api/jobs/${e(jobId)}/screenshot`),

    // Server
    getHealth: () => j<HealthResponse>("/api/health"),
    /** What this server can do: its maximum concurrency, which engines can run, the agent's default model. */
    getAppConfig: () => j<AppConfigResponse>("/api/config"),
    /** The worker processes that run jobs, present ones first. */
    listWorkers: () => j<WorkerListResponse>("/api/workers"),

    // Accounts (sign-in, invites, tokens)
    /** Public: answers signed-out callers too (mode, and whether single sign-on is on). */
    getMe: () => j<Me>("/api/auth/me"),
    login: (body: LoginRequest) => j<{ user: User }>("/api/auth/login", { ...post, json: body }),
    logout: () => j<null>("/api/auth/logout", post),
    /** Ends every session of this person (this browser's too); API tokens stay. */
    logoutEverywhere: () => j<{ sessionsEnded: number }>("/api/auth/logout-everywhere", post),
    getInvite: (token: string) => j<{ invite: InviteDetails }>(`/api/auth/invites/${e(token)}`),
    acceptInvite: (token: string, body?: AcceptInviteRequest) =>
      j<AcceptInviteResponse>(`/api/auth/invites/${e(token)}/accept`, body ? { ...post, json: body } : post),
    /** The signed-in person's own tokens, never their secrets (a session only: a token cannot manage tokens). */
    listTokens: () => j<{ tokens: ApiToken[] }>("/api/tokens"),
    /** `secret` is in this answer and nowhere else, ever. */
    createToken: (body: CreateTokenRequest) =>
      j<{ token: ApiToken; secret: string }>("/api/tokens", { ...post, json: body }),
    revokeToken: (tokenId: string) => j<{ token: ApiToken }>(`/api/tokens/${e(tokenId)}`, { method: "DELETE" }),

    // Members and audit trail
    listMembers: (projectId: string) => j<MembersResponse>(`/api/projects/${e(projectId)}/members`),
    addMember: (projectId: string, body: AddMemberRequest) =>
      j<AddMemberResult>(`/api/projects/${e(projectId)}/members`, { ...post, json: body }),
    /** 409 when it would leave the project without an admin. */
    changeMemberRole: (projectId: string, userId: string, role: ProjectRole) =>
      j<{ member: Member }>(`/api/projects/${e(projectId)}/members/${e(userId)}`, { method: "PATCH", json: { role } }),
    /** 409 when it would leave the project without an admin. */
    removeMember: (projectId: string, userId: string) =>
      j<null>(`/api/projects/${e(projectId)}/members/${e(userId)}`, { method: "DELETE" }),
    cancelInvite: (projectId: string, inviteId: string) =>
      j<null>(`/api/projects/${e(projectId)}/invites/${e(inviteId)}`, { method: "DELETE" }),
    /** The project's audit trail (admins). */
    getProjectAudit: (projectId: string, { action, actor, limit, cursor }: AuditQuery = {}) =>
      j<AuditPage>(withQuery(auditApiPath(projectId), { action, actor, limit, cursor })),
    /** One execution's part of the trail (anyone who may watch it). */
    getExecutionActivity: (executionId: string, { action, actor, limit, cursor }: AuditQuery = {}) =>
      j<AuditPage>(withQuery(activityApiPath(executionId), { action, actor, limit, cursor })),
    downloadProjectAuditCsv: (projectId: string, filter: AuditFilter = {}) =>
      api.download(projectAuditCsvUrl(projectId, filter)),

    // Webhooks (admins)
    listWebhooks: (projectId: string) => j<WebhookList>(webhooksApiPath(projectId)),
    /** 201: the webhook and its signing secret, shown this once. */
    createWebhook: (projectId: string, body: CreateWebhookRequest) =>
      j<WebhookWithSecret>(webhooksApiPath(projectId), { ...post, json: body }),
    updateWebhook: (projectId: string, webhookId: string, body: UpdateWebhookRequest) =>
      j<WebhookResponse>(webhooksApiPath(projectId, webhookId), { method: "PATCH", json: body }),
    deleteWebhook: (projectId: string, webhookId: string) =>
      j<null>(webhooksApiPath(projectId, webhookId), { method: "DELETE" }),
    rotateWebhookSecret: (projectId: string, webhookId: string) =>
      j<WebhookWithSecret>(`${webhooksApiPath(projectId, webhookId)}/rotate-secret`, post),
    /** Sends a ping now; the answer is the delivery after its first attempt. */
    testWebhook: (projectId: string, webhookId: string) =>
      j<WebhookDeliveryResponse>(`${webhooksApiPath(projectId, webhookId)}/test`, post),
    listWebhookDeliveries: (projectId: string, webhookId: string, { limit, cursor }: PageQuery = {}) =>
      j<WebhookDeliveryPage>(withQuery(`${webhooksApiPath(projectId, webhookId)}/deliveries`, { limit, cursor })),
    downloadExecutionActivityCsv: (executionId: string, filter: AuditFilter = {}) =>
      api.download(executionActivityCsvUrl(executionId, filter)),
  };
}

export type FleetdeckClient = ReturnType<typeof createClient>;

/** The browser's client: this page's origin, its session cookie, and a 401 sends the person to sign in. */
export const browserClient = createClient({ onUnauthenticated: sendToSignInOn401 });

export const {
  listProjects,
  getProject,
  createProject,
  deleteProject,
  listBatches,
  createBatch,
  createBatchFromText,
  getBatch,
  listInputs,
  getEstimate,
  listConfigVersions,
  saveConfigVersion,
  previewRow,
  listExecutions,
  startExecution,
  rerunExecution,
  listReruns,
  getExecution,
  listJobs,
  getLiveStats,
  compareExecutions,
  pauseExecution,
  resumeExecution,
  stopExecution,
  adjustConcurrency,
  getJob,
  getHealth,
  getAppConfig,
  listWorkers,
  getMe,
  login,
  logout,
  logoutEverywhere,
  getInvite,
  acceptInvite,
  listTokens,
  createToken,
  revokeToken,
  listMembers,
  addMember,
  changeMemberRole,
  removeMember,
  cancelInvite,
  getProjectAudit,
  getExecutionActivity,
  listWebhooks,
  createWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listWebhookDeliveries,
} = browserClient;

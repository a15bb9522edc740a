import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject } from "zod-openapi";
import {
  acceptInviteResponseSchema,
  acceptInviteSchema,
  addMemberResultSchema,
  addMemberSchema,
  auditPageSchema,
  auditQuerySchema,
  changeMemberSchema,
  createdTokenSchema,
  createTokenSchema,
  inviteResponseSchema,
  loginSchema,
  memberResponseSchema,
  membersResponseSchema,
  meSchema,
  sessionsEndedSchema,
  signInResponseSchema,
  tokenListSchema,
  tokenResponseSchema,
} from "@/lib/contract/auth";
import { compareQuerySchema, compareResponseSchema, compareRowSchema } from "@/lib/contract/compare";
import {
  configVersionListSchema,
  previewRequestSchema,
  previewResponseSchema,
  saveConfigSchema,
  savedConfigSchema,
} from "@/lib/contract/configs";
import { estimateQuerySchema, exportQuerySchema, jobsQuerySchema, listInputsQuerySchema } from "@/lib/contract/queries";
import {
  adjustConcurrencySchema,
  createBatchFieldsSchema,
  createBatchJsonSchema,
  createExecutionSchema,
  createProjectSchema,
  resumeSchema,
  stopSchema,
} from "@/lib/contract/requests";
import { createRerunSchema, MAX_RERUN_IDS } from "@/lib/contract/reruns";
import { agentConfigDocumentedSchema } from "@/lib/contract/resources";
import {
  appConfigResponseSchema,
  batchListResponseSchema,
  batchResponseSchema,
  controlResponseSchema,
  createBatchResultSchema,
  estimateResponseSchema,
  executionListResponseSchema,
  executionResponseSchema,
  healthResponseSchema,
  inputPageSchema,
  jobPageSchema,
  jobResponseSchema,
  liveStatsResponseSchema,
  projectListResponseSchema,
  projectResponseSchema,
} from "@/lib/contract/responses";
import {
  createWebhookSchema,
  deliveriesQuerySchema,
  updateWebhookSchema,
  webhookDeliveryPageSchema,
  webhookDeliveryResponseSchema,
  webhookListSchema,
  webhookResponseSchema,
  webhookWithSecretSchema,
} from "@/lib/contract/webhooks";
import { workerListSchema } from "@/lib/contract/workers";
import { z } from "@/lib/contract/zod";

/**
 * Every operation of every route.ts under src/app (the /demo site aside), as OpenAPI describes it: the table that
 * document.ts turns into /api/openapi.json. test/unit/openapi-document.test.ts fails when a route has no row here
 * or a row no route; test/helpers/http.ts checks every JSON answer the integration tests see against it.
 */

/** Who may call (src/server/auth/guard.ts): decides the security requirement and the 401/403/404 answers. */
export type Access = "public" | "signedIn" | "session" | "project";

export interface Operation {
  method: "get" | "post" | "patch" | "delete";
  /** OpenAPI style: `{id}` where the route folder says `[id]`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  access: Access;
  query?: z.ZodObject;
  body?: ZodOpenApiOperationObject["requestBody"];
  /** The success answers, by status. */
  responses: Record<number, ZodOpenApiResponseObject>;
  /** The failures this route answers besides those its access rule brings (see errors.ts). */
  errors?: number[];
}

export const TAGS = {
  Projects: "Projects and the role the caller has on each.",
  Batches: "Uploaded CSVs: one input row per job.",
  Executions: "Runs of a batch, their jobs and live statistics.",
  Controls: "Pause, resume, stop and re-size a running execution.",
  Jobs: "One input row's run: its result, step log and screenshot.",
  Members: "Who may do what on a project, and its audit trail (admins).",
  Accounts: "Signing in, invites and API tokens (with AUTH=on).",
  Webhooks: "Signed POSTs to a project's URLs when an execution completes, stops or pauses itself (admins).",
  Server: "Health, configuration, workers, metrics and this document.",
} as const;
export type Tag = keyof typeof TAGS;

const json = (schema: z.ZodType, description: string): ZodOpenApiResponseObject => ({
  description,
  content: { "application/json": { schema } },
});
const noContent: ZodOpenApiResponseObject = { description: "Done; no body." };
const jsonBody = (schema: z.ZodType, required = true): Operation["body"] => ({
  required,
  content: { "application/json": { schema } },
});
const sessionCookie = z.object({
  "set-cookie": z.string().meta({ description: "The session cookie (HttpOnly, SameSite=Lax)." }),
});
const redirect = (description: string): ZodOpenApiResponseObject => ({
  description,
  headers: z.object({ location: z.string() }),
});
const csvFile = {
  "text/csv": { schema: z.string().meta({ description: "A CSV file (Content-Disposition: attachment)." }) },
};

/** What each export format is, as a file; the formats themselves are the contract's (exportQuerySchema). */
const EXPORT_FILES: Record<string, [mediaType: string, schema: z.ZodType]> = {
  csv: ["text/csv", z.string()],
  json: ["application/json", z.array(z.record(z.string(), z.unknown()))],
  xlsx: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", z.string().meta({ format: "binary" })],
};

function exportContent() {
  return Object.fromEntries(
    exportQuerySchema.shape.format.unwrap().options.map((format) => {
      const file = EXPORT_FILES[format];
      if (!file) throw new Error(`No media type written for the export format ${format}`);
      return [file[0], { schema: file[1] }];
    }),
  );
}

/** The multipart form of batch creation: the CSV as a file, the other fields as text (`agent` is a JSON string). */
const batchUploadForm = createBatchFieldsSchema.extend({
  file: z.string().meta({ format: "binary", description: "The CSV file." }),
  agent: z.string().optional().meta({ description: "The agent config (see AgentConfig) as a JSON string." }),
});

/** Operations whose schemas depend on the server's configuration. */
export function operations(config: { maxConcurrency: number }): Operation[] {
  const { maxConcurrency } = config;
  return [
    // Projects
    {
      method: "get",
      path: "/api/projects",
      operationId: "listProjects",
      tag: "Projects",
      summary: "List the projects the caller is a member of",
      access: "signedIn",
      responses: { 200: json(projectListResponseSchema, "The projects, each with the caller's role.") },
    },
    {
      method: "post",
      path: "/api/projects",
      operationId: "createProject",
      tag: "Projects",
      summary: "Create a project (its creator becomes its admin)",
      description: "An API token limited to some projects cannot create one (403).",
      access: "signedIn",
      body: jsonBody(createProjectSchema),
      responses: { 201: json(projectResponseSchema, "The new project.") },
    },
    {
      method: "get",
      path: "/api/projects/{id}",
      operationId: "getProject",
      tag: "Projects",
      summary: "Get a project",
      access: "project",
      responses: { 200: json(projectResponseSchema, "The project.") },
    },
    {
      method: "delete",
      path: "/api/projects/{id}",
      operationId: "deleteProject",
      tag: "Projects",
      summary: "Delete a project with its batches and executions (admins)",
      access: "project",
      responses: { 204: noContent },
      errors: [409],
    },
    // Batches
    {
      method: "get",
      path: "/api/projects/{id}/batches",
      operationId: "listBatches",
      tag: "Batches",
      summary: "List a project's batches",
      access: "project",
      responses: { 200: json(batchListResponseSchema, "The batches, newest first.") },
    },
    {
      method: "post",
      path: "/api/projects/{id}/batches",
      operationId: "createBatch",
      tag: "Batches",
      summary: "Upload a CSV as a batch (operators)",
      description:
        "multipart/form-data with a `file` field (the CSV), or JSON with the CSV as text (smaller files). When " +
        "`urlColumn` is absent the column whose values look like URLs or domains is chosen. Rows with no usable URL " +
        "are listed in `invalidRows` and are not turned into jobs; a file with no usable row is a 400 `invalid_csv`.",
      access: "project",
      body: {
        required: true,
        content: {
          "multipart/form-data": { schema: batchUploadForm },
          "application/json": {
            schema: createBatchJsonSchema.extend({ agent: agentConfigDocumentedSchema.optional() }),
          },
        },
      },
      responses: { 201: json(createBatchResultSchema, "The batch, and the rows that were left out.") },
    },
    {
      method: "get",
      path: "/api/batches/{id}",
      operationId: "getBatch",
      tag: "Batches",
      summary: "Get a batch",
      access: "project",
      responses: { 200: json(batchResponseSchema, "The batch.") },
    },
    {
      method: "get",
      path: "/api/batches/{id}/inputs",
      operationId: "listInputs",
      tag: "Batches",
      summary: "Page through a batch's input rows in row order",
      access: "project",
      query: listInputsQuerySchema,
      responses: { 200: json(inputPageSchema, "A page of inputs; `nextCursor` is null on the last page.") },
    },
    {
      method: "get",
      path: "/api/batches/{id}/estimate",
      operationId: "getEstimate",
      tag: "Batches",
      summary: "Estimate the duration and cost of running a batch",
      access: "project",
      query: estimateQuerySchema(maxConcurrency),
      responses: { 200: json(estimateResponseSchema, "The estimate.") },
    },
    {
      method: "get",
      path: "/api/batches/{id}/configs",
      operationId: "listConfigVersions",
      tag: "Batches",
      summary: "A batch's agent config versions, newest first",
      description: "Version 1 is the config the batch was uploaded with; the newest is the batch's current `agent`.",
      access: "project",
      responses: { 200: json(configVersionListSchema, "The versions.") },
    },
    {
      method: "post",
      path: "/api/batches/{id}/configs",
      operationId: "saveConfigVersion",
      tag: "Batches",
      summary: "Save an agent config as the batch's next version (operators)",
      description:
        "Validated as at batch creation (errors name the field, e.g. `agent.fields.0.selector`). The new version " +
        "becomes the batch's current config; running executions keep theirs. A config identical to the latest " +
        "version saves nothing: 200 with the latest and `created: false`.",
      access: "project",
      body: jsonBody(saveConfigSchema),
      responses: {
        201: json(savedConfigSchema, "The new version and the batch."),
        200: json(savedConfigSchema, "Identical to the latest version: the latest, nothing saved."),
      },
    },
    {
      method: "post",
      path: "/api/batches/{id}/preview",
      operationId: "previewRow",
      tag: "Batches",
      summary: "Try a config on one input row now (operators)",
      description:
        "Runs row `rowIndex` with the given unsaved `agent` config, or the batch's current one, in the serving " +
        "process and through the network guard, with the config's timeout capped at 60 s, and answers what it " +
        "extracted, its step log, final URL and status, its error and (browser engine) a screenshot. It creates no " +
        "execution and no job. A failed run is still a 200 with `status: failed`. Previews run a few at a time per " +
        "server process; beyond that, 429 with Retry-After. The goal-driven engine's model spend is real and " +
        "reported in `usage`.",
      access: "project",
      body: jsonBody(previewRequestSchema),
      responses: { 200: json(previewResponseSchema, "What the row gave.") },
      errors: [429],
    },
    // Executions
    {
      method: "get",
      path: "/api/batches/{id}/executions",
      operationId: "listExecutions",
      tag: "Executions",
      summary: "List a batch's executions, newest first",
      access: "project",
      responses: { 200: json(executionListResponseSchema, "The executions.") },
    },
    {
      method: "post",
      path: "/api/batches/{id}/executions",
      operationId: "startExecution",
      tag: "Executions",
      summary: "Start an execution of a batch (operators)",
      description: `It starts at once. \`concurrency\` defaults to 5, at most ${maxConcurrency} on this server; in test mode \`sampleSize\` rows (default 5) are taken in input order.`,
      access: "project",
      body: jsonBody(createExecutionSchema(maxConcurrency)),
      responses: { 201: json(executionResponseSchema, "The execution, running.") },
      errors: [409],
    },
    {
      method: "get",
      path: "/api/executions/{id}",
      operationId: "getExecution",
      tag: "Executions",
      summary: "Get an execution",
      access: "project",
      responses: { 200: json(executionResponseSchema, "The execution.") },
    },
    {
      method: "get",
      path: "/api/executions/{id}/jobs",
      operationId: "listJobs",
      tag: "Executions",
      summary: "Page through an execution's jobs",
      access: "project",
      query: jobsQuerySchema,
      responses: { 200: json(jobPageSchema, "A page of jobs; `nextCursor` is null on the last page.") },
    },
    {
      method: "get",
      path: "/api/executions/{id}/live-stats",
      operationId: "getLiveStats",
      tag: "Executions",
      summary: "An execution's counts, success rate, timing and spend now",
      access: "project",
      responses: { 200: json(liveStatsResponseSchema, "The statistics.") },
    },
    {
      method: "get",
      path: "/api/executions/{id}/export",
      operationId: "exportResults",
      tag: "Executions",
      summary: "Download the results",
      description:
        "One row per job: the input row's columns, then `status`, `error`, the extracted fields, `durationMs`, " +
        "`finalUrl`. An attachment (Content-Disposition).",
      access: "project",
      query: exportQuerySchema,
      responses: {
        200: {
          description: "The results file in the format asked for.",
          content: exportContent(),
        },
      },
    },
    {
      method: "get",
      path: "/api/executions/{id}/activity",
      operationId: "getExecutionActivity",
      tag: "Executions",
      summary: "Who did what to an execution (its part of the audit trail)",
      description: "Addresses are shown to the project's admins only. `format=csv` answers the whole filtered trail.",
      access: "project",
      query: auditQuerySchema.omit({ executionId: true }),
      responses: {
        200: {
          description: "A page of entries, newest first, or a CSV file.",
          content: { "application/json": { schema: auditPageSchema }, ...csvFile },
        },
      },
    },
    {
      method: "get",
      path: "/api/executions/{id}/reruns",
      operationId: "listReruns",
      tag: "Executions",
      summary: "List the re-runs of an execution, newest first",
      access: "project",
      responses: { 200: json(executionListResponseSchema, "The executions that re-run rows of this one.") },
    },
    {
      method: "post",
      path: "/api/executions/{id}/reruns",
      operationId: "rerunExecution",
      tag: "Executions",
      summary: "Re-run rows of a finished execution (operators)",
      description:
        "A new production execution of the same batch over just the selected rows, in input order, linked to this " +
        '(its parent): `"failed"` or `"cancelled"` takes the jobs that ended so, `{ jobIds }` or `{ inputIds }` the ' +
        `listed ones (at most ${MAX_RERUN_IDS}; an id that is not the parent's is a 400 naming it). Only a completed ` +
        "or stopped execution can be re-run (409 otherwise); a selection with no rows is a 400. `agent`, when given, " +
        "is saved as the batch's next config version and run; otherwise the latest version runs.",
      access: "project",
      body: jsonBody(createRerunSchema(maxConcurrency).extend({ agent: agentConfigDocumentedSchema.optional() })),
      responses: { 201: json(executionResponseSchema, "The re-run, running.") },
      errors: [409, 413, 415],
    },
    {
      method: "get",
      path: "/api/executions/{id}/compare/{otherId}",
      operationId: "compareExecutions",
      tag: "Executions",
      summary: "Compare two executions of a batch, input by input",
      description:
        "A is `id`, B is `otherId`; both must be executions of the same batch (400 otherwise; 404 for one the caller " +
        "may not see). Inputs are matched by batch input; per input: status A → B and each extracted field added, " +
        'removed or changed (values compared as JSON: deep, key order ignored, `1` and `"1"` differ). Unchanged ' +
        "inputs are left out unless `change=all`. Pages in input order; the counts come with the first page. " +
        "`format=csv|json` downloads the whole filtered diff instead.",
      access: "project",
      query: compareQuerySchema,
      responses: {
        200: {
          description: "A page of the comparison, or the whole filtered diff as a file.",
          content: {
            "application/json": {
              schema: z.union([
                compareResponseSchema,
                z.array(compareRowSchema).meta({ description: "With format=json: every row of the filtered diff." }),
              ]),
            },
            ...csvFile,
          },
        },
      },
    },
    // Controls
    ...(
      [
        ["pause", "pauseExecution", "Pause: no new job starts; running jobs finish", undefined],
        ["resume", "resumeExecution", "Resume: queued jobs start again up to the concurrency", resumeSchema],
        ["stop", "stopExecution", "Stop: queued jobs are cancelled; running jobs finish", stopSchema],
        [
          "adjust-concurrency",
          "adjustConcurrency",
          "Change the concurrency at once (allowed while paused)",
          adjustConcurrencySchema(maxConcurrency),
        ],
      ] as const
    ).map(
      ([action, operationId, summary, body]): Operation => ({
        method: "post",
        path: `/api/executions/{id}/${action}`,
        operationId,
        tag: "Controls",
        summary: `${summary} (operators)`,
        description:
          "A no-op (pausing a paused execution, …) answers 200 too and its message says so. On a stopped or " +
          "completed execution pause, resume and adjust answer 409 `invalid_state`.",
        access: "project",
        body: body && jsonBody(body, action === "adjust-concurrency"),
        responses: { 200: json(controlResponseSchema, "The execution after the control.") },
        errors: [409],
      }),
    ),
    // Jobs
    {
      method: "get",
      path: "/api/jobs/{id}",
      operationId: "getJob",
      tag: "Jobs",
      summary: "Get a job with its step log and an agent's transcript",
      access: "project",
      responses: { 200: json(jobResponseSchema, "The job.") },
    },
    {
      method: "get",
      path: "/api/jobs/{id}/screenshot",
      operationId: "getScreenshot",
      tag: "Jobs",
      summary: "The job's latest screenshot (JPEG)",
      access: "project",
      responses: {
        200: {
          description: "The screenshot; never cached.",
          content: { "image/jpeg": { schema: z.string().meta({ format: "binary" }) } },
        },
      },
    },
    // Members
    {
      method: "get",
      path: "/api/projects/{id}/members",
      operationId: "listMembers",
      tag: "Members",
      summary: "List a project's members and open invites (admins)",
      access: "project",
      responses: { 200: json(membersResponseSchema, "Members and open invites.") },
    },
    {
      method: "post",
      path: "/api/projects/{id}/members",
      operationId: "addMember",
      tag: "Members",
      summary: "Give someone a role on the project (admins)",
      description:
        "At once when they have an account (`member`), otherwise through a one-time invite link (`invite.url`, " +
        "in this answer only). 409 in local mode.",
      access: "project",
      body: jsonBody(addMemberSchema),
      responses: { 201: json(addMemberResultSchema, "The member, or the invite.") },
      errors: [409],
    },
    {
      method: "patch",
      path: "/api/projects/{id}/members/{userId}",
      operationId: "changeMemberRole",
      tag: "Members",
      summary: "Change a member's role (admins)",
      description: "409 when it would leave the project without an admin.",
      access: "project",
      body: jsonBody(changeMemberSchema),
      responses: { 200: json(memberResponseSchema, "The member with the new role.") },
      errors: [409],
    },
    {
      method: "delete",
      path: "/api/projects/{id}/members/{userId}",
      operationId: "removeMember",
      tag: "Members",
      summary: "Remove a member (admins)",
      description: "409 when it would leave the project without an admin.",
      access: "project",
      responses: { 204: noContent },
      errors: [409],
    },
    {
      method: "delete",
      path: "/api/projects/{id}/invites/{inviteId}",
      operationId: "cancelInvite",
      tag: "Members",
      summary: "Cancel an invite nobody has used yet (admins)",
      access: "project",
      responses: { 204: noContent },
    },
    {
      method: "get",
      path: "/api/projects/{id}/audit",
      operationId: "getProjectAudit",
      tag: "Members",
      summary: "The project's audit trail, newest first (admins)",
      description: "`format=csv` answers the whole filtered trail as a file.",
      access: "project",
      query: auditQuerySchema,
      responses: {
        200: {
          description: "A page of entries, or a CSV file.",
          content: { "application/json": { schema: auditPageSchema }, ...csvFile },
        },
      },
    },
    // Accounts
    {
      method: "get",
      path: "/api/auth/me",
      operationId: "getMe",
      tag: "Accounts",
      summary: "Who the caller is (answers signed-out callers too)",
      access: "public",
      responses: { 200: json(meSchema, "The caller.") },
    },
    {
      method: "post",
      path: "/api/auth/login",
      operationId: "login",
      tag: "Accounts",
      summary: "Sign in with email and password",
      description: "Too many failed attempts for an account or an address answer 429 until the window ends.",
      access: "public",
      body: jsonBody(loginSchema),
      responses: { 200: { ...json(signInResponseSchema, "Signed in."), headers: sessionCookie } },
      errors: [401, 409, 429],
    },
    {
      method: "post",
      path: "/api/auth/logout",
      operationId: "logout",
      tag: "Accounts",
      summary: "Sign this browser out (signed out already is fine)",
      access: "public",
      responses: { 204: { ...noContent, headers: sessionCookie } },
    },
    {
      method: "post",
      path: "/api/auth/logout-everywhere",
      operationId: "logoutEverywhere",
      tag: "Accounts",
      summary: "End every session of this person; API tokens stay",
      access: "session",
      responses: { 200: { ...json(sessionsEndedSchema, "Signed out everywhere."), headers: sessionCookie } },
    },
    {
      method: "get",
      path: "/api/auth/invites/{token}",
      operationId: "getInvite",
      tag: "Accounts",
      summary: "What an invite link is for, before anyone takes it",
      access: "public",
      responses: { 200: json(inviteResponseSchema, "The invite.") },
      errors: [404],
    },
    {
      method: "post",
      path: "/api/auth/invites/{token}/accept",
      operationId: "acceptInvite",
      tag: "Accounts",
      summary: "Take an invite",
      description:
        "Signed in: with an empty body. Signed out: the new account's name and password (and email, on the first " +
        "admin's link); the answer signs the new account in.",
      access: "public",
      body: jsonBody(acceptInviteSchema, false),
      responses: {
        201: { ...json(acceptInviteResponseSchema, "The account and the project joined."), headers: sessionCookie },
      },
      errors: [404, 409],
    },
    {
      method: "get",
      path: "/api/auth/oidc/start",
      operationId: "startSingleSignOn",
      tag: "Accounts",
      summary: "Send the browser to the identity provider",
      access: "public",
      query: z.object({
        next: z.string().optional().meta({ description: "The path to come back to once signed in." }),
      }),
      responses: { 303: redirect("To the identity provider.") },
      errors: [404],
    },
    {
      method: "get",
      path: "/api/auth/oidc/callback",
      operationId: "finishSingleSignOn",
      tag: "Accounts",
      summary: "Where the identity provider sends the browser back",
      description: "Signed in, to where the sign-in started; or to the sign-in page with the reason.",
      access: "public",
      responses: { 303: redirect("Signed in and back, or to the sign-in page with the reason.") },
    },
    {
      method: "get",
      path: "/api/tokens",
      operationId: "listTokens",
      tag: "Accounts",
      summary: "The signed-in person's API tokens (never their secrets)",
      access: "session",
      responses: { 200: json(tokenListSchema, "The tokens.") },
    },
    {
      method: "post",
      path: "/api/tokens",
      operationId: "createToken",
      tag: "Accounts",
      summary: "Create an API token; its secret is in this answer only",
      access: "session",
      body: jsonBody(createTokenSchema),
      responses: { 201: json(createdTokenSchema, "The token and its secret.") },
      errors: [409],
    },
    {
      method: "delete",
      path: "/api/tokens/{id}",
      operationId: "revokeToken",
      tag: "Accounts",
      summary: "Revoke a token: requests and live connections using it stop at once",
      access: "session",
      responses: { 200: json(tokenResponseSchema, "The token, revoked.") },
      errors: [404, 409],
    },
    // Webhooks
    {
      method: "get",
      path: "/api/projects/{id}/webhooks",
      operationId: "listWebhooks",
      tag: "Webhooks",
      summary: "List a project's webhooks (admins); secrets are never listed",
      access: "project",
      responses: { 200: json(webhookListSchema, "The webhooks, oldest first.") },
    },
    {
      method: "post",
      path: "/api/projects/{id}/webhooks",
      operationId: "createWebhook",
      tag: "Webhooks",
      summary: "Add a webhook (admins): its signing secret is in this answer only",
      description:
        "The URL (http or https, at most 2,000 characters) must pass the network guard as agents' URLs do: a " +
        "private or loopback host is refused (400 naming `url`) unless ALLOWED_HOSTS lists it. At most 20 per " +
        "project (409).",
      access: "project",
      body: jsonBody(createWebhookSchema),
      responses: { 201: json(webhookWithSecretSchema, "The webhook and its secret, shown once.") },
      errors: [409, 413, 415],
    },
    {
      method: "patch",
      path: "/api/projects/{id}/webhooks/{webhookId}",
      operationId: "updateWebhook",
      tag: "Webhooks",
      summary: "Change a webhook's URL, events or enabled (admins)",
      description: "A new URL passes the network guard again.",
      access: "project",
      body: jsonBody(updateWebhookSchema),
      responses: { 200: json(webhookResponseSchema, "The webhook as changed.") },
      errors: [404, 413, 415],
    },
    {
      method: "delete",
      path: "/api/projects/{id}/webhooks/{webhookId}",
      operationId: "deleteWebhook",
      tag: "Webhooks",
      summary: "Delete a webhook with its delivery log (admins)",
      access: "project",
      responses: { 204: noContent },
      errors: [404],
    },
    {
      method: "post",
      path: "/api/projects/{id}/webhooks/{webhookId}/rotate-secret",
      operationId: "rotateWebhookSecret",
      tag: "Webhooks",
      summary: "Give a webhook a new signing secret, shown once (admins)",
      access: "project",
      responses: { 200: json(webhookWithSecretSchema, "The webhook and its new secret.") },
      errors: [404],
    },
    {
      method: "post",
      path: "/api/projects/{id}/webhooks/{webhookId}/test",
      operationId: "testWebhook",
      tag: "Webhooks",
      summary: "Send a ping delivery now and say how it went (admins)",
      description: "Waits for the receiver (10 s at most). A failed ping is retried like any delivery.",
      access: "project",
      responses: { 200: json(webhookDeliveryResponseSchema, "The ping delivery after its first attempt.") },
      errors: [404, 409],
    },
    {
      method: "get",
      path: "/api/projects/{id}/webhooks/{webhookId}/deliveries",
      operationId: "listWebhookDeliveries",
      tag: "Webhooks",
      summary: "A webhook's delivery log, newest first (admins)",
      access: "project",
      query: deliveriesQuerySchema,
      responses: { 200: json(webhookDeliveryPageSchema, "A page of deliveries.") },
      errors: [404],
    },
    // Server
    {
      method: "get",
      path: "/api/health",
      operationId: "getHealth",
      tag: "Server",
      summary: "Whether the app can serve requests, its version and live workers",
      description: "503 in the error shape while the database is unreachable (for load balancers).",
      access: "public",
      responses: { 200: json(healthResponseSchema, "Healthy.") },
    },
    {
      method: "get",
      path: "/api/config",
      operationId: "getAppConfig",
      tag: "Server",
      summary: "What this server can do: its maximum concurrency and which engines can run",
      access: "signedIn",
      responses: { 200: json(appConfigResponseSchema, "The configuration.") },
    },
    {
      method: "get",
      path: "/api/workers",
      operationId: "listWorkers",
      tag: "Server",
      summary: "The worker processes that run jobs",
      access: "signedIn",
      responses: { 200: json(workerListSchema, "Present ones first, newest first.") },
    },
    {
      method: "get",
      path: "/api/openapi.json",
      operationId: "getOpenApiDocument",
      tag: "Server",
      summary: "This document",
      access: "public",
      responses: {
        200: json(
          z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
          "The OpenAPI 3.1 document.",
        ),
      },
    },
    {
      method: "get",
      path: "/metrics",
      operationId: "getMetrics",
      tag: "Server",
      summary: "Prometheus metrics",
      description:
        "Jobs by state, claim and finish latency, event lag, WebSocket clients and process metrics. With AUTH=on a " +
        "scraper sends an API token as Bearer.",
      access: "signedIn",
      responses: {
        200: {
          description: "The Prometheus text exposition format.",
          content: { "text/plain": { schema: z.string() } },
        },
      },
    },
  ];
}

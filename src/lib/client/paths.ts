/**
 * Every page address of the app, in one place. Ids are always percent-encoded, so an id with a "/" or "?" in it
 * names its page and nothing else.
 */

export interface BatchPathParams {
  projectId: string;
  batchId: string;
}

export interface ExecutionPathParams extends BatchPathParams {
  executionId: string;
}

const e = encodeURIComponent;

/** The home page: the list of projects. */
export const projectsPath = "/";
export const workersPath = "/workers";
export const projectPath = (projectId: string) => `/projects/${e(projectId)}`;
export const newBatchPath = (projectId: string) => `${projectPath(projectId)}/batches/new`;
export const batchPath = (p: BatchPathParams) => `${projectPath(p.projectId)}/batches/${e(p.batchId)}`;
export const executionPath = (p: ExecutionPathParams) => `${batchPath(p)}/executions/${e(p.executionId)}`;
export const livePath = (p: ExecutionPathParams) => `${executionPath(p)}/live`;
export const resultsPath = (p: ExecutionPathParams) => `${executionPath(p)}/results`;
export const jobPath = (p: ExecutionPathParams, jobId: string) => `${executionPath(p)}/jobs/${e(jobId)}`;
/** This execution (A) beside another of its batch (B), input by input. */
export const comparePath = (p: ExecutionPathParams, otherId: string) => `${executionPath(p)}/compare/${e(otherId)}`;

// Members and audit trail

/** Who may do what on the project (admins). */
export const membersPath = (projectId: string) => `${projectPath(projectId)}/members`;
/** The project's audit trail (admins). */
export const auditPath = (projectId: string) => `${projectPath(projectId)}/audit`;
/** Who did what to one execution. */
export const activityPath = (p: ExecutionPathParams) => `${executionPath(p)}/activity`;

/** The URLs of the execution pages, in one place. */
export interface ExecutionPathParams {
  projectId: string;
  batchId: string;
  executionId: string;
}

const e = encodeURIComponent;

export const projectPath = (projectId: string) => `/projects/${e(projectId)}`;
export const batchPath = (p: Pick<ExecutionPathParams, "projectId" | "batchId">) =>
  `/projects/${e(p.projectId)}/batches/${e(p.batchId)}`;
export const executionPath = (p: ExecutionPathParams) => `${batchPath(p)}/executions/${e(p.executionId)}`;
export const livePath = (p: ExecutionPathParams) => `${executionPath(p)}/live`;
export const resultsPath = (p: ExecutionPathParams) => `${executionPath(p)}/results`;
export const jobPath = (p: ExecutionPathParams, jobId: string) => `${executionPath(p)}/jobs/${e(jobId)}`;

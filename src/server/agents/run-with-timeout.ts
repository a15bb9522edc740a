import { type Agent, type AgentContext, AgentError, type AgentJob, type AgentResult } from "./types";

/** The grace after a job's timeout for an agent that ignores its AbortSignal. */
const TIMEOUT_GRACE_MS = 5000;

/**
 * Runs one job with its agent, as the scheduler and the preview both do: `abort` is aborted with a retryable timeout
 * error after `timeoutMs`, and an agent that ignores it is given up on after a short grace. A run that ends after
 * `abort` fired (timeout, lease lost, shutdown) throws the abort's reason, never a late result.
 */
export async function runWithTimeout(
  agent: Agent,
  job: AgentJob,
  ctx: Omit<AgentContext, "signal">,
  abort: AbortController,
  timeoutMs: number,
): Promise<AgentResult> {
  const timeoutError = () => new AgentError(`Timed out after ${timeoutMs / 1000} s on ${job.siteUrl}`, true, "timeout");
  let timer: NodeJS.Timeout | undefined;
  let hardTimer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => abort.abort(timeoutError()), timeoutMs);
    hardTimer = setTimeout(() => reject(timeoutError()), timeoutMs + TIMEOUT_GRACE_MS);
  });
  try {
    const result = await Promise.race([agent.run(job, { ...ctx, signal: abort.signal }), timedOut]);
    if (abort.signal.aborted)
      throw abort.signal.reason instanceof Error
        ? abort.signal.reason
        : new AgentError("The job was aborted", true, "aborted");
    return result;
  } finally {
    clearTimeout(timer);
    clearTimeout(hardTimer);
  }
}

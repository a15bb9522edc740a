import type { Agent, AgentContext, AgentJob, AgentResult } from "./types";
import { AgentError } from "./types";

const STEPS = ["Opening the page", "Reading the content", "Extracting fields", "Finishing"];

/** No network: a few progress steps spread over `durationMs`, failing at `failRate` (not retryable). */
export const simulatedAgent: Agent = {
  async run(job: AgentJob, ctx: AgentContext): Promise<AgentResult> {
    const { durationMs, failRate } = { durationMs: 1000, failRate: 0, ...ctx.config.simulate };
    const stepCount = durationMs === 0 ? 1 : STEPS.length;
    for (let i = 0; i < stepCount; i++) {
      ctx.progress({
        step: durationMs === 0 ? "Simulating" : STEPS[i]!,
        url: job.siteUrl,
        percent: Math.round((i / stepCount) * 100),
      });
      if (durationMs > 0) await sleep(durationMs / stepCount, ctx.signal);
    }
    if (ctx.signal.aborted) throw new AgentError("The job was aborted", true, "aborted");
    if (failRate > 0 && Math.random() < failRate) {
      throw new AgentError(`Simulated failure for ${job.siteUrl}`, false, "simulated");
    }
    return { extractedData: { simulated: true, row: job.row }, finalUrl: job.siteUrl, httpStatus: 200 };
  },
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

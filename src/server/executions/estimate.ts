import { agentConfigSchema } from "@/lib/contract/agent";
import type { Estimate, ExecutionMode } from "@/lib/contract/resources";
import type { Env } from "../env";

export interface EstimateInput {
  mode: ExecutionMode;
  sampleSize: number;
  concurrency: number;
  rowCount: number;
  agent: unknown;
  /** Measured average job time of this batch (else its project), null without history. */
  historicalAvgMs: number | null;
  /** Measured model spend per finished job of this batch (goal-driven agents), null without history. */
  historicalAvgCostUsd: number | null;
}

export const DEFAULT_SAMPLE_SIZE = 5;

export function jobCount(mode: ExecutionMode, sampleSize: number, rowCount: number): number {
  return mode === "test" ? Math.min(sampleSize, rowCount) : rowCount;
}

/**
 * Duration: jobs run `concurrency` at a time, each taking the measured average (or, without history,
 * the simulated duration or DEFAULT_JOB_DURATION_MS). Cost: agent-minutes times the configured price, plus the
 * measured model spend per job of this batch (a test run of a goal-driven batch makes its production estimate real).
 */
export function estimate(
  input: EstimateInput,
  env: Pick<Env, "DEFAULT_JOB_DURATION_MS" | "PRICE_PER_AGENT_MINUTE">,
): Estimate {
  const totalJobs = jobCount(input.mode, input.sampleSize, input.rowCount);
  const agent = agentConfigSchema.safeParse(input.agent);
  const simulatedMs =
    agent.success && agent.data.engine === "simulated" ? (agent.data.simulate?.durationMs ?? 1000) : null;
  const perJobMs = input.historicalAvgMs ?? simulatedMs ?? env.DEFAULT_JOB_DURATION_MS;
  const waves = Math.ceil(totalJobs / Math.max(1, input.concurrency));
  const estimatedDurationMs = Math.round(waves * perJobMs);
  const computeCost = ((totalJobs * perJobMs) / 60_000) * env.PRICE_PER_AGENT_MINUTE;
  const modelCost = totalJobs * (input.historicalAvgCostUsd ?? 0);
  const estimatedCost = Math.round((computeCost + modelCost) * 100) / 100;
  const basis = input.historicalAvgMs === null ? "config" : "history";
  return { totalJobs, estimatedDurationMs, estimatedCost, basis };
}

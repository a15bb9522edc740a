import type { AgentConfig } from "@/lib/contract/agent";
import type { JobUsage as AgentUsage, TranscriptStep } from "@/lib/contract/spend";
import { capText } from "./limits";

/** What an agent knows of the job it runs. Agents never touch the database. */
export interface AgentJob {
  id: string;
  executionId: string;
  inputId: string;
  siteUrl: string;
  goal: string | null;
  /** The whole CSV row, for {{column}} templating. */
  row: Record<string, string>;
  retryCount: number;
}

export interface ProgressReport {
  /** Words a user understands: "Opening https://…", "Clicking 'Next'". */
  step: string;
  url?: string;
  /** 0-100. */
  percent?: number;
  /** What a goal-driven agent adds to a step: the model's reason, and the job's spend so far. */
  detail?: ProgressDetail;
}

export interface ProgressDetail {
  /** The model's one-line reason for the action. */
  reason?: string;
  /** The action in short form: "click e12", "type e7 'SW1A 1AA'". */
  action?: string;
  /** The job's totals so far (not this step's): the latest report is the spend so far. */
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

/** A language model's spend on one job, and a goal-driven agent's transcript: both travel to the browser. */
export type { JobUsage as AgentUsage, TranscriptStep } from "@/lib/contract/spend";

export interface AgentContext {
  config: AgentConfig;
  /** Aborted on job timeout or shutdown; every engine must honour it promptly. */
  signal: AbortSignal;
  progress(report: ProgressReport): void;
  /** The latest JPEG thumbnail of the page (small, ~480 px wide). */
  screenshot(jpeg: Buffer): void;
}

export interface AgentResult {
  extractedData: Record<string, unknown>;
  finalUrl?: string;
  httpStatus?: number;
  /** Goal-driven agents: the model's spend on the job. */
  usage?: AgentUsage;
  /** Goal-driven agents: what was seen, decided and done, step by step. */
  transcript?: TranscriptStep[];
}

/** What a failed job had already done: a goal-driven agent's spend is real even when it fails. */
export interface AgentErrorDetails {
  usage?: AgentUsage;
  transcript?: TranscriptStep[];
  finalUrl?: string;
  /** How long the cause asked to wait before a retry (a model's 429 Retry-After), for the scheduler's backoff. */
  retryAfterMs?: number;
}

export interface Agent {
  run(job: AgentJob, ctx: AgentContext): Promise<AgentResult>;
}

/**
 * A failure the agent understood. `retryable` decides between a retry with backoff and a final failure. Its message
 * is stored and shown, and may quote a page (a URL, a selector): it is cut to the field limit (MAX_FIELD_BYTES).
 */
export class AgentError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly kind: string = "agent",
    readonly details?: AgentErrorDetails,
  ) {
    super(capText(message));
    this.name = "AgentError";
  }
}

export function isAgentError(e: unknown): e is AgentError {
  return e instanceof AgentError || (e instanceof Error && e.name === "AgentError" && "retryable" in e);
}

import type { AgentConfig } from "@/lib/contract/agent";
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
}

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
  ) {
    super(capText(message));
    this.name = "AgentError";
  }
}

export function isAgentError(e: unknown): e is AgentError {
  return e instanceof AgentError || (e instanceof Error && e.name === "AgentError" && "retryable" in e);
}

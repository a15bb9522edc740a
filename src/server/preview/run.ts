import { randomUUID } from "node:crypto";
import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import type { Preview, PreviewStep } from "@/lib/contract/configs";
import type { JobUsage } from "@/lib/contract/spend";
import { agentFor } from "../agents";
import { capText } from "../agents/limits";
import { runWithTimeout } from "../agents/run-with-timeout";
import { AgentError, isAgentError, type ProgressReport } from "../agents/types";
import { getBatchRow, refuseUnavailableEngine } from "../batches/service";
import { validationFailed } from "../errors";
import { latestVersion } from "../repos/agent-configs";
import * as batchesRepo from "../repos/batches";
import { getRuntime } from "../runtime";
import { inPreviewSlot } from "./slots";

/** A preview answers while its caller waits: whatever the config says, it gets this long at most. */
export const MAX_PREVIEW_TIMEOUT_MS = 60_000;
/** Steps kept for the answer; a chatty agent's later steps are dropped (the last one, its end, is always kept). */
const MAX_PREVIEW_STEPS = 200;

export interface PreviewInput {
  rowIndex: number;
  /** An unsaved config, already validated; without it, the batch's current config. */
  agent?: AgentConfig;
}

/**
 * "Try on row N": runs one input row now, in this process, with the engine the scheduler would use, through the
 * network guard, and answers what it did. It writes nothing: no execution, no job, no step log, no screenshot row.
 */
export async function runPreview(batchId: string, input: PreviewInput): Promise<Preview> {
  const { db } = getRuntime();
  const batch = await getBatchRow(batchId);
  const config = input.agent ?? agentConfigSchema.parse(batch.agent ?? {});
  refuseUnavailableEngine(config);
  const configVersion = input.agent ? null : await latestVersion(db, batchId);
  const [row] = await batchesRepo.listInputs(db, batchId, { afterRowIndex: input.rowIndex - 1, limit: 1 });
  if (!row || row.rowIndex !== input.rowIndex) {
    throw validationFailed(
      `rowIndex: row ${input.rowIndex} is not an input of this batch (rows skipped at upload cannot be tried)`,
      { field: "rowIndex" },
    );
  }
  return inPreviewSlot(async () => {
    const recorder = new PreviewRecorder();
    const base = {
      rowIndex: row.rowIndex,
      inputId: row.inputId,
      siteUrl: row.siteUrl,
      engine: config.engine,
      configVersion,
    };
    try {
      const result = await runWithTimeout(
        agentFor(config),
        {
          id: `preview-${randomUUID()}`,
          executionId: "preview",
          inputId: row.inputId,
          siteUrl: row.siteUrl,
          goal: row.goal,
          row: row.data,
          retryCount: 0,
        },
        { config, progress: recorder.report, screenshot: recorder.screenshot },
        new AbortController(),
        Math.min(config.timeoutMs, MAX_PREVIEW_TIMEOUT_MS),
      );
      recorder.record("Completed", 100);
      return {
        ...base,
        status: "completed",
        extractedData: result.extractedData,
        error: null,
        finalUrl: result.finalUrl ?? null,
        httpStatus: result.httpStatus ?? null,
        usage: result.usage ?? recorder.usage(config) ?? null,
        ...recorder.finish(),
      };
    } catch (e) {
      const error = isAgentError(e)
        ? e
        : new AgentError(`Unexpected agent failure: ${e instanceof Error ? e.message : String(e)}`, true, "internal");
      recorder.record(`Failed: ${error.message}`, null);
      return {
        ...base,
        status: "failed",
        extractedData: null,
        error: { message: error.message, retryable: error.retryable, kind: error.kind },
        finalUrl: error.details?.finalUrl ?? null,
        httpStatus: null,
        usage: error.details?.usage ?? recorder.usage(config) ?? null,
        ...recorder.finish(),
      };
    }
  });
}

/** Keeps an agent's reports in memory the way the scheduler's reporter words them: one line per distinct step. */
class PreviewRecorder {
  private readonly startedAt = Date.now();
  private readonly steps: PreviewStep[] = [];
  private lastStep: string | null = null;
  private lastUrl: string | null = null;
  private latestJpeg: Buffer | null = null;
  private spend: ProgressReport["detail"] | undefined;

  report = (report: ProgressReport) => {
    if (report.url) this.lastUrl = capText(report.url);
    const d = report.detail;
    if (d?.costUsd !== undefined || d?.inputTokens !== undefined || d?.outputTokens !== undefined) this.spend = d;
    const percent = report.percent === undefined ? null : Math.max(0, Math.min(99, Math.round(report.percent)));
    this.record(report.step, percent);
  };

  screenshot = (jpeg: Buffer) => {
    this.latestJpeg = jpeg;
  };

  record(text: string, percent: number | null) {
    const step = capText(text);
    if (step === this.lastStep) return;
    this.lastStep = step;
    const entry = { step, url: this.lastUrl, percent, atMs: Date.now() - this.startedAt };
    if (this.steps.length >= MAX_PREVIEW_STEPS) this.steps[MAX_PREVIEW_STEPS - 1] = entry;
    else this.steps.push(entry);
  }

  /** The model's spend as the agent last reported it: what a run cut off by the timeout had spent. */
  usage(config: AgentConfig): JobUsage | undefined {
    const s = this.spend;
    if (!s) return undefined;
    return {
      inputTokens: s.inputTokens ?? 0,
      outputTokens: s.outputTokens ?? 0,
      costUsd: s.costUsd ?? 0,
      model: config.agent?.model ?? "unknown",
    };
  }

  finish() {
    return {
      steps: this.steps,
      durationMs: Date.now() - this.startedAt,
      screenshot: this.latestJpeg ? this.latestJpeg.toString("base64") : null,
    };
  }
}

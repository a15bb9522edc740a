import type { Estimate, Execution, ExecutionMode, Job, JobStatus, LiveStats } from "@/lib/contract/resources";
import type { JobResponse } from "@/lib/contract/responses";
import { fillTemplate } from "../agents/template";
import { type Doer, NOBODY, recordAudit } from "../auth/audit";
import { getBatchRow, parseAgentConfig } from "../batches/service";
import type { Tx } from "../db/client";
import { noteBulkInsert } from "../db/statistics";
import { AppError, notFound } from "../errors";
import { type EventSink, transactWithEvents, withActor } from "../events/transaction";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { projectOfBatch } from "../repos/accounts";
import { latestVersion } from "../repos/agent-configs";
import * as executionsRepo from "../repos/executions";
import * as jobsRepo from "../repos/jobs";
import { findScreenshot } from "../repos/screenshots";
import { getRuntime } from "../runtime";
import { DEFAULT_SAMPLE_SIZE, estimate } from "./estimate";
import * as machine from "./machine";
import { liveStatsOf, toExecution, toJob, toStep } from "./serialize";

export interface StartRequest {
  mode: ExecutionMode;
  sampleSize?: number;
  concurrency?: number;
  /** The spend (USD) at which the execution pauses itself. */
  maxCost?: number;
}

export async function estimateFor(batchId: string, request: StartRequest): Promise<Estimate> {
  const { db, env } = getRuntime();
  const batch = await getBatchRow(batchId);
  return estimate(
    {
      mode: request.mode,
      sampleSize: request.sampleSize ?? DEFAULT_SAMPLE_SIZE,
      concurrency: request.concurrency ?? 5,
      rowCount: batch.rowCount,
      agent: batch.agent,
      historicalAvgMs: await executionsRepo.averageJobDurationMs(db, batch.id),
      historicalAvgCostUsd: await executionsRepo.averageJobCostUsd(db, batch.id),
    },
    env,
  );
}

/** Creates the execution and one queued job per selected row in one transaction; it is running at once. */
export async function startExecution(batchId: string, request: StartRequest, doer: Doer = NOBODY): Promise<Execution> {
  const runtime = getRuntime();
  const batch = await getBatchRow(batchId);
  // The engine is checked again: a batch made while a model was configured cannot start once none is.
  parseAgentConfig(batch.agent);
  const planned = await estimateFor(batchId, request);
  const plan = {
    batchId,
    mode: request.mode,
    sampleSize: request.mode === "test" ? (request.sampleSize ?? DEFAULT_SAMPLE_SIZE) : null,
    concurrency: request.concurrency ?? 5,
    estimatedDurationMs: planned.estimatedDurationMs,
    estimatedCost: planned.estimatedCost,
    maxCost: request.maxCost ?? null,
  };
  const execution = await transactWithEvents(runtime, async (tx, events) => {
    // Read in the transaction: a config saved while it starts is either the version it runs or a later one.
    const configVersion = await latestVersion(tx, batchId);
    const started = await machine.start(tx, withActor(events, doer.actor), {
      ...plan,
      startedBy: doer.actor,
      configVersion,
    });
    await recordAudit(tx, doer, {
      action: "execution.start",
      projectId: batch.projectId,
      executionId: started.id,
      target: { type: "execution", id: started.id },
      after: {
        mode: started.mode,
        sampleSize: started.sampleSize,
        concurrency: started.concurrency,
        totalJobs: started.totalJobs,
        maxCost: started.maxCost,
        configVersion: started.configVersion,
      },
    });
    return started;
  });
  runtime.bus.wake(execution.id);
  noteBulkInsert(runtime.db, "jobs", execution.totalJobs);
  return toExecution(execution);
}

export interface ControlResult {
  execution: Execution;
  message: string;
  /** False for a no-op (pausing a paused execution, …). */
  changed: boolean;
}

type Control = (tx: Tx, events: EventSink, row: executionsRepo.ExecutionRow) => Promise<machine.ControlOutcome>;

type ControlAction = "execution.pause" | "execution.resume" | "execution.stop" | "execution.concurrency";

/** What the audit trail keeps of an execution before and after a control. */
const controlledFields = (row: executionsRepo.ExecutionRow) => ({
  status: row.status,
  concurrency: row.concurrency,
  maxCost: row.maxCost,
});

/**
 * Every control runs under the execution row's lock, so racing controls apply one after another; a control that
 * changed something is recorded in the audit trail, and its events name the actor, in the same transaction.
 */
async function control(
  id: string,
  action: ControlAction,
  doer: Doer,
  apply: Control,
  reason: string | null = null,
): Promise<ControlResult> {
  const runtime = getRuntime();
  const result = await transactWithEvents(runtime, async (tx, events) => {
    const row = await executionsRepo.lockExecution(tx, id);
    if (!row) throw notFound("Execution", id);
    const outcome = await apply(tx, withActor(events, doer.actor), row);
    if (!outcome.changed) return outcome;
    const after = await rememberWho(tx, id, action, doer, outcome.row);
    await recordAudit(tx, doer, {
      action,
      projectId: (await projectOfBatch(tx, row.batchId)) ?? null,
      executionId: id,
      target: { type: "execution", id },
      before: controlledFields(row),
      after: controlledFields(after),
      reason,
    });
    return { ...outcome, row: after };
  });
  if (result.changed) runtime.bus.wake(id);
  return { execution: toExecution(result.row), message: result.message, changed: result.changed };
}

/** The execution remembers who paused it (until it resumes) and who stopped it. */
async function rememberWho(
  tx: Tx,
  id: string,
  action: ControlAction,
  doer: Doer,
  row: executionsRepo.ExecutionRow,
): Promise<executionsRepo.ExecutionRow> {
  if (action === "execution.pause") return executionsRepo.updateExecution(tx, id, { pausedBy: doer.actor });
  if (action === "execution.resume" && row.pausedBy) return executionsRepo.updateExecution(tx, id, { pausedBy: null });
  if (action === "execution.stop" && doer.actor)
    return executionsRepo.updateExecution(tx, id, { stoppedBy: doer.actor });
  return row;
}

export const pause = (id: string, doer: Doer = NOBODY) => control(id, "execution.pause", doer, machine.pause);
export const resume = (id: string, change: { maxCost?: number | null } = {}, doer: Doer = NOBODY) =>
  control(id, "execution.resume", doer, (tx, events, row) => machine.resume(tx, events, row, change));
export const stop = (id: string, reason: string | null, doer: Doer = NOBODY) =>
  control(id, "execution.stop", doer, (tx, events, row) => machine.stop(tx, events, row, reason), reason);
export const adjustConcurrency = (id: string, concurrency: number, doer: Doer = NOBODY) =>
  control(id, "execution.concurrency", doer, (tx, events, row) =>
    machine.adjustConcurrency(tx, events, row, concurrency),
  );

export async function getExecutionRow(id: string): Promise<executionsRepo.ExecutionRow> {
  const row = await executionsRepo.findExecution(getRuntime().db, id);
  if (!row) throw notFound("Execution", id);
  return row;
}

export async function getExecution(id: string): Promise<Execution> {
  return toExecution(await getExecutionRow(id));
}

export async function listExecutions(batchId: string): Promise<Execution[]> {
  await getBatchRow(batchId);
  return (await executionsRepo.listExecutionsOfBatch(getRuntime().db, batchId)).map(toExecution);
}

export async function liveStats(id: string): Promise<LiveStats> {
  return liveStatsOf(await getExecutionRow(id));
}

export async function listJobs(
  executionId: string,
  options: { statuses: JobStatus[] | null; limit: number; cursor: string | null },
): Promise<{ jobs: Job[]; nextCursor: string | null }> {
  await getExecutionRow(executionId);
  const page = await jobsRepo.listJobs(
    getRuntime().db,
    executionId,
    options.statuses,
    options.limit,
    // The key is a row index or a finish time; the job's id breaks ties.
    options.cursor ? decodeCursor(options.cursor, { withId: true }) : null,
  );
  return { jobs: page.rows.map(toJob), nextCursor: page.next ? encodeCursor(page.next) : null };
}

export async function getJob(id: string): Promise<JobResponse> {
  const { db } = getRuntime();
  const row = await jobsRepo.findJob(db, id);
  if (!row) throw notFound("Job", id);
  const [steps, screenshot, inputs] = await Promise.all([
    jobsRepo.stepsOfJob(db, id),
    jobsRepo.hasScreenshot(db, id),
    row.goal?.includes("{{") ? jobsRepo.inputRows(db, [row.batchInputId]) : null,
  ]);
  return {
    job: { ...toJob(row), hasScreenshot: screenshot },
    steps: steps.map(toStep),
    transcript: row.transcript ?? [],
    goalAsRun: row.goal === null ? null : goalAsRun(row.goal, inputs?.get(row.batchInputId) ?? {}),
  };
}

/** A job's latest JPEG thumbnail (the live card polls it); 404 until the job has one. */
export async function getScreenshot(jobId: string): Promise<{ jpeg: Buffer; takenAt: Date }> {
  const shot = await findScreenshot(getRuntime().db, jobId);
  if (!shot) throw new AppError("not_found", 404, `Job ${jobId} has no screenshot yet`);
  return shot;
}

/** The goal with the row's values, as the agent got it; a placeholder the row cannot fill stays as written. */
function goalAsRun(goal: string, row: Record<string, string>): string {
  try {
    return fillTemplate(goal, row);
  } catch {
    return goal;
  }
}

import type { RerunOf, RerunSelection } from "@/lib/contract/reruns";
import type { Execution, Job, LiveStats, Step } from "@/lib/contract/resources";
import { projectedCost, type Spend } from "@/lib/contract/spend";
import { averageDurationMs, successRate } from "@/lib/contract/stats";
import type { ExecutionRow } from "../repos/executions";
import type { JobRow, StepRow } from "../repos/jobs";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function statsOf(row: ExecutionRow): LiveStats["stats"] {
  return {
    total: row.totalJobs,
    running: row.runningCount,
    queued: row.queuedCount,
    completed: row.completedCount,
    failed: row.failedCount,
    cancelled: row.cancelledCount,
  };
}

export function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    batchId: row.batchId,
    status: row.status,
    mode: row.mode,
    sampleSize: row.sampleSize,
    concurrency: row.concurrency,
    totalJobs: row.totalJobs,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    pausedAt: iso(row.pausedAt),
    resumedAt: iso(row.resumedAt),
    stoppedAt: iso(row.stoppedAt),
    completedAt: iso(row.completedAt),
    stopReason: row.stopReason,
    estimatedDurationMs: row.estimatedDurationMs,
    estimatedCost: row.estimatedCost,
    lastEventSeq: row.lastEventSeq,
    lastActivityAt: iso(row.lastActivityAt),
    stats: statsOf(row),
    spend: spendOf(row),
    maxCost: row.maxCost,
    pauseReason: row.pauseReason,
    startedBy: row.startedBy ?? null,
    pausedBy: row.pausedBy ?? null,
    stoppedBy: row.stoppedBy ?? null,
    configVersion: row.configVersion,
    parentExecutionId: row.parentExecutionId,
    rerun: rerunOf(row),
  };
}

/** A re-run names its parent and how it chose the rows; the rows it took are its jobs. */
function rerunOf(row: ExecutionRow): RerunOf | null {
  if (!row.parentExecutionId || !row.rerunSelection) return null;
  return { of: row.parentExecutionId, selection: row.rerunSelection as RerunSelection, rows: row.totalJobs };
}

export function spendOf(row: ExecutionRow): Spend {
  return { costUsd: row.costUsd, inputTokens: row.inputTokens, outputTokens: row.outputTokens };
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    executionId: row.executionId,
    inputId: row.inputId,
    rowIndex: row.rowIndex,
    siteUrl: row.siteUrl,
    goal: row.goal,
    status: row.status,
    currentStep: row.currentStep,
    currentUrl: row.currentUrl,
    progressPercentage: row.progressPercentage,
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    executionDurationMs: row.executionDurationMs,
    retryCount: row.retryCount,
    retryReason: row.retryReason,
    errorMessage: row.errorMessage,
    extractedData: row.extractedData ?? null,
    finalUrl: row.finalUrl,
    httpStatus: row.httpStatus,
    usage: row.usage ?? null,
  };
}

export function toStep(row: StepRow): Step {
  return { at: row.at.toISOString(), step: row.step, url: row.url, percent: row.percent };
}

/** Success rate, average duration and ETA, all from the counters: no scan of the jobs table. */
export function liveStatsOf(row: ExecutionRow, now = new Date()): LiveStats {
  const counts = { completed: row.completedCount, failed: row.failedCount };
  const finished = counts.completed + counts.failed;
  const avgDurationMs = averageDurationMs(counts, row.totalDurationMs);
  const end = row.completedAt ?? (row.status === "stopped" ? (row.lastActivityAt ?? now) : now);
  const elapsedMs = row.startedAt ? Math.max(0, end.getTime() - row.startedAt.getTime()) : 0;
  const remaining = row.queuedCount + row.runningCount;
  let estimatedRemainingMs = 0;
  if (remaining > 0 && row.status !== "stopping") {
    // Observed throughput when there is some; otherwise the average (or estimate) spread over the slots.
    const perJobMs =
      finished > 0 && elapsedMs > 0
        ? elapsedMs / finished
        : (avgDurationMs || (row.estimatedDurationMs ?? 0) / Math.max(1, Math.ceil(row.totalJobs / row.concurrency))) /
          row.concurrency;
    estimatedRemainingMs = Math.round(remaining * perJobMs);
  }
  return {
    executionId: row.id,
    status: row.status,
    concurrency: row.concurrency,
    stats: statsOf(row),
    metrics: {
      successRate: successRate(counts, 1),
      elapsedMs,
      avgDurationMs,
      estimatedRemainingMs,
      estimatedCompletionTime:
        remaining > 0 ? new Date(now.getTime() + estimatedRemainingMs).toISOString() : iso(row.completedAt),
      costUsd: row.costUsd,
      projectedCostUsd: projectedCost(row.costUsd, finished, remaining),
    },
    lastUpdate: (row.lastActivityAt ?? row.createdAt).toISOString(),
  };
}

import type { EventData, ExecutionEvent } from "@/lib/contract/events";
import { averageDurationMs, successRate } from "@/lib/contract/stats";
import type { ExecutionHead } from "../repos/realtime";

/** The contract's stats_update data, from the execution row's counters. */
export function statsFromHead(head: ExecutionHead): EventData<"stats_update"> {
  const counts = { completed: head.completedCount, failed: head.failedCount };
  return {
    running: head.runningCount,
    queued: head.queuedCount,
    completed: head.completedCount,
    failed: head.failedCount,
    cancelled: head.cancelledCount,
    totalJobs: head.totalJobs,
    successRate: successRate(counts),
    avgDurationMs: averageDurationMs(counts, head.totalDurationMs),
    costUsd: head.costUsd,
    inputTokens: head.inputTokens,
    outputTokens: head.outputTokens,
    status: head.status,
  };
}

export function statsUpdateEvent(head: ExecutionHead): ExecutionEvent<"stats_update"> {
  return {
    type: "stats_update",
    executionId: head.id,
    seq: 0, // stamped by the channel
    data: statsFromHead(head),
    timestamp: new Date().toISOString(),
  };
}

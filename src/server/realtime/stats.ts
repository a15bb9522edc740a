import type { ExecutionEvent, StatsCounts } from "@/lib/contract/events";
import type { ExecutionHead } from "../repos/realtime";

/** The contract's stats_update data, from the execution row's counters. */
export function statsFromHead(head: ExecutionHead): StatsCounts {
  const finished = head.completedCount + head.failedCount;
  return {
    running: head.runningCount,
    queued: head.queuedCount,
    completed: head.completedCount,
    failed: head.failedCount,
    cancelled: head.cancelledCount,
    totalJobs: head.totalJobs,
    successRate: finished === 0 ? 0 : (head.completedCount / finished) * 100,
    avgDurationMs: finished === 0 ? 0 : Math.round(head.totalDurationMs / finished),
  };
}

export function statsUpdateEvent(head: ExecutionHead): ExecutionEvent {
  return {
    type: "stats_update",
    executionId: head.id,
    seq: 0, // stamped by the channel
    data: { ...statsFromHead(head), status: head.status },
    timestamp: new Date().toISOString(),
  };
}

import type { ExecutionStatus } from "@/lib/contract/resources";
import type { JobCounts } from "@/lib/contract/stats";

/**
 * Whether the live view says that no worker is running: the web process counted none (`liveWorkers` is null where
 * no count comes, as in embedded mode, whose process runs its own worker) while the execution has jobs that need
 * one. Running or starting, that is any queued or running job; paused or stopping, nothing new starts anyway, so
 * only the running jobs wait (to finish, or to be returned to the queue).
 */
export function waitsForWorker(
  status: ExecutionStatus,
  stats: Pick<JobCounts, "queued" | "running">,
  liveWorkers: number | null,
): boolean {
  if (liveWorkers === null || liveWorkers > 0) return false;
  switch (status) {
    case "pending":
    case "running":
      return stats.queued + stats.running > 0;
    case "paused":
    case "stopping":
      return stats.running > 0;
    default:
      return false;
  }
}

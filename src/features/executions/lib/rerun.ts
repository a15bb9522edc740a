import { canSteer } from "@/lib/client/permissions";
import type { ProjectRole } from "@/lib/contract/auth";
import type { RerunOf, RerunSelect } from "@/lib/contract/reruns";
import { type Estimate, type ExecutionStatus, FINISHED_EXECUTION_STATUSES } from "@/lib/contract/resources";
import type { JobCounts } from "@/lib/contract/stats";
import { formatCost, formatDurationInWords, plural } from "@/lib/format";

/** "Re-run 37 jobs? About 2 minutes, $0.40." — the re-run dialog's estimate in words. */
export function describeRerunEstimate(estimate: Estimate): string {
  const duration = formatDurationInWords(estimate.estimatedDurationMs);
  const time = /^\d/.test(duration) ? `About ${duration}` : duration.charAt(0).toUpperCase() + duration.slice(1);
  return `Re-run ${plural(estimate.totalJobs, "job")}? ${time}, ${formatCost(estimate.estimatedCost)}.`;
}

/** Which rows a selection names, in words: "failed rows", "cancelled rows", "selected rows". */
export function selectionWords(select: RerunSelect | RerunOf["selection"]): string {
  if (select === "failed" || select === "cancelled") return `${select} rows`;
  return "selected rows";
}

/** A re-run's rows for its header, after "Re-run of …, ": "37 rows (failed)", "3 rows (selected)". */
export function lineageWords(rerun: RerunOf): string {
  const how = rerun.selection === "jobs" || rerun.selection === "inputs" ? "selected" : rerun.selection;
  return `${plural(rerun.rows, "row")} (${how})`;
}

export interface RerunChoice {
  select: "failed" | "cancelled";
  rows: number;
  label: string;
}

/**
 * The re-runs a finished execution offers: "Re-run failed (N)" and "Re-run cancelled (N)", each only when N > 0;
 * none while it runs, for a viewer, or while the role is unknown (the server refuses a viewer anyway).
 */
export function rerunChoices(status: ExecutionStatus, stats: JobCounts, role: ProjectRole | null): RerunChoice[] {
  if (!FINISHED_EXECUTION_STATUSES.includes(status) || !canSteer(role)) return [];
  return (["failed", "cancelled"] as const)
    .filter((select) => stats[select] > 0)
    .map((select) => ({
      select,
      rows: stats[select],
      label: `Re-run ${select} (${stats[select].toLocaleString("en-US")})`,
    }));
}

import type { ExecutionState } from "@/lib/client/execution-state";
import { successRate } from "@/lib/contract/stats";
import { formatDurationCompact } from "@/lib/format";
import { CliError, EXIT, type ExitCode } from "../exit-codes";

/** The numbers the live view and the plain lines show, derived as the web's live stats panel derives them. */
export interface Progress {
  total: number;
  /** Finished one way or another: completed, failed or cancelled. */
  done: number;
  /** 0-1. */
  fraction: number;
  successRate: number;
  elapsedMs: number;
  /** "about 2m 05s left", "Paused", "Finished", … */
  eta: string;
}

export function progressOf(state: ExecutionState, now = Date.now()): Progress {
  const { stats, execution } = state;
  const total = Math.max(stats.total, execution.totalJobs);
  const done = stats.completed + stats.failed + stats.cancelled;
  const started = execution.startedAt ? Date.parse(execution.startedAt) : now;
  const until = execution.completedAt ? Date.parse(execution.completedAt) : now;
  const elapsedMs = Math.max(0, until - started);
  let eta: string;
  if (execution.completedAt) eta = "Finished";
  else if (execution.status === "paused") eta = "Paused";
  else if (execution.status === "stopping") eta = "Stopping";
  else if (done === 0 || elapsedMs === 0) eta = "Estimating…";
  else eta = `about ${formatDurationCompact(((total - done) * elapsedMs) / done)} left`;
  return { total, done, fraction: total ? done / total : 0, successRate: successRate(stats, 1), elapsedMs, eta };
}

/** `--allow-failures`: any number (true), a count ("3") or a share of the jobs ("5%"). */
export type FailureAllowance =
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "count"; max: number }
  | { kind: "percent"; max: number };

export function parseAllowance(value: string | boolean | undefined): FailureAllowance {
  if (value === undefined || value === false) return { kind: "none" };
  if (value === true) return { kind: "any" };
  const percent = value.match(/^(\d+(?:\.\d+)?)%$/);
  if (percent && Number(percent[1]) <= 100) return { kind: "percent", max: Number(percent[1]) };
  if (/^\d+$/.test(value)) return { kind: "count", max: Number(value) };
  throw new CliError(
    `--allow-failures must be a number of jobs (e.g. 3) or a percentage (e.g. 5%), got "${value}"`,
    EXIT.usage,
  );
}

/** 0 only for a run that completed with no failed job, or no more than the allowance; 1 otherwise. */
export function runExitCode(state: ExecutionState, allowance: FailureAllowance): ExitCode {
  const { execution, stats } = state;
  if (execution.status !== "completed") return EXIT.runFailed;
  if (stats.failed === 0 || allowance.kind === "any") return EXIT.ok;
  if (allowance.kind === "count") return stats.failed <= allowance.max ? EXIT.ok : EXIT.runFailed;
  if (allowance.kind === "percent") {
    const total = Math.max(1, stats.total);
    return (stats.failed / total) * 100 <= allowance.max ? EXIT.ok : EXIT.runFailed;
  }
  return EXIT.runFailed;
}

/** The closing line of a run: how it ended and its counts, in words. */
export function summaryLine(state: ExecutionState): string {
  const { execution, stats } = state;
  const progress = progressOf(state);
  const how =
    execution.status === "completed" ? "Completed" : execution.status === "stopped" ? "Stopped" : execution.status;
  const parts = [
    `${stats.completed} completed`,
    `${stats.failed} failed`,
    ...(stats.cancelled ? [`${stats.cancelled} cancelled`] : []),
  ];
  const reason = execution.status === "stopped" && execution.stopReason ? ` (reason: ${execution.stopReason})` : "";
  return `${how}${reason}: ${parts.join(", ")} of ${progress.total} · success rate ${progress.successRate.toFixed(1)}% · took ${formatDurationCompact(progress.elapsedMs)}`;
}

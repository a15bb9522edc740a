import { type ExecutionEvent, isRetained } from "@/lib/contract/events";
import type { Execution, ExecutionMode, ExecutionStatus, Job } from "@/lib/contract/resources";

/**
 * The Live Execution Viewer's state, and the one pure function that moves it: a REST snapshot, then
 * every event applied in seq order. Framework-free so it can be tested without a browser.
 */

export interface ExecutionStats {
  total: number;
  running: number;
  queued: number;
  completed: number;
  failed: number;
  cancelled: number;
}

export interface RunningJob {
  jobId: string;
  inputId: string | null;
  siteUrl: string | null;
  goal: string | null;
  currentStep: string | null;
  currentUrl: string | null;
  progress: number;
  startedAt: string | null;
  screenshotAt?: string;
}

export interface FinishedJob {
  jobId: string;
  inputId: string | null;
  siteUrl: string | null;
  status: "completed" | "failed";
  error: string | null;
  durationMs: number | null;
  extractedData: Record<string, unknown> | null;
  completedAt: string | null;
}

export interface ExecutionView {
  id: string;
  status: ExecutionStatus;
  mode: ExecutionMode;
  concurrency: number;
  lastEventSeq: number;
  totalJobs: number;
  startedAt: string | null;
  pausedAt: string | null;
  stoppedAt: string | null;
  completedAt: string | null;
  stopReason: string | null;
}

export interface ExecutionState {
  execution: ExecutionView;
  stats: ExecutionStats;
  /** Extra figures of the latest stats_update (success rate, average duration). */
  metrics: { successRate: number; avgDurationMs: number };
  runningJobs: Record<string, RunningJob>;
  /** Newest first, at most MAX_FINISHED_JOBS: the results table pages older ones from REST. */
  completedJobs: FinishedJob[];
}

export const MAX_FINISHED_JOBS = 500;

export interface ExecutionSnapshot {
  execution: Execution;
  runningJobs: Job[];
  /** Newest finished (completed or failed) jobs, newest first. */
  finishedJobs: Job[];
}

export function initialState(snapshot: ExecutionSnapshot): ExecutionState {
  const e = snapshot.execution;
  const runningJobs: Record<string, RunningJob> = {};
  for (const job of snapshot.runningJobs) {
    if (job.status !== "running") continue;
    runningJobs[job.id] = {
      jobId: job.id,
      inputId: job.inputId,
      siteUrl: job.siteUrl,
      goal: job.goal,
      currentStep: job.currentStep,
      currentUrl: job.currentUrl,
      progress: job.progressPercentage,
      startedAt: job.startedAt,
    };
  }
  const completedJobs = snapshot.finishedJobs
    .filter((job) => job.status === "completed" || job.status === "failed")
    .slice(0, MAX_FINISHED_JOBS)
    .map(
      (job): FinishedJob => ({
        jobId: job.id,
        inputId: job.inputId,
        siteUrl: job.siteUrl,
        status: job.status as "completed" | "failed",
        error: job.errorMessage,
        durationMs: job.executionDurationMs,
        extractedData: job.extractedData,
        completedAt: job.completedAt,
      }),
    );
  const finished = e.stats.completed + e.stats.failed;
  return {
    execution: {
      id: e.id,
      status: e.status,
      mode: e.mode,
      concurrency: e.concurrency,
      lastEventSeq: e.lastEventSeq,
      totalJobs: e.totalJobs,
      startedAt: e.startedAt,
      pausedAt: e.pausedAt,
      stoppedAt: e.stoppedAt,
      completedAt: e.completedAt,
      stopReason: e.stopReason,
    },
    stats: { ...e.stats },
    metrics: { successRate: finished === 0 ? 0 : (e.stats.completed / finished) * 100, avgDurationMs: 0 },
    runningJobs,
    completedJobs,
  };
}

/** What applyEvent concluded, for the stream: a retained event past lastSeq + 1 means events were missed. */
export type EventFit = "next" | "old" | "gap" | "ephemeral";

export function eventFit(state: ExecutionState, event: ExecutionEvent): EventFit {
  if (!isRetained(event.type)) return "ephemeral";
  if (event.seq <= state.execution.lastEventSeq) return "old";
  return event.seq === state.execution.lastEventSeq + 1 ? "next" : "gap";
}

/**
 * Applies one event. Retained events apply only in order (seq === lastEventSeq + 1); an old one is
 * ignored and a gap leaves the state unchanged (the stream resubscribes from lastEventSeq).
 * Ephemeral events only touch running jobs and stats. Returns the same object when nothing changed.
 */
export function applyEvent(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  if (event.executionId !== state.execution.id) return state;
  const fit = eventFit(state, event);
  if (fit === "old" || fit === "gap") return state;
  if (fit === "ephemeral") return applyEphemeral(state, event);
  const next = applyRetained(state, event);
  return { ...next, execution: { ...next.execution, lastEventSeq: event.seq } };
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const clamp = (n: number) => Math.max(0, n);

function applyRetained(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  const d = event.data;
  const jobId = str(d.jobId);
  const at = event.timestamp;
  switch (event.type) {
    case "execution_started":
      return withExecution(state, { status: "running", startedAt: state.execution.startedAt ?? at });
    case "execution_paused":
      return withExecution(state, { status: "paused", pausedAt: str(d.pausedAt) ?? at });
    case "execution_resumed":
      return withExecution(state, { status: "running", pausedAt: null });
    case "execution_stopped": {
      // "stopping" while running jobs finish, then "stopped": the event may say which.
      const status = (str(d.status) as ExecutionStatus | null) ?? "stopped";
      return withExecution(state, {
        status,
        stoppedAt: str(d.stoppedAt) ?? at,
        stopReason: str(d.reason) ?? state.execution.stopReason,
      });
    }
    case "execution_completed": {
      // The terminal event of every execution: its status says completed or stopped, its counts are final.
      const status = str(d.status) === "stopped" ? "stopped" : "completed";
      const stats = {
        ...state.stats,
        running: 0,
        queued: 0,
        completed: num(d.completed) ?? state.stats.completed,
        failed: num(d.failed) ?? state.stats.failed,
        cancelled: num(d.cancelled) ?? state.stats.cancelled,
      };
      return { ...withExecution(state, { status, completedAt: str(d.completedAt) ?? at }), stats, runningJobs: {} };
    }
    case "concurrency_changed": {
      const concurrency = num(d.concurrency);
      return concurrency === null ? state : withExecution(state, { concurrency });
    }
    case "job_started": {
      if (!jobId) return state;
      const already = state.runningJobs[jobId];
      const job: RunningJob = {
        jobId,
        inputId: str(d.inputId) ?? already?.inputId ?? null,
        siteUrl: str(d.siteUrl) ?? already?.siteUrl ?? null,
        goal: str(d.goal) ?? already?.goal ?? null,
        currentStep: already?.currentStep ?? null,
        currentUrl: already?.currentUrl ?? null,
        progress: already?.progress ?? 0,
        startedAt: str(d.startedAt) ?? already?.startedAt ?? at,
      };
      // Counted even if the job is already listed: the running list may be newer than the counters
      // (read after the execution in the snapshot), but each seq is applied once.
      const stats = { ...state.stats, queued: clamp(state.stats.queued - 1), running: state.stats.running + 1 };
      return { ...state, stats, runningJobs: { ...state.runningJobs, [jobId]: job } };
    }
    case "job_completed":
    case "job_failed": {
      if (!jobId) return state;
      const willRetry = event.type === "job_failed" && d.willRetry === true;
      const { [jobId]: job, ...runningJobs } = state.runningJobs;
      const stats = { ...state.stats, running: clamp(state.stats.running - 1) };
      if (willRetry) {
        stats.queued += 1;
        return { ...state, stats, runningJobs };
      }
      if (event.type === "job_completed") stats.completed += 1;
      else stats.failed += 1;
      const finished: FinishedJob = {
        jobId,
        inputId: str(d.inputId) ?? job?.inputId ?? null,
        siteUrl: job?.siteUrl ?? str(d.siteUrl),
        status: event.type === "job_completed" ? "completed" : "failed",
        error: str(d.error),
        durationMs: num(d.durationMs),
        extractedData: (d.extractedData as Record<string, unknown> | undefined) ?? null,
        completedAt: at,
      };
      return { ...state, stats, runningJobs, completedJobs: prependBounded(state.completedJobs, finished) };
    }
    case "job_cancelled": {
      if (!jobId) {
        // A stop cancels every queued job in one statement and says how many.
        const count = num(d.count) ?? 1;
        return {
          ...state,
          stats: {
            ...state.stats,
            queued: clamp(state.stats.queued - count),
            cancelled: state.stats.cancelled + count,
          },
        };
      }
      const wasRunning = jobId in state.runningJobs;
      const { [jobId]: _gone, ...runningJobs } = state.runningJobs;
      const stats = {
        ...state.stats,
        running: wasRunning ? clamp(state.stats.running - 1) : state.stats.running,
        queued: wasRunning ? state.stats.queued : clamp(state.stats.queued - 1),
        cancelled: state.stats.cancelled + 1,
      };
      return { ...state, stats, runningJobs };
    }
    default:
      return state;
  }
}

function applyEphemeral(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  const d = event.data;
  if (event.type === "stats_update") {
    // The row's counters are the truth, but only for the moment they were read: the state after the
    // retained event whose seq they carry. Applied to a state at another seq they would undo events
    // applied since (the panel showing 29/30 beside a card saying 30 completed) or count some twice.
    if (event.seq !== state.execution.lastEventSeq) return state;
    const stats: ExecutionStats = {
      total: num(d.totalJobs) ?? state.stats.total,
      running: num(d.running) ?? state.stats.running,
      queued: num(d.queued) ?? state.stats.queued,
      completed: num(d.completed) ?? state.stats.completed,
      failed: num(d.failed) ?? state.stats.failed,
      cancelled: num(d.cancelled) ?? state.stats.cancelled,
    };
    const metrics = {
      successRate: num(d.successRate) ?? state.metrics.successRate,
      avgDurationMs: num(d.avgDurationMs) ?? state.metrics.avgDurationMs,
    };
    return { ...state, stats, metrics };
  }
  if (event.type !== "job_progress") return state;
  const jobId = str(d.jobId);
  if (!jobId) return state;
  const known = state.runningJobs[jobId];
  // A report for a job not seen starting is only trusted when it carries the whole card (the
  // server's post-replay snapshot); otherwise it may be a late report of a job already finished.
  if (!known && (d.snapshot !== true || state.completedJobs.some((j) => j.jobId === jobId))) return state;
  const job: RunningJob = {
    jobId,
    inputId: known?.inputId ?? str(d.inputId),
    siteUrl: known?.siteUrl ?? str(d.siteUrl),
    goal: known?.goal ?? str(d.goal),
    startedAt: known?.startedAt ?? str(d.startedAt),
    currentStep: str(d.currentStep) ?? known?.currentStep ?? null,
    currentUrl: str(d.currentUrl) ?? known?.currentUrl ?? null,
    progress: num(d.progress) ?? known?.progress ?? 0,
    screenshotAt: str(d.screenshotAt) ?? known?.screenshotAt,
  };
  if (job.screenshotAt === undefined) delete job.screenshotAt;
  return { ...state, runningJobs: { ...state.runningJobs, [jobId]: job } };
}

function withExecution(state: ExecutionState, patch: Partial<ExecutionView>): ExecutionState {
  return { ...state, execution: { ...state.execution, ...patch } };
}

function prependBounded(list: FinishedJob[], job: FinishedJob): FinishedJob[] {
  const rest = list.filter((j) => j.jobId !== job.jobId);
  rest.unshift(job);
  if (rest.length > MAX_FINISHED_JOBS) rest.length = MAX_FINISHED_JOBS;
  return rest;
}

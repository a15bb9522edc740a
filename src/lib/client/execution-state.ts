import type { Actor } from "@/lib/contract/auth";
import { type ExecutionEvent, seqFit } from "@/lib/contract/events";
import type { RerunOf } from "@/lib/contract/reruns";
import type { Execution, ExecutionMode, ExecutionStatus, Job } from "@/lib/contract/resources";
import { addSpend, type Spend } from "@/lib/contract/spend";
import type { JobCounts } from "@/lib/contract/stats";

/**
 * The Live Execution Viewer's state, and the one pure function that moves it: a REST snapshot, then
 * every event applied in seq order. Framework-free so it can be tested without a browser.
 */

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
  /** A goal-driven agent's reason for its latest action, and the job's model spend so far. */
  reason?: string;
  usage?: Spend;
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
  /** Model spend of the finished jobs; the running jobs' spend so far is on each running job. */
  spend: Spend;
  maxCost: number | null;
  pauseReason: string | null;
  /**
   * Who started it, who paused it (while it is paused by a person) and who stopped it, with access control on;
   * null in local mode and for fleetdeck's own moves (a budget pause).
   */
  startedBy: Actor | null;
  pausedBy: Actor | null;
  stoppedBy: Actor | null;
  /** For a re-run: its parent execution and the rows it took (set at start, never changed by events). */
  rerun: RerunOf | null;
}

export interface ExecutionState {
  execution: ExecutionView;
  stats: JobCounts;
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

/**
 * The actors of an Execution as the view shows them. The resource's `pausedBy` names whoever paused it last, even
 * after a resume or a later budget pause; the view names them only while that pause lasts.
 */
export function actorsOf(e: Execution): Pick<ExecutionView, "startedBy" | "pausedBy" | "stoppedBy"> {
  const pausedByPerson = e.status === "paused" && e.pauseReason === null;
  return {
    startedBy: e.startedBy ?? null,
    pausedBy: pausedByPerson ? (e.pausedBy ?? null) : null,
    stoppedBy: e.stoppedBy ?? null,
  };
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
      spend: e.spend,
      maxCost: e.maxCost,
      pauseReason: e.pauseReason,
      rerun: e.rerun ?? null,
      ...actorsOf(e),
    },
    stats: { ...e.stats },
    runningJobs,
    completedJobs,
  };
}

/**
 * Applies one event. Retained events apply only in order (seq === lastEventSeq + 1, the contract's seq rule); an
 * old one is ignored and a gap leaves the state unchanged (the stream resubscribes from lastEventSeq).
 * Ephemeral events only touch running jobs and stats. Returns the same object when nothing changed.
 */
export function applyEvent(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  if (event.executionId !== state.execution.id) return state;
  const fit = seqFit(state.execution.lastEventSeq, event);
  if (fit === "old" || fit === "gap") return state;
  if (fit === "ephemeral") return applyEphemeral(state, event);
  const next = applyRetained(state, event);
  return { ...next, execution: { ...next.execution, lastEventSeq: event.seq } };
}

/** A retained event this build cannot read (a newer server's type, an older log's shape) still takes its seq. */
export function skipUnreadable(state: ExecutionState, seq: number): ExecutionState {
  if (seq !== state.execution.lastEventSeq + 1) return state;
  return withExecution(state, { lastEventSeq: seq });
}

const clamp = (n: number) => Math.max(0, n);

function applyRetained(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  const at = event.timestamp;
  switch (event.type) {
    case "execution_started":
      return withExecution(state, {
        status: "running",
        startedAt: state.execution.startedAt ?? at,
        startedBy: event.data.actor ?? state.execution.startedBy,
      });
    case "execution_paused":
      return withExecution(state, {
        status: "paused",
        pausedAt: event.data.pausedAt,
        pauseReason: event.data.reason ?? null,
        // No actor: local mode, or fleetdeck pausing itself; either way no person to name.
        pausedBy: event.data.actor ?? null,
        ...(event.data.maxCost !== undefined ? { maxCost: event.data.maxCost } : {}),
      });
    case "execution_resumed":
      return withExecution(state, {
        status: "running",
        pausedAt: null,
        pauseReason: null,
        pausedBy: null,
        ...(event.data.maxCost !== undefined ? { maxCost: event.data.maxCost } : {}),
      });
    case "execution_stopped":
      // "stopping" while running jobs finish, then "stopped".
      return withExecution(state, {
        status: event.data.status,
        stoppedAt: event.data.stoppedAt,
        stopReason: event.data.reason ?? state.execution.stopReason,
        stoppedBy: event.data.actor ?? state.execution.stoppedBy,
      });
    case "execution_completed": {
      // The terminal event of every execution: its status says completed or stopped, its counts are final.
      const d = event.data;
      const stats = {
        ...state.stats,
        running: 0,
        queued: 0,
        completed: d.completed,
        failed: d.failed,
        cancelled: d.cancelled,
      };
      return { ...withExecution(state, { status: d.status, completedAt: d.completedAt }), stats, runningJobs: {} };
    }
    case "concurrency_changed":
      return withExecution(state, { concurrency: event.data.concurrency });
    case "job_started": {
      const d = event.data;
      const already = state.runningJobs[d.jobId];
      const job: RunningJob = {
        jobId: d.jobId,
        inputId: d.inputId,
        siteUrl: d.siteUrl,
        goal: d.goal,
        currentStep: already?.currentStep ?? null,
        currentUrl: already?.currentUrl ?? null,
        progress: already?.progress ?? 0,
        startedAt: d.startedAt,
      };
      // Counted even if the job is already listed: the running list may be newer than the counters
      // (read after the execution in the snapshot), but each seq is applied once.
      const stats = { ...state.stats, queued: clamp(state.stats.queued - 1), running: state.stats.running + 1 };
      return { ...state, stats, runningJobs: { ...state.runningJobs, [d.jobId]: job } };
    }
    case "job_completed":
    case "job_failed": {
      const d = event.data;
      const { [d.jobId]: job, ...runningJobs } = state.runningJobs;
      const stats = { ...state.stats, running: clamp(state.stats.running - 1) };
      // Every attempt's model spend is real, a retried one's too.
      const spend = d.usage ? addSpend(state.execution.spend, d.usage) : state.execution.spend;
      if (event.type === "job_failed" && event.data.willRetry) {
        stats.queued += 1;
        return { ...withExecution(state, { spend }), stats, runningJobs };
      }
      if (event.type === "job_completed") stats.completed += 1;
      else stats.failed += 1;
      const finished: FinishedJob = {
        jobId: d.jobId,
        inputId: d.inputId,
        siteUrl: job?.siteUrl ?? d.siteUrl ?? null,
        status: event.type === "job_completed" ? "completed" : "failed",
        error: event.type === "job_failed" ? event.data.error : null,
        durationMs: d.durationMs ?? null,
        extractedData: event.type === "job_completed" ? event.data.extractedData : null,
        completedAt: at,
      };
      return {
        ...withExecution(state, { spend }),
        stats,
        runningJobs,
        completedJobs: prependBounded(state.completedJobs, finished),
      };
    }
    case "job_cancelled": {
      // A stop cancels every queued job in one statement and says how many.
      const count = event.data.count;
      return {
        ...state,
        stats: { ...state.stats, queued: clamp(state.stats.queued - count), cancelled: state.stats.cancelled + count },
      };
    }
    default:
      return state;
  }
}

function applyEphemeral(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  if (event.type === "stats_update") {
    // The row's counters are the truth, but only for the moment they were read: the state after the
    // retained event whose seq they carry. Applied to a state at another seq they would undo events
    // applied since (the panel showing 29/30 beside a card saying 30 completed) or count some twice.
    if (event.seq !== state.execution.lastEventSeq) return state;
    const d = event.data;
    const stats: JobCounts = {
      total: d.totalJobs,
      running: d.running,
      queued: d.queued,
      completed: d.completed,
      failed: d.failed,
      cancelled: d.cancelled,
    };
    const spend = { costUsd: d.costUsd, inputTokens: d.inputTokens, outputTokens: d.outputTokens };
    return { ...withExecution(state, { spend }), stats };
  }
  if (event.type !== "job_progress") return state;
  const d = event.data;
  const known = state.runningJobs[d.jobId];
  // A report for a job not seen starting is only trusted when it carries the whole card (the
  // server's post-replay snapshot); otherwise it may be a late report of a job already finished.
  if (!known && (d.snapshot !== true || state.completedJobs.some((j) => j.jobId === d.jobId))) return state;
  const job: RunningJob = {
    jobId: d.jobId,
    inputId: known?.inputId ?? d.inputId ?? null,
    siteUrl: known?.siteUrl ?? d.siteUrl ?? null,
    goal: known?.goal ?? d.goal ?? null,
    startedAt: known?.startedAt ?? d.startedAt ?? null,
    currentStep: d.currentStep ?? known?.currentStep ?? null,
    currentUrl: d.currentUrl ?? known?.currentUrl ?? null,
    progress: d.progress,
  };
  const screenshotAt = d.screenshotAt ?? known?.screenshotAt;
  if (screenshotAt !== undefined) job.screenshotAt = screenshotAt;
  // The reason is the current step's: a report without one is a step without one.
  if (d.reason !== undefined) job.reason = d.reason;
  const usage = d.usage ?? known?.usage;
  if (usage !== undefined) job.usage = usage;
  return { ...state, runningJobs: { ...state.runningJobs, [d.jobId]: job } };
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

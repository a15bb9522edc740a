import type { Actor } from "@/lib/contract/auth";
import type { RerunSelection } from "@/lib/contract/reruns";
import type { ExecutionMode, ExecutionStatus } from "@/lib/contract/resources";
import { BUDGET_REACHED } from "@/lib/contract/spend";
import type { Tx } from "../db/client";
import { invalidState } from "../errors";
import type { EventSink } from "../events/transaction";
import { cancelQueued } from "../jobs/machine";
import * as executionsRepo from "../repos/executions";
import type { RowSelection } from "../repos/rerun-selection";
import { announceExecution } from "../webhooks/outbox";
import { budgetReached } from "./budget";

type ExecutionRow = executionsRepo.ExecutionRow;

/**
 * Every status an execution may move to (from-status × action → to-status; diagram in docs/ARCHITECTURE.md).
 * An action from a status its row does not list is refused: 409 invalid_state, "Cannot <verb> an execution that
 * is <status>". A move to the status the execution already has (pausing a paused one, …) changes nothing.
 * `pending` exists only inside the transaction that creates the execution.
 */
const TRANSITIONS = {
  start: { pending: "running" },
  pause: { running: "paused", paused: "paused" },
  resume: { paused: "running", running: "running" },
  /** Stop while jobs run: they finish, then the last one's end makes it stopped (finish). */
  stop: { running: "stopping", paused: "stopping", stopping: "stopping", stopped: "stopped" },
  /** Stop with nothing running: stopped at once. */
  stopIdle: { running: "stopped", paused: "stopped", stopping: "stopping", stopped: "stopped" },
  adjustConcurrency: { running: "running", paused: "paused", stopping: "stopping" },
  /** Nothing is queued or running any more. */
  finish: { running: "completed", paused: "completed", stopping: "stopped" },
} as const satisfies Record<string, Partial<Record<ExecutionStatus, ExecutionStatus>>>;

export type ExecutionAction = keyof typeof TRANSITIONS;
/** The statuses `A` can lead to: "stopping" | "stopped" for stop, "completed" | "stopped" for finish, … */
type StatusAfter<A extends ExecutionAction> = Extract<
  (typeof TRANSITIONS)[A][keyof (typeof TRANSITIONS)[A]],
  ExecutionStatus
>;

export const EXECUTION_TRANSITIONS = Object.freeze(TRANSITIONS);
for (const row of Object.values(EXECUTION_TRANSITIONS)) Object.freeze(row);

/** How a refusal names the action. */
const VERBS: Record<ExecutionAction, string> = {
  start: "start",
  pause: "pause",
  resume: "resume",
  stop: "stop",
  stopIdle: "stop",
  adjustConcurrency: "change the concurrency of",
  finish: "finish",
};

/** The status `action` moves an execution in `from` to, or undefined when the table has no such move. */
export function nextStatus<A extends ExecutionAction>(from: ExecutionStatus, action: A): StatusAfter<A> | undefined {
  // Read as a plain row of statuses (TypeScript cannot index a generic row of literals by any status).
  const row: Partial<Record<ExecutionStatus, ExecutionStatus>> = EXECUTION_TRANSITIONS[action];
  return row[from] as StatusAfter<A> | undefined;
}

/** The status `action` moves `row` to; refuses (409 invalid_state) an action its status does not allow. */
function target<A extends ExecutionAction>(row: ExecutionRow, action: A): StatusAfter<A> {
  const to = nextStatus(row.status, action);
  if (to === undefined) throw invalidState(`Cannot ${VERBS[action]} an execution that is ${row.status}`);
  return to;
}

/** The one writer of an execution's status. `row` is the execution as read under its lock. */
function move<A extends ExecutionAction>(
  tx: Tx,
  row: ExecutionRow,
  action: A,
  patch: Parameters<typeof executionsRepo.updateExecution>[2] = {},
): Promise<ExecutionRow> {
  return executionsRepo.setExecutionStatus(tx, row.id, target(row, action), patch);
}

/*
 * The functions below apply the table inside a transaction that holds the execution row's lock (controls racing
 * each other, or a control racing a worker, apply one after another), and record their events in it.
 */

export interface StartPlan {
  batchId: string;
  mode: ExecutionMode;
  /** Rows to run (a test run), or null for all. */
  sampleSize: number | null;
  concurrency: number;
  estimatedDurationMs: number;
  estimatedCost: number;
  /** The spend (USD) at which it pauses itself, or null. */
  maxCost: number | null;
  /** Who started it (null in local mode). */
  startedBy?: Actor | null;
  /** The version of the batch's agent config it runs (agent_configs.version). */
  configVersion: number;
  /** A re-run: the parent's rows it takes instead of the batch's. */
  rerun?: { rows: RowSelection; selection: RerunSelection } | null;
}

/**
 * Creates the execution with a queued job per selected row (the batch's, or for a re-run its parent's) and starts it;
 * with no row it is completed at once.
 */
export async function start(tx: Tx, events: EventSink, plan: StartPlan): Promise<ExecutionRow> {
  const { batchId, mode, sampleSize, concurrency } = plan;
  const created = await executionsRepo.insertExecution(tx, {
    batchId,
    mode,
    sampleSize,
    concurrency,
    startedAt: new Date(),
    estimatedDurationMs: plan.estimatedDurationMs,
    estimatedCost: plan.estimatedCost,
    maxCost: plan.maxCost,
    startedBy: plan.startedBy ?? null,
    configVersion: plan.configVersion,
    parentExecutionId: plan.rerun?.rows.parentId ?? null,
    rerunSelection: plan.rerun?.selection ?? null,
  });
  const rows = plan.rerun ? { rerun: plan.rerun.rows } : { limit: sampleSize };
  const total = await executionsRepo.insertJobsFromInputs(tx, created.id, batchId, rows);
  const running = await move(tx, created, "start", { totalJobs: total, queuedCount: total });
  await events.emit(created.id, "execution_started", {
    mode,
    totalJobs: total,
    concurrency,
    sampleSize,
    maxCost: plan.maxCost,
  });
  await finishIfDone(tx, events, running);
  return reread(tx, created.id);
}

/** What a control did: the execution after it, what to tell the user, and whether anything changed. */
export interface ControlOutcome {
  row: ExecutionRow;
  message: string;
  /** False for a no-op (pausing a paused execution, …). */
  changed: boolean;
}

const unchanged = (row: ExecutionRow, message: string): ControlOutcome => ({ row, message, changed: false });

/** After the events: the row with its last event's seq. */
async function reread(tx: Tx, id: string): Promise<ExecutionRow> {
  return (await executionsRepo.findExecution(tx, id))!;
}

export async function pause(tx: Tx, events: EventSink, row: ExecutionRow): Promise<ControlOutcome> {
  if (target(row, "pause") === row.status) return unchanged(row, "The execution is already paused");
  const pausedAt = new Date();
  await move(tx, row, "pause", { pausedAt, pauseReason: null });
  await events.emit(row.id, "execution_paused", { pausedAt: pausedAt.toISOString(), running: row.runningCount });
  const message =
    row.runningCount > 0
      ? `Paused: no new job starts; ${row.runningCount} running will finish`
      : "Paused: no new job starts";
  return { row: await reread(tx, row.id), message, changed: true };
}

/**
 * Resumes a paused execution. `maxCost` (when given) raises the spend cap, or lifts it with null: an execution that
 * paused itself at its budget resumes only once the cap is above what it has spent.
 */
export async function resume(
  tx: Tx,
  events: EventSink,
  row: ExecutionRow,
  change: { maxCost?: number | null } = {},
): Promise<ControlOutcome> {
  if (target(row, "resume") === row.status) return unchanged(row, "The execution is already running");
  const maxCost = change.maxCost === undefined ? row.maxCost : change.maxCost;
  if (budgetReached(row.costUsd, maxCost)) {
    throw invalidState(
      `The execution has spent $${row.costUsd.toFixed(2)} of its $${maxCost!.toFixed(2)} budget: resume with a higher maxCost, or with maxCost null to lift the cap`,
    );
  }
  const resumedAt = new Date();
  await move(tx, row, "resume", { resumedAt, pauseReason: null, maxCost });
  await events.emit(row.id, "execution_resumed", {
    resumedAt: resumedAt.toISOString(),
    ...(change.maxCost !== undefined ? { maxCost } : {}),
  });
  return { row: await reread(tx, row.id), message: "Resumed: queued jobs start again", changed: true };
}

/** Spend is a sum of floating-point costs: a cent's rounding error must not keep a run past its cap. */

/**
 * A running execution whose spend has reached its maxCost pauses itself, in the transaction that recorded the spend:
 * running jobs finish, none starts, and every tab sees why. Returns the execution as it is after.
 */
export async function pauseIfOverBudget(tx: Tx, events: EventSink, row: ExecutionRow): Promise<ExecutionRow> {
  // Nothing left to run: finishIfDone has ended it (this row predates that), there is nothing to pause.
  const done = row.runningCount === 0 && row.queuedCount === 0;
  if (done || row.status !== "running" || !budgetReached(row.costUsd, row.maxCost)) return row;
  const pausedAt = new Date();
  await move(tx, row, "pause", { pausedAt, pauseReason: BUDGET_REACHED, pausedBy: null });
  await events.emit(row.id, "execution_paused", {
    pausedAt: pausedAt.toISOString(),
    running: row.runningCount,
    reason: BUDGET_REACHED,
    costUsd: row.costUsd,
    maxCost: row.maxCost,
  });
  // Pausing itself is news (webhooks); a person's pause is not: they know.
  await announceExecution(tx, row.id, "execution.paused");
  return reread(tx, row.id);
}

/** Queued jobs are cancelled at once; running ones finish, then the execution is stopped. */
export async function stop(
  tx: Tx,
  events: EventSink,
  row: ExecutionRow,
  reason: string | null,
): Promise<ControlOutcome> {
  const action = row.runningCount === 0 ? "stopIdle" : "stop";
  const status = target(row, action);
  if (status === row.status) return unchanged(row, `The execution is already ${row.status}`);
  const { cancelled } = await cancelQueued(tx, events, row.id);
  const stoppedAt = new Date();
  await move(tx, row, action, {
    stoppedAt,
    stopReason: reason,
    ...(status === "stopped" ? { completedAt: stoppedAt } : {}),
  });
  await events.emit(row.id, "execution_stopped", {
    status,
    stoppedAt: stoppedAt.toISOString(),
    reason,
    cancelled,
    running: row.runningCount,
  });
  const stopped = await reread(tx, row.id);
  if (status === "stopped") await emitCompleted(tx, events, stopped, status);
  const jobs = `${cancelled} queued job${cancelled === 1 ? "" : "s"} cancelled`;
  const message =
    status === "stopped" ? `Stopped: ${jobs}` : `Stopping: ${jobs}; ${row.runningCount} running will finish`;
  return { row: stopped, message, changed: true };
}

export async function adjustConcurrency(
  tx: Tx,
  events: EventSink,
  row: ExecutionRow,
  concurrency: number,
): Promise<ControlOutcome> {
  target(row, "adjustConcurrency"); // an ended execution refuses before a same-value request is a no-op
  if (row.concurrency === concurrency) return unchanged(row, `Concurrency is already ${concurrency}`);
  await move(tx, row, "adjustConcurrency", { concurrency });
  await events.emit(row.id, "concurrency_changed", { concurrency, previous: row.concurrency });
  return {
    row: await reread(tx, row.id),
    message: `Concurrency changed from ${row.concurrency} to ${concurrency}`,
    changed: true,
  };
}

/**
 * When nothing is queued or running any more, the execution ends: completed, or stopped if it was stopping.
 * `row` is the execution as this transaction last wrote it (its counters); one that already ended stays so.
 */
export async function finishIfDone(tx: Tx, events: EventSink, row: ExecutionRow): Promise<void> {
  if (row.runningCount > 0 || row.queuedCount > 0) return;
  const status = nextStatus(row.status, "finish");
  if (status === undefined) return;
  const ended = await move(tx, row, "finish", { completedAt: new Date() });
  await emitCompleted(tx, events, ended, status);
}

/** A stopping execution starts nothing new: a job that came back to its queue is cancelled, and it may end. */
export async function cancelWhileStopping(tx: Tx, events: EventSink, row: ExecutionRow): Promise<void> {
  if (row.status !== "stopping") return;
  const { counters } = await cancelQueued(tx, events, row.id);
  await finishIfDone(tx, events, counters);
}

/** The terminal event of every execution, whether it completed or was stopped; webhooks hear of it in the same transaction. */
async function emitCompleted(tx: Tx, events: EventSink, row: ExecutionRow, status: "completed" | "stopped") {
  await events.emit(row.id, "execution_completed", {
    status,
    completedAt: (row.completedAt ?? new Date()).toISOString(),
    totalJobs: row.totalJobs,
    completed: row.completedCount,
    failed: row.failedCount,
    cancelled: row.cancelledCount,
  });
  await announceExecution(tx, row.id, status === "completed" ? "execution.completed" : "execution.stopped");
}

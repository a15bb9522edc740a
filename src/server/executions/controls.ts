import type { Execution } from "@/lib/contract/resources";
import type { Tx } from "../db/client";
import { invalidState, notFound } from "../errors";
import { type EventSink, transactWithEvents } from "../events/transaction";
import * as executionsRepo from "../repos/executions";
import * as jobsRepo from "../repos/jobs";
import { getRuntime } from "../runtime";
import { toExecution } from "./serialize";
import { isFinished } from "./states";

export interface ControlResult {
  execution: Execution;
  message: string;
  /** False for a no-op (pausing a paused execution, …). */
  changed: boolean;
}

type Control = (
  tx: Tx,
  row: executionsRepo.ExecutionRow,
  events: EventSink,
) => Promise<{ row: executionsRepo.ExecutionRow; message: string; changed: boolean }>;

/** Every control runs under the execution row's lock, so racing controls apply one after another. */
async function control(id: string, apply: Control): Promise<ControlResult> {
  const result = await transactWithEvents(getRuntime(), async (tx, events) => {
    const row = await executionsRepo.lockExecution(tx, id);
    if (!row) throw notFound("Execution", id);
    return apply(tx, row, events);
  });
  if (result.changed) getRuntime().bus.wake(id);
  return { execution: toExecution(result.row), message: result.message, changed: result.changed };
}

function refuseWhenFinished(row: executionsRepo.ExecutionRow, action: string) {
  if (isFinished(row.status)) throw invalidState(`Cannot ${action} an execution that is ${row.status}`);
}

export function pause(id: string): Promise<ControlResult> {
  return control(id, async (tx, row, events) => {
    refuseWhenFinished(row, "pause");
    if (row.status === "paused") return { row, message: "The execution is already paused", changed: false };
    if (row.status === "stopping") throw invalidState("Cannot pause an execution that is stopping");
    const updated = await executionsRepo.updateExecution(tx, id, { status: "paused", pausedAt: new Date() });
    await events.emit(id, "execution_paused", {
      pausedAt: updated.pausedAt!.toISOString(),
      running: updated.runningCount,
    });
    const message =
      updated.runningCount > 0
        ? `Paused: no new job starts; ${updated.runningCount} running will finish`
        : "Paused: no new job starts";
    return { row: (await executionsRepo.findExecution(tx, id))!, message, changed: true };
  });
}

export function resume(id: string): Promise<ControlResult> {
  return control(id, async (tx, row, events) => {
    refuseWhenFinished(row, "resume");
    if (row.status === "running") return { row, message: "The execution is already running", changed: false };
    if (row.status === "stopping") throw invalidState("Cannot resume an execution that is stopping");
    const updated = await executionsRepo.updateExecution(tx, id, { status: "running", resumedAt: new Date() });
    await events.emit(id, "execution_resumed", { resumedAt: updated.resumedAt!.toISOString() });
    return {
      row: (await executionsRepo.findExecution(tx, id))!,
      message: "Resumed: queued jobs start again",
      changed: true,
    };
  });
}

/** Queued jobs become cancelled at once; running ones finish, then the execution is stopped. */
export function stop(id: string, reason: string | null): Promise<ControlResult> {
  return control(id, async (tx, row, events) => {
    if (row.status === "stopped" || row.status === "stopping")
      return { row, message: `The execution is already ${row.status}`, changed: false };
    if (row.status === "completed") throw invalidState("Cannot stop an execution that is completed");
    const cancelled = await jobsRepo.cancelQueued(tx, id);
    await executionsRepo.addToCounters(tx, id, { queued: -cancelled, cancelled });
    const stoppedAt = new Date();
    const finalNow = row.runningCount === 0;
    const status = finalNow ? "stopped" : "stopping";
    await executionsRepo.updateExecution(tx, id, {
      status,
      stoppedAt,
      stopReason: reason,
      ...(finalNow ? { completedAt: stoppedAt } : {}),
    });
    if (cancelled > 0) await events.emit(id, "job_cancelled", { count: cancelled, allQueued: true });
    await events.emit(id, "execution_stopped", {
      status,
      stoppedAt: stoppedAt.toISOString(),
      reason,
      cancelled,
      running: row.runningCount,
    });
    const updated = (await executionsRepo.findExecution(tx, id))!;
    if (finalNow) await emitCompleted(events, updated);
    const message = finalNow
      ? `Stopped: ${cancelled} queued job${cancelled === 1 ? "" : "s"} cancelled`
      : `Stopping: ${cancelled} queued job${cancelled === 1 ? "" : "s"} cancelled; ${row.runningCount} running will finish`;
    return { row: updated, message, changed: true };
  });
}

export function adjustConcurrency(id: string, concurrency: number): Promise<ControlResult> {
  return control(id, async (tx, row, events) => {
    refuseWhenFinished(row, "change the concurrency of");
    if (row.concurrency === concurrency)
      return { row, message: `Concurrency is already ${concurrency}`, changed: false };
    await executionsRepo.updateExecution(tx, id, { concurrency });
    await events.emit(id, "concurrency_changed", { concurrency, previous: row.concurrency });
    return {
      row: (await executionsRepo.findExecution(tx, id))!,
      message: `Concurrency changed from ${row.concurrency} to ${concurrency}`,
      changed: true,
    };
  });
}

/** The terminal event of every execution, whether it completed or was stopped. */
export async function emitCompleted(events: EventSink, row: executionsRepo.ExecutionRow) {
  await events.emit(row.id, "execution_completed", {
    status: row.status === "stopped" ? "stopped" : "completed",
    completedAt: (row.completedAt ?? new Date()).toISOString(),
    totalJobs: row.totalJobs,
    completed: row.completedCount,
    failed: row.failedCount,
    cancelled: row.cancelledCount,
  });
}

import type { ExecutionState } from "@/lib/client/execution-state";
import type { ExecutionEvent } from "@/lib/contract/events";
import { formatJobDuration } from "@/lib/format";
import type { FollowListener } from "./follow";
import { progressOf } from "./summary";

/**
 * The live view without a terminal (a pipe, a CI log): one plain line per change of the execution's state and per
 * finished job, no ANSI codes. And `--json`: the same moments as NDJSON, one JSON document a line.
 */

const NO_WORKER = "No worker is running — jobs will resume when one starts";

export function headerLine(state: ExecutionState): string {
  const { execution } = state;
  const total = progressOf(state).total;
  return `Execution ${execution.id} · ${execution.status} · ${total} job${total === 1 ? "" : "s"} · concurrency ${execution.concurrency}`;
}

function eventLine(event: ExecutionEvent, after: ExecutionState): string | null {
  const position = () => {
    const { done, total } = progressOf(after);
    return `[${String(done).padStart(String(total).length)}/${total}]`;
  };
  const who = (actor: { name: string } | null | undefined) => (actor ? ` by ${actor.name}` : "");
  switch (event.type) {
    case "execution_paused":
      return `Paused${who(event.data.actor)}${event.data.reason ? ` (${event.data.reason})` : ""}`;
    case "execution_resumed":
      return `Resumed${who(event.data.actor)}`;
    case "execution_stopped":
      return event.data.status === "stopping"
        ? `Stopping${who(event.data.actor)}: running jobs finish, queued ones are cancelled`
        : `Stopped${who(event.data.actor)}`;
    case "concurrency_changed":
      return `Concurrency ${event.data.previous ?? "?"} → ${event.data.concurrency}`;
    case "job_completed":
      return `${position()} ok      ${event.data.siteUrl ?? event.data.inputId ?? event.data.jobId} (${formatJobDuration(event.data.durationMs)})`;
    case "job_failed":
      return event.data.willRetry
        ? `retry        ${event.data.siteUrl ?? event.data.inputId ?? event.data.jobId}: ${event.data.error}`
        : `${position()} failed  ${event.data.siteUrl ?? event.data.inputId ?? event.data.jobId}: ${event.data.error}`;
    default:
      return null;
  }
}

/** Plain lines, written with `write` (one line each, no newline in them). */
export function plainLines(write: (line: string) => void, queued: () => number): FollowListener {
  let wasConnected = false;
  let lost = false;
  let noWorker = false;
  return {
    onEvent(event, before, after) {
      if (before === after && event.type !== "job_failed") return;
      const line = eventLine(event, after);
      if (line) write(line);
    },
    onStatus(status) {
      if (status.connected) {
        if (lost) write("Reconnected");
        wasConnected = true;
        lost = false;
      } else if (wasConnected && !lost) {
        lost = true;
        write("Connection lost; reconnecting…");
      }
      if (status.degraded) write(`The server cannot reach its database: ${status.degraded}`);
    },
    onWorkers(live) {
      const none = live === 0 && queued() > 0;
      if (none && !noWorker) write(NO_WORKER);
      else if (!none && noWorker && live > 0) write(`${live} worker${live === 1 ? "" : "s"} running again`);
      noWorker = none;
    },
    onAccessEnded: () => write("The server ended this token's access to the execution"),
  };
}

/** NDJSON: every event the stream delivers, as the contract writes it. */
export function ndjsonLines(write: (line: string) => void): FollowListener {
  return {
    onEvent: (event) => write(JSON.stringify(event)),
    onWorkers: (live) => write(JSON.stringify({ type: "workers", live })),
  };
}

/** The first NDJSON line: where following starts. */
export const snapshotJson = (state: ExecutionState) =>
  JSON.stringify({ type: "snapshot", execution: state.execution, stats: state.stats });

/** The last NDJSON line: how it ended, and what the command exits with. */
export const summaryJson = (state: ExecutionState, exitCode: number) =>
  JSON.stringify({
    type: "summary",
    executionId: state.execution.id,
    status: state.execution.status,
    stats: state.stats,
    successRate: progressOf(state).successRate,
    spend: state.execution.spend,
    exitCode,
  });

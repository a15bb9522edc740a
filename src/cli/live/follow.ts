import { ApiError } from "@/lib/client/api";
import type { FleetdeckClient } from "@/lib/client/endpoints";
import {
  applyEvent,
  type ExecutionSnapshot,
  type ExecutionState,
  initialState,
  skipUnreadable,
} from "@/lib/client/execution-state";
import type { StreamStatus } from "@/lib/client/execution-stream";
import { createExecutionStream } from "@/lib/client/node";
import type { ExecutionEvent } from "@/lib/contract/events";

/**
 * One execution followed to its end, as the web live view follows it: the REST snapshot, then the stream's events
 * from the snapshot's lastEventSeq through the same reducer (src/lib/client/execution-state.ts), so the terminal and
 * the browser never disagree. Whatever draws it (the live view, plain lines, NDJSON) listens here.
 */

export interface FollowListener {
  /** Every event the stream delivers, with the state before and after it (the same object when nothing changed). */
  onEvent?(event: ExecutionEvent, before: ExecutionState, after: ExecutionState): void;
  onStatus?(status: StreamStatus): void;
  /** How many workers claim jobs (0 with queued jobs: they wait for one), when the server says. */
  onWorkers?(live: number): void;
  /** The token may no longer watch (revoked, role removed): the stream has stopped for good. */
  onAccessEnded?(): void;
}

export interface Following {
  readonly state: ExecutionState;
  /** Resolves with the final state once the execution has ended (completed or stopped). */
  readonly ended: Promise<ExecutionState>;
  stop(): void;
}

/** Newest finished jobs read with the snapshot, as the web view reads them. */
const FINISHED_SNAPSHOT = 100;

export async function loadSnapshot(client: FleetdeckClient, executionId: string): Promise<ExecutionSnapshot> {
  // The execution first: its lastEventSeq and counters are where the stream resumes, and the job lists read after
  // it can only be as new or newer, which applying events tolerates.
  const { execution } = await client.getExecution(executionId);
  const [running, finished] = await Promise.all([
    client.listJobs(executionId, { statuses: ["running"] }),
    client.listJobs(executionId, { statuses: ["completed", "failed"], limit: FINISHED_SNAPSHOT }),
  ]);
  return { execution, runningJobs: running.jobs, finishedJobs: finished.jobs };
}

/** Ended: the terminal event (execution_completed) was applied, or the snapshot already had one. */
export const hasEnded = (state: ExecutionState) => state.execution.completedAt !== null;

export function follow(client: FleetdeckClient, snapshot: ExecutionSnapshot, listener: FollowListener = {}): Following {
  let state = initialState(snapshot);
  let over = false;
  let resolveEnded: (state: ExecutionState) => void = () => {};
  let rejectEnded: (error: unknown) => void = () => {};
  const ended = new Promise<ExecutionState>((resolve, reject) => {
    resolveEnded = resolve;
    rejectEnded = reject;
  });
  const stream = createExecutionStream(client, {
    executionId: snapshot.execution.id,
    lastSeq: snapshot.execution.lastEventSeq,
    onEvent(event) {
      const before = state;
      state = applyEvent(state, event);
      listener.onEvent?.(event, before, state);
      if (hasEnded(state)) finish();
    },
    onUnreadable(seq) {
      state = skipUnreadable(state, seq);
    },
    onStatus(status) {
      if (over) return; // the stream closing after the end is not news
      listener.onStatus?.(status);
      if (!status.error || stream.connected) return;
      // A stream that gave up for good (the execution is gone) ends the following with its reason.
      if (status.error === "This execution does not exist.") fail(new ApiError(404, "not_found", status.error));
    },
    onWorkers: (live) => listener.onWorkers?.(live),
    onAccessEnded() {
      listener.onAccessEnded?.();
      fail(new ApiError(401, "unauthenticated", "The server ended this token's access to the execution"));
    },
  });

  function finish() {
    over = true;
    stream.stop();
    resolveEnded(state);
  }
  function fail(error: ApiError) {
    over = true;
    stream.stop();
    rejectEnded(error);
  }

  if (hasEnded(state)) resolveEnded(state);
  else stream.start();
  return {
    get state() {
      return state;
    },
    ended,
    stop: () => stream.stop(),
  };
}

"use client";

import { useEffect, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { getExecution, listJobs } from "@/lib/client/endpoints";
import {
  applyEvent,
  type ExecutionSnapshot,
  type ExecutionState,
  initialState,
  skipUnreadable,
} from "@/lib/client/execution-state";
import { ExecutionStream } from "@/lib/client/execution-stream";
import { EXECUTIONS_WS_PATH } from "@/lib/contract/events";

export interface ExecutionStreamView {
  /** null until the first snapshot has loaded. */
  state: ExecutionState | null;
  /** Subscribed and receiving live events. */
  connected: boolean;
  error: string | null;
  /** The server cannot reach its database (why, in its words): live updates pause until it is back. */
  degraded: string | null;
  /** Workers that claim jobs, as the web process counts them; null where no count comes (a process with its own worker). */
  liveWorkers: number | null;
  /** The execution does not exist: nothing to retry. */
  notFound: boolean;
  /** The caller may no longer watch (signed out, token revoked, removed from the project): nothing to retry. */
  accessEnded: boolean;
  /** Counts the server's access changes (a role may have changed): pages re-read the caller's role when it moves. */
  accessChanges: number;
}

const NOTHING_YET: ExecutionStreamView = {
  state: null,
  connected: false,
  error: null,
  degraded: null,
  liveWorkers: null,
  notFound: false,
  accessEnded: false,
  accessChanges: 0,
};

/** Newest finished jobs held in memory at first; the state keeps at most MAX_FINISHED_JOBS anyway. */
const FINISHED_SNAPSHOT = 100;

export async function loadExecutionSnapshot(executionId: string): Promise<ExecutionSnapshot> {
  // The execution first: its lastEventSeq and counters are where the stream resumes, and the job
  // lists read after it can only be as new or newer, which applying events tolerates.
  const { execution } = await getExecution(executionId);
  const [running, finished] = await Promise.all([
    listJobs(executionId, { statuses: ["running"] }),
    listJobs(executionId, { statuses: ["completed", "failed"], limit: FINISHED_SNAPSHOT }),
  ]);
  return { execution, runningJobs: running.jobs, finishedJobs: finished.jobs };
}

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}${EXECUTIONS_WS_PATH}`;
}

/**
 * The live state of one execution: a REST snapshot, then the WebSocket stream from the snapshot's
 * lastEventSeq. Memory stays bounded: events are applied and dropped, and the state caps its lists.
 */
export function useExecutionStream(executionId: string): ExecutionStreamView {
  const [view, setView] = useState<ExecutionStreamView>(NOTHING_YET);

  useEffect(() => {
    let cancelled = false;
    let stream: ExecutionStream | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    setView(NOTHING_YET);

    const load = async (attempt: number) => {
      let snapshot: ExecutionSnapshot;
      try {
        snapshot = await loadExecutionSnapshot(executionId);
      } catch (e) {
        if (cancelled) return;
        const notFound = e instanceof ApiError && e.status === 404;
        const accessEnded = e instanceof ApiError && e.status === 401;
        setView((v) => ({
          ...v,
          notFound,
          accessEnded,
          error: accessEnded ? null : e instanceof Error ? e.message : "Could not load the execution",
        }));
        // A missing execution will not appear by retrying, nor a session come back; anything else (network, restart) may pass.
        if (!notFound && !accessEnded)
          retryTimer = setTimeout(() => void load(attempt + 1), Math.min(10_000, 500 * 2 ** attempt));
        return;
      }
      if (cancelled) return;
      setView({ ...NOTHING_YET, state: initialState(snapshot) });
      stream = new ExecutionStream({
        url: socketUrl(),
        executionId,
        lastSeq: snapshot.execution.lastEventSeq,
        // React batches these updates, so a burst of events renders once.
        onEvent: (event) => setView((v) => (v.state ? { ...v, state: applyEvent(v.state, event) } : v)),
        onUnreadable: (seq) => setView((v) => (v.state ? { ...v, state: skipUnreadable(v.state, seq) } : v)),
        onStatus: ({ connected, error, degraded }) => setView((v) => ({ ...v, connected, error, degraded })),
        onWorkers: (liveWorkers) => setView((v) => ({ ...v, liveWorkers })),
        onAccessChange: () => setView((v) => ({ ...v, accessChanges: v.accessChanges + 1 })),
        onAccessEnded: () => setView((v) => ({ ...v, connected: false, accessEnded: true })),
      });
      stream.start();
    };
    void load(0);

    return () => {
      cancelled = true;
      clearTimeout(retryTimer);
      stream?.stop();
    };
  }, [executionId]);

  return view;
}

import type { ExecutionState } from "@/lib/client/execution-state";
import type { StreamStatus } from "@/lib/client/execution-stream";
import type { FollowListener } from "./follow";

/** What the terminal view draws: the execution's state and what is known around it. */
export interface LiveView {
  state: ExecutionState;
  stream: StreamStatus;
  /** Workers that claim jobs, when the server says; null until then. */
  liveWorkers: number | null;
  accessEnded: boolean;
}

/** The live view's state as a tiny external store (React's useSyncExternalStore reads it). */
export class LiveStore {
  private view: LiveView;
  private readonly listeners = new Set<() => void>();

  constructor(state: ExecutionState) {
    this.view = {
      state,
      stream: { connected: false, error: null, degraded: null },
      liveWorkers: null,
      accessEnded: false,
    };
  }

  readonly get = () => this.view;

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<LiveView>) {
    this.view = { ...this.view, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Feeds the store from the follower. */
  readonly listener: FollowListener = {
    onEvent: (_event, before, after) => {
      if (before !== after) this.set({ state: after });
    },
    onStatus: (stream) => this.set({ stream }),
    onWorkers: (liveWorkers) => this.set({ liveWorkers }),
    onAccessEnded: () => this.set({ accessEnded: true }),
  };
}

export const RETAINED_EVENT_TYPES = [
  "execution_started",
  "execution_paused",
  "execution_resumed",
  "execution_stopped",
  "execution_completed",
  "concurrency_changed",
  "job_started",
  "job_completed",
  "job_failed",
  "job_cancelled",
] as const;

export const EPHEMERAL_EVENT_TYPES = ["job_progress", "execution_progress", "stats_update"] as const;

export type RetainedEventType = (typeof RETAINED_EVENT_TYPES)[number];
export type EphemeralEventType = (typeof EPHEMERAL_EVENT_TYPES)[number];
export type EventType = RetainedEventType | EphemeralEventType;

export function isRetained(type: EventType): type is RetainedEventType {
  return (RETAINED_EVENT_TYPES as readonly string[]).includes(type);
}

/** One event of an execution, as it travels on the socket and is stored in the log. */
export interface ExecutionEvent {
  type: EventType;
  executionId: string;
  /** Retained: its own seq. Ephemeral: the seq of the latest retained event. */
  seq: number;
  data: Record<string, unknown>;
  timestamp: string;
}

export interface StatsCounts {
  running: number;
  queued: number;
  completed: number;
  failed: number;
  cancelled: number;
  totalJobs: number;
  successRate: number;
  avgDurationMs: number;
}

/** Messages the server sends on /api/ws/executions. */
export type ServerMessage =
  | { type: "connected"; clientId: string; timestamp: string }
  | { type: "subscribed"; executionId: string; channel: string; seq: number }
  | { type: "unsubscribed"; channel: string }
  | { type: "pong" }
  | { type: "execution_event"; executionId: string; event: ExecutionEvent; timestamp: string }
  | { type: "reconnect"; reason: string }
  /** The database is unreachable: live events pause until `recovered` (sent at connect too while it lasts). */
  | { type: "degraded"; reason: string }
  | { type: "recovered" }
  | { type: "error"; error: { code: string; message: string } };

/** Messages a client sends. */
export type ClientMessage =
  | { type: "subscribe"; executionId: string; lastSeq?: number }
  | { type: "unsubscribe"; channel: string }
  | { type: "ping" };

export const channelOf = (executionId: string) => `execution:${executionId}`;

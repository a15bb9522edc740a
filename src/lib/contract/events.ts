import { actorSchema } from "./auth";
import { EXECUTION_STATUSES } from "./resources";
import { z } from "./zod";

/**
 * The live events of an execution (CONTRACT.md, "WebSocket"): one payload schema per type, the seq rule, and
 * the messages of /api/ws/executions. The server builds events only through these types and the browser
 * decodes them only through `decodeEvent`, so a field renamed here is renamed on both ends or fails to compile.
 */

/** The WebSocket endpoint of the live view. */
export const EXECUTIONS_WS_PATH = "/api/ws/executions";

const count = z.number().int().min(0);
const isoTime = z.string();

/** A model's spend: a job's totals so far on job_progress, its final spend on job_completed / job_failed. */
const spend = z.object({ inputTokens: count, outputTokens: count, costUsd: z.number().min(0) });

const jobCountsData = {
  running: count,
  queued: count,
  completed: count,
  failed: count,
  cancelled: count,
  totalJobs: count,
};

/** Who caused a control event, with access control on (CONTRACT.md v1.1); absent in local mode and for fleetdeck's own moves. */
const actor = actorSchema.optional();

/** Payload schemas of every event type the server sends. */
export const EVENT_DATA = {
  execution_started: z.object({
    mode: z.enum(["test", "production"]),
    totalJobs: count,
    concurrency: count,
    sampleSize: count.nullable(),
    maxCost: z.number().min(0).nullable().optional(),
    actor,
  }),
  /** `reason` when it paused itself ("budget reached": its spend reached maxCost); absent when a user paused it. */
  execution_paused: z.object({
    pausedAt: isoTime,
    running: count,
    reason: z.string().optional(),
    costUsd: z.number().min(0).optional(),
    maxCost: z.number().min(0).nullable().optional(),
    actor,
  }),
  /** `maxCost` when the resume raised or lifted (null) the spend cap. */
  execution_resumed: z.object({ resumedAt: isoTime, maxCost: z.number().min(0).nullable().optional(), actor }),
  /** "stopping" while running jobs finish; "stopped" at once when none ran. */
  execution_stopped: z.object({
    status: z.enum(["stopping", "stopped"]),
    stoppedAt: isoTime,
    reason: z.string().nullable(),
    cancelled: count,
    running: count,
    actor,
  }),
  /** The terminal event of every execution, completed or stopped, with its final counts. */
  execution_completed: z.object({
    status: z.enum(["completed", "stopped"]),
    completedAt: isoTime,
    totalJobs: count,
    completed: count,
    failed: count,
    cancelled: count,
  }),
  concurrency_changed: z.object({ concurrency: count, previous: count, actor }),
  job_started: z.object({
    jobId: z.string(),
    inputId: z.string(),
    siteUrl: z.string(),
    goal: z.string().nullable(),
    startedAt: isoTime,
    attempt: z.number().int().min(1),
    workerId: z.string(),
  }),
  job_completed: z.object({
    jobId: z.string(),
    inputId: z.string(),
    siteUrl: z.string(),
    success: z.literal(true),
    extractedData: z.record(z.string(), z.unknown()),
    durationMs: count,
    finalUrl: z.string().nullable(),
    completedAt: isoTime,
    usage: spend.optional(),
  }),
  /** With willRetry the job went back to the queue (runAfter, when it had a backoff); without, it failed for good. */
  job_failed: z.object({
    jobId: z.string(),
    inputId: z.string(),
    error: z.string(),
    willRetry: z.boolean(),
    attempt: z.number().int().min(1).optional(),
    runAfter: isoTime.optional(),
    siteUrl: z.string().optional(),
    durationMs: count.optional(),
    completedAt: isoTime.optional(),
    usage: spend.optional(),
  }),
  /** A stop (or a requeue into a stopping execution) cancels every queued job at once and says how many. */
  job_cancelled: z.object({ count, allQueued: z.literal(true) }),
  /**
   * A running job's latest report. `snapshot: true` marks the whole card the server sends after a replay (it
   * then carries inputId, siteUrl, goal and startedAt too), so a client can show a job it never saw start.
   */
  job_progress: z.object({
    jobId: z.string(),
    currentStep: z.string().nullable(),
    currentUrl: z.string().nullable(),
    progress: z.number().min(0).max(100),
    screenshotAt: isoTime.optional(),
    snapshot: z.literal(true).optional(),
    inputId: z.string().optional(),
    siteUrl: z.string().optional(),
    goal: z.string().nullable().optional(),
    startedAt: isoTime.nullable().optional(),
    /** A goal-driven agent's one-line reason for the action the step names, and the job's spend so far. */
    reason: z.string().optional(),
    usage: spend.optional(),
  }),
  /** The execution row's counters, exact for the retained event whose seq it carries. */
  stats_update: z.object({
    ...jobCountsData,
    successRate: z.number().min(0).max(100),
    avgDurationMs: count,
    /** Model spend of the finished jobs. */
    costUsd: z.number().min(0),
    inputTokens: count,
    outputTokens: count,
    status: z.enum(EXECUTION_STATUSES),
  }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

/**
 * Retained events get the next seq of their execution and stay in its log; ephemeral ones carry the seq of the
 * latest retained event and are not kept. (The contract also names `execution_progress`: reserved, never sent;
 * `stats_update` carries an execution's progress.)
 */
export const EPHEMERAL_EVENT_TYPES = ["job_progress", "stats_update"] as const satisfies readonly EventType[];
export type EphemeralEventType = (typeof EPHEMERAL_EVENT_TYPES)[number];
export type RetainedEventType = Exclude<EventType, EphemeralEventType>;
export const RETAINED_EVENT_TYPES = (Object.keys(EVENT_DATA) as EventType[]).filter(
  (type): type is RetainedEventType => !(EPHEMERAL_EVENT_TYPES as readonly string[]).includes(type),
);

export function isRetained(type: EventType): type is RetainedEventType {
  return !(EPHEMERAL_EVENT_TYPES as readonly string[]).includes(type);
}

/** One event of an execution, as it travels on the socket and is stored in the log. */
export type ExecutionEvent<T extends EventType = EventType> = {
  [K in T]: {
    type: K;
    executionId: string;
    /** Retained: its own seq. Ephemeral: the seq of the latest retained event. */
    seq: number;
    data: EventData<K>;
    timestamp: string;
  };
}[T];

/** A type guard for one event type, for filters: `events.filter(eventOf("job_failed"))`. */
export const eventOf =
  <T extends EventType>(type: T) =>
  (event: ExecutionEvent): event is Extract<ExecutionEvent, { type: T }> =>
    event.type === type;

/** The job an event is about, for the job_* types; undefined for the others (and for job_cancelled's bulk form). */
export function jobIdOf(event: ExecutionEvent): string | undefined {
  return "jobId" in event.data ? event.data.jobId : undefined;
}

/**
 * Where an event stands against the last retained seq a receiver has applied: the next one to apply, one it
 * already has, one past a gap (it missed some: read them from the log, or resubscribe from lastSeq), or an
 * ephemeral event (applies at any seq). The one seq rule of the server's channels and the browser's stream.
 */
export type SeqFit = "next" | "old" | "gap" | "ephemeral";

export function seqFit(lastSeq: number, event: { type: EventType; seq: number }): SeqFit {
  return isRetained(event.type) ? retainedSeqFit(lastSeq, event.seq) : "ephemeral";
}

/** The seq rule for a retained event known only by its seq (one too big to notify, one this build cannot read). */
export function retainedSeqFit(lastSeq: number, seq: number): Exclude<SeqFit, "ephemeral"> {
  if (seq <= lastSeq) return "old";
  return seq === lastSeq + 1 ? "next" : "gap";
}

const envelope = z.object({
  type: z.string(),
  executionId: z.string(),
  seq: z.number().int().min(0),
  data: z.unknown(),
  timestamp: z.string(),
});

/**
 * An event as it arrived, checked against its type's schema. `unreadable` is an event whose type or payload this
 * build does not know (a newer server, an older log entry): a retained one still takes its seq, as a no-op, so
 * one odd event cannot stall the stream.
 */
export type DecodedEvent =
  | { ok: true; event: ExecutionEvent }
  | { ok: false; unreadable: { type: string; executionId: string; seq: number; retained: boolean } | null };

export function decodeEvent(value: unknown): DecodedEvent {
  const head = envelope.safeParse(value);
  if (!head.success) return { ok: false, unreadable: null };
  const { type, executionId, seq, data, timestamp } = head.data;
  if (!Object.hasOwn(EVENT_DATA, type)) return { ok: false, unreadable: { type, executionId, seq, retained: true } };
  const known = type as EventType;
  // Loose: fields a newer server adds ("more fields may be added") pass through rather than vanish.
  const payload = EVENT_DATA[known].loose().safeParse(data);
  if (!payload.success) {
    return { ok: false, unreadable: { type, executionId, seq, retained: isRetained(known) } };
  }
  return { ok: true, event: { type: known, executionId, seq, data: payload.data, timestamp } as ExecutionEvent };
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
  /**
   * How many workers claim jobs (alive, beating within WORKER_DEAD_AFTER_MS), sent by a web process without a worker
   * of its own to sockets that watch an execution: at subscribe, then whenever the count changes. 0 means queued
   * jobs wait until a worker starts. Clients that do not know this type ignore it.
   */
  | { type: "workers"; live: number }
  | { type: "error"; error: { code: string; message: string } };

/** Schemas of the messages a client sends; the server answers any other shape with an `error` message. */
export const CLIENT_MESSAGES = {
  subscribe: z.object({
    type: z.literal("subscribe"),
    executionId: z.string().min(1, "executionId is required").max(200),
    // null is accepted as "no lastSeq": some clients serialize an unset number that way.
    lastSeq: z.number().int().min(0).nullish(),
    /** With AUTH=on, an API token for this and later subscriptions of the socket (instead of a cookie or header). */
    token: z.string().min(1).max(200).optional(),
  }),
  unsubscribe: z.object({ type: z.literal("unsubscribe"), channel: z.string().min(1, "channel is required").max(300) }),
  ping: z.object({ type: z.literal("ping") }),
} as const;

/** Messages a client sends. */
export type ClientMessage =
  | { type: "subscribe"; executionId: string; lastSeq?: number; token?: string }
  | { type: "unsubscribe"; channel: string }
  | { type: "ping" };

const CHANNEL_PREFIX = "execution:";

export const channelOf = (executionId: string) => `${CHANNEL_PREFIX}${executionId}`;

/** channel "execution:<id>" → id, or undefined for any other shape. */
export function executionIdOfChannel(channel: string): string | undefined {
  return channel.startsWith(CHANNEL_PREFIX) && channel.length > CHANNEL_PREFIX.length
    ? channel.slice(CHANNEL_PREFIX.length)
    : undefined;
}

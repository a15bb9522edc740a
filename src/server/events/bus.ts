import { EventEmitter } from "node:events";
import type { ExecutionEvent } from "@/lib/contract/events";
import type { Database } from "../db/client";
import { isDatabaseUnavailable } from "../db/unavailable";
import { log } from "../log";

/**
 * Delivery of committed events and scheduler wake-ups, within one process (memory) or across
 * processes (PostgreSQL LISTEN/NOTIFY). The event log stays the source of truth: a receiver that
 * sees a seq gap reads the missing events from the log.
 */
export interface EventBus {
  /** Call only after the transaction that wrote a retained event has committed. */
  publish(event: ExecutionEvent): void;
  /**
   * Where the bus can, retained events are announced inside their own transaction (NOTIFYs, delivered on commit, in
   * commit order) instead of with a commit of its own after it: these are the notifications, and `publish` is then
   * not called.
   */
  notificationsOf?(events: ExecutionEvent[]): { channel: string; payloads: string[] };
  onEvent(listener: (event: ExecutionEvent) => void): () => void;
  /** Ask schedulers (in every process) to look for claimable jobs now; null means "any execution". */
  wake(executionId: string | null): void;
  onWake(listener: (executionId: string | null) => void): () => void;
  /**
   * Tell every process that these access keys (auth/caller.ts `accessKeysOf`: a session, a token, a user) were
   * revoked or changed: the hubs close the sockets that hold them. Call after the change has committed.
   */
  announceAccessChange(keys: string[]): void;
  onAccessChange(listener: (keys: string[]) => void): () => void;
  close(): Promise<void>;
}

const EVENTS_CHANNEL = "fleetdeck_events";
const WAKE_CHANNEL = "fleetdeck_wake";
const ACCESS_CHANNEL = "fleetdeck_access";
/** NOTIFY payloads are limited to 8000 bytes; bigger events travel as a marker and are read from the log. */
const MAX_NOTIFY_BYTES = 7000;
/** How long a job's progress waits for a newer one before it leaves (the hub shows one per job per 250 ms). */
const PROGRESS_WINDOW_MS = 50;
/** NOTIFYs in one statement at most (its parameter stays well under a megabyte). */
const MAX_NOTIFICATIONS_AT_ONCE = 100;

class LocalEmitter {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  on<T>(name: string, listener: (value: T) => void): () => void {
    const safe = (value: T) => {
      try {
        listener(value);
      } catch (e) {
        log().error({ err: e }, `bus listener for ${name} failed`);
      }
    };
    this.emitter.on(name, safe);
    return () => this.emitter.off(name, safe);
  }

  emit(name: string, value: unknown) {
    this.emitter.emit(name, value);
  }
}

export class MemoryBus implements EventBus {
  private readonly local = new LocalEmitter();

  publish(event: ExecutionEvent) {
    this.local.emit("event", event);
  }
  onEvent(listener: (event: ExecutionEvent) => void) {
    return this.local.on("event", listener);
  }
  wake(executionId: string | null) {
    queueMicrotask(() => this.local.emit("wake", executionId));
  }
  onWake(listener: (executionId: string | null) => void) {
    return this.local.on("wake", listener);
  }
  announceAccessChange(keys: string[]) {
    if (keys.length > 0) queueMicrotask(() => this.local.emit("access", keys));
  }
  onAccessChange(listener: (keys: string[]) => void) {
    return this.local.on("access", listener);
  }
  async close() {}
}

/** An event too large for NOTIFY: receivers fetch it from the log by seq. */
export interface EventMarker {
  marker: true;
  executionId: string;
  seq: number;
  type: string;
}

export class PostgresBus implements EventBus {
  private readonly local = new LocalEmitter();
  private unlisteners: (() => Promise<void>)[] = [];
  /** NOTIFYs leave one after another: on a pool they could otherwise overtake each other. */
  private tail: Promise<void> = Promise.resolve();
  /** Waiting to leave; the first one queued the flush that takes them all. */
  private readonly outbox: [channel: string, payload: string][] = [];
  /** Each job's latest job_progress of the current window, by job id. */
  private readonly progress = new Map<string, string>();
  private progressTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly database: Database) {}

  static async create(database: Database): Promise<PostgresBus> {
    const bus = new PostgresBus(database);
    bus.unlisteners.push(
      await database.listen(EVENTS_CHANNEL, (payload) => {
        const parsed = JSON.parse(payload) as ExecutionEvent | EventMarker;
        bus.local.emit("event", parsed);
      }),
      await database.listen(WAKE_CHANNEL, (payload) => bus.local.emit("wake", payload === "" ? null : payload)),
      await database.listen(ACCESS_CHANNEL, (payload) => bus.local.emit("access", JSON.parse(payload) as string[])),
    );
    // Wake-ups sent while LISTEN was down are lost: every scheduler looks again. (Lost events need
    // nothing here: the hub's channels compare with the log's last seq and read what they missed.)
    const stopResumed = database.onListenResumed(() => bus.local.emit("wake", null));
    bus.unlisteners.push(async () => stopResumed());
    return bus;
  }

  publish(event: ExecutionEvent) {
    if (event.type !== "job_progress") return this.send(EVENTS_CHANNEL, notifyPayload(event));
    // A job's progress is shown at most every 250 ms (the hub's pace) and each report carries all a watcher needs:
    // only each job's latest of a short window leaves, so chatty agents cost a few NOTIFYs a second, not one each.
    this.progress.set((event.data as { jobId: string }).jobId, notifyPayload(event));
    this.progressTimer ??= setTimeout(() => this.sendProgress(), PROGRESS_WINDOW_MS);
  }
  private sendProgress() {
    this.progressTimer = null;
    for (const payload of this.progress.values()) this.send(EVENTS_CHANNEL, payload);
    this.progress.clear();
  }
  notificationsOf(events: ExecutionEvent[]) {
    return { channel: EVENTS_CHANNEL, payloads: events.map(notifyPayload) };
  }
  onEvent(listener: (event: ExecutionEvent) => void) {
    return this.local.on("event", listener);
  }
  wake(executionId: string | null) {
    this.send(WAKE_CHANNEL, executionId ?? "");
  }
  onWake(listener: (executionId: string | null) => void) {
    return this.local.on("wake", listener);
  }
  announceAccessChange(keys: string[]) {
    // Keys are short (kind:uuid); a NOTIFY holds 8000 bytes, so a long list goes in several.
    for (let i = 0; i < keys.length; i += 100) this.send(ACCESS_CHANNEL, JSON.stringify(keys.slice(i, i + 100)));
  }
  onAccessChange(listener: (keys: string[]) => void) {
    return this.local.on("access", listener);
  }
  /**
   * Queues a NOTIFY. Those queued while one is on its way leave together, in order, in one statement: every NOTIFY
   * commits under one database-wide lock, so a busy worker's job_progress events (one each) would otherwise queue
   * every other process's commits behind theirs.
   */
  private send(channel: string, payload: string) {
    this.outbox.push([channel, payload]);
    if (this.outbox.length > 1) return; // a flush is already queued and will take this one
    this.tail = this.tail.then(async () => {
      while (this.outbox.length > 0) {
        const notifications = this.outbox.slice(0, MAX_NOTIFICATIONS_AT_ONCE);
        try {
          await this.database.notify(notifications);
        } catch (e) {
          // While the database is away every wake fails the same way; its health change is logged once instead.
          if (isDatabaseUnavailable(e)) log().debug({ err: e }, "notify failed: the database is unreachable");
          else log().warn({ err: e }, "notify failed");
        }
        this.outbox.splice(0, notifications.length);
      }
    });
  }
  async close() {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.sendProgress();
    await this.tail;
    // One after another: they share the LISTEN connection, which takes one query at a time.
    for (const unlisten of this.unlisteners) await unlisten().catch(() => {});
    this.unlisteners = [];
  }
}

function notifyPayload(event: ExecutionEvent): string {
  const payload = JSON.stringify(event);
  if (Buffer.byteLength(payload) <= MAX_NOTIFY_BYTES) return payload;
  const marker: EventMarker = { marker: true, executionId: event.executionId, seq: event.seq, type: event.type };
  return JSON.stringify(marker);
}

export function isMarker(value: unknown): value is EventMarker {
  return typeof value === "object" && value !== null && (value as EventMarker).marker === true;
}

import { type ExecutionEvent, jobIdOf, retainedSeqFit, type SeqFit, seqFit } from "@/lib/contract/events";
import { type EventMarker, isMarker } from "../events/bus";
import { log } from "../log";
import type { ExecutionHead } from "../repos/realtime";
import { encodeEvent } from "./protocol";
import { SerialQueue } from "./serial-queue";
import { statsUpdateEvent } from "./stats";
import type { Subscription } from "./subscription";

export interface ChannelDeps {
  /** Retained events with seq > afterSeq, in order, at most `limit`. */
  readLog(executionId: string, afterSeq: number, limit: number): Promise<ExecutionEvent[]>;
  /** The execution's last retained seq, or undefined if it does not exist. */
  readLastSeq(executionId: string): Promise<number | undefined>;
  /** The execution's row as it is now: its counters and the seq they belong to. */
  readHead(executionId: string): Promise<ExecutionHead | undefined>;
  /** At most one job_progress per job (and one execution_progress) per this many ms. */
  progressIntervalMs: number;
}

const LOG_PAGE = 1000;
const FINISHED_JOB_EVENTS = new Set(["job_completed", "job_failed", "job_cancelled"]);
/** The throttle key of execution_progress, which has no jobId. */
const EXECUTION_KEY = "\u0000execution";

/**
 * The hub's view of one execution in this process: who watches it, and the last retained seq
 * delivered to them. Every bus event goes through one queue, so delivery is in seq order: the next
 * seq is delivered at once, a jump (or a marker for an event too big for NOTIFY) is filled from the
 * log, and anything at or below the delivered seq is a duplicate and dropped.
 */
export class Channel {
  delivered = 0;
  /** The execution does not exist; set by init. */
  missing = false;
  /** The database could not be read when the channel started: subscribers get an error and may retry. */
  broken = false;
  /** Something happened since the last stats_update (the hub's stats tick reads and clears it). */
  activity = false;
  readonly subscribers = new Set<Subscription>();
  readonly ready: Promise<void>;
  private readonly queue = new SerialQueue();
  /** Per job (and one key for execution_progress): when a report was last sent, the newest seen, and the one waiting. */
  private readonly progress = new Map<string, { sentAt: number; stamp: string; pending: ExecutionEvent | null }>();
  private closed = false;

  constructor(
    readonly executionId: string,
    private readonly deps: ChannelDeps,
  ) {
    // First in the queue: bus events that arrive meanwhile wait, then compare with this seq.
    this.ready = this.queue.run(async () => {
      try {
        const lastSeq = await deps.readLastSeq(executionId);
        if (lastSeq === undefined) this.missing = true;
        else this.delivered = lastSeq;
      } catch (e) {
        log().error({ err: e, executionId }, "realtime channel could not start");
        this.broken = true;
      }
    });
  }

  /** Runs `task` between two deliveries: it sees a consistent `delivered` and no event is sent meanwhile. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  ingest(event: ExecutionEvent | EventMarker) {
    void this.queue
      .run(() => this.accept(event))
      .catch((e) => log().error({ err: e, executionId: this.executionId }, "realtime delivery failed"));
  }

  /** Reads whatever the log has past the delivered seq: for a lost notification, found by the hub's sweep. */
  catchUp(): Promise<void> {
    return this.queue.run(() => this.readMissing());
  }

  /**
   * Sends a stats_update exactly where its counts belong in the stream: right after the retained
   * event whose seq the row had when it was read, and stamped with that seq. A row read before
   * events this channel has since sent is read again; a row ahead of it first has its events sent
   * from the log. So a client that applies events in order never sees counts that predate an event
   * it has applied, nor counts of events it has not received yet.
   */
  sendStats(head: ExecutionHead): Promise<void> {
    return this.queue.run(async () => {
      if (this.closed || this.missing || this.broken) return;
      const current = head.lastEventSeq < this.delivered ? await this.deps.readHead(this.executionId) : head;
      if (!current) return;
      if (current.lastEventSeq > this.delivered) await this.readMissing(current.lastEventSeq);
      if (current.lastEventSeq !== this.delivered) {
        this.activity = true; // the log could not be read up to it: the next tick tries again
        return;
      }
      this.sendEphemeral(statsUpdateEvent(current));
    });
  }

  close() {
    this.closed = true;
    this.progress.clear();
  }

  private async accept(event: ExecutionEvent | EventMarker) {
    if (this.closed || this.missing || this.broken) return;
    // A marker stands for a retained event too big for NOTIFY: never "next", it is read from the log.
    const fit = isMarker(event) ? marked(retainedSeqFit(this.delivered, event.seq)) : seqFit(this.delivered, event);
    if (fit === "old") return;
    if (fit === "next") return this.deliverRetained(event as ExecutionEvent);
    if (fit === "gap") return this.readMissing();
    const ephemeral = event as ExecutionEvent;
    this.activity = true;
    // The hub makes stats_update itself from the execution row, at most every 2 s.
    if (ephemeral.type === "stats_update") return;
    this.throttleProgress(ephemeral);
  }

  /** Delivers the logged events after the delivered seq, up to `upToSeq` when given. */
  private async readMissing(upToSeq = Number.POSITIVE_INFINITY) {
    while (this.delivered < upToSeq && !this.closed) {
      const limit = Math.min(LOG_PAGE, upToSeq - this.delivered);
      const page = await this.deps.readLog(this.executionId, this.delivered, limit);
      for (const event of page) if (event.seq > this.delivered && event.seq <= upToSeq) this.deliverRetained(event);
      if (page.length < limit) return;
    }
  }

  private deliverRetained(event: ExecutionEvent) {
    this.delivered = event.seq;
    this.activity = true;
    const jobId = jobIdOf(event);
    // A progress report still waiting must not arrive after the job's end and bring it back to life.
    if (jobId !== undefined && FINISHED_JOB_EVENTS.has(event.type)) this.progress.delete(jobId);
    if (this.subscribers.size === 0) return;
    const frame = encodeEvent(event);
    for (const subscription of this.subscribers) subscription.offerRetained(event.seq, frame);
  }

  /** Latest wins per job: sent at once if the job's last report is old enough, else kept for flushProgress. */
  private throttleProgress(event: ExecutionEvent) {
    const key = jobIdOf(event) ?? EXECUTION_KEY;
    const now = Date.now();
    let entry = this.progress.get(key);
    // Notifications from a pool of connections may arrive out of order: never go back to an older report.
    if (entry && event.timestamp < entry.stamp) return;
    entry ??= { sentAt: 0, stamp: event.timestamp, pending: null };
    entry.stamp = event.timestamp;
    this.progress.set(key, entry);
    if (now - entry.sentAt >= this.deps.progressIntervalMs) {
      entry.pending = null;
      entry.sentAt = now;
      this.sendEphemeral(event);
    } else {
      entry.pending = event;
    }
  }

  /** Called by the hub's timer: sends the kept reports whose interval has passed. */
  flushProgress(now = Date.now()) {
    for (const [key, entry] of this.progress) {
      if (entry.pending && now - entry.sentAt >= this.deps.progressIntervalMs) {
        const event = entry.pending;
        entry.pending = null;
        entry.sentAt = now;
        this.sendEphemeral(event);
      } else if (!entry.pending && now - entry.sentAt > 60_000) {
        // Forget jobs quiet for a minute so the map does not grow with every job of a long execution.
        this.progress.delete(key);
      }
    }
  }

  /** Ephemeral events carry the seq of the latest retained event delivered. */
  private sendEphemeral(event: ExecutionEvent) {
    if (this.closed || this.subscribers.size === 0) return;
    const frame = encodeEvent({ ...event, seq: this.delivered });
    for (const subscription of this.subscribers) subscription.offerEphemeral(frame);
  }
}

/** A marker is never applied as it is: even the next seq is read from the log, where the whole event is. */
const marked = (fit: SeqFit): SeqFit => (fit === "next" ? "gap" : fit);

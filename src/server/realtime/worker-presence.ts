import { log } from "../log";

export interface WorkerPresenceOptions {
  /** Counts the live workers (one query, whatever the number of sockets). */
  countLive: () => Promise<number>;
  /** How often to count while someone watches (WORKER_HEARTBEAT_MS: a count cannot change faster than beats). */
  periodMs: number;
  /** The count is known for the first time, or changed. */
  onChange: (live: number) => void;
}

/**
 * How many workers claim jobs, as a web process without a worker of its own sees them: counted every beat while
 * the hub has watchers, and not at all otherwise. When watching stops the count is forgotten, so the first watcher
 * after a quiet spell is told a fresh count, not an old one.
 */
export class WorkerPresence {
  private live: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private counting = false;
  private failing = false;

  constructor(private readonly options: WorkerPresenceOptions) {}

  /** The latest count, or null until one is known. */
  get current(): number | null {
    return this.live;
  }

  /** Counts while `watched` is true (at once when it becomes true), and stops when it turns false. */
  setWatched(watched: boolean): void {
    if (watched === (this.timer !== null)) return;
    if (!watched) {
      clearInterval(this.timer ?? undefined);
      this.timer = null;
      this.live = null;
      return;
    }
    this.timer = setInterval(() => void this.count(), this.options.periodMs);
    this.timer.unref();
    void this.count();
  }

  stop(): void {
    this.setWatched(false);
  }

  private async count(): Promise<void> {
    if (this.counting) return;
    this.counting = true;
    try {
      const live = await this.options.countLive();
      this.failing = false;
      // Watching may have stopped while the query ran: a count for nobody is dropped.
      if (this.timer === null || live === this.live) return;
      this.live = live;
      this.options.onChange(live);
    } catch (e) {
      // The database may be away (the hub says so with `degraded`): keep the last word and count again next beat.
      if (!this.failing) log().warn({ err: e }, "counting live workers failed; retrying every beat");
      this.failing = true;
    } finally {
      this.counting = false;
    }
  }
}

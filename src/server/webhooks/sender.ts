import type { ExecutionEvent } from "@/lib/contract/events";
import { type NetworkGuard, networkGuard } from "../agents/network-guard";
import type { EventMarker } from "../events/bus";
import { log } from "../log";
import type { Runtime, Service } from "../runtime";
import * as repo from "./repo";
import { SEND_TIMEOUT_MS, sendDelivery } from "./send";

export interface SenderOptions {
  /** The wait after each failed attempt, in order; attempts in all = its length + 1 (then the delivery fails). */
  retryDelaysMs: readonly number[];
  /** A claim's lease: longer than an attempt can take, so a live sender's claim never expires under it. */
  leaseSeconds: number;
  /** The safety poll: the bus wakes the sender, and a timer the earliest retry, so this only mends lost wakes. */
  pollMs: number;
  timeoutMs: number;
  /** Deliveries claimed (and sent at once, in parallel) per claim. */
  batchSize: number;
  guard: NetworkGuard;
}

/** 30 s, 2 min, 10 min, 1 h, 6 h: six attempts over about seven hours. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  retryDelaysMs: RETRY_DELAYS_MS,
  leaseSeconds: Math.ceil((SEND_TIMEOUT_MS * 3) / 1000),
  pollMs: 15_000,
  timeoutMs: SEND_TIMEOUT_MS,
  batchSize: 20,
  guard: networkGuard,
};

/** The events whose transaction may have queued deliveries (outbox.ts). */
const ANNOUNCING = new Set(["execution_completed", "execution_paused"]);

/** ±20 %: senders of many installations that failed together do not come back together. */
export function withJitter(delayMs: number, random = Math.random): number {
  return Math.round(delayMs * (0.8 + 0.4 * random()));
}

/**
 * Sends the outbox: claims due deliveries (SKIP LOCKED and a lease, so any number of processes may run one), sends
 * each with its attempt's signature, and records how it went: delivered on a 2xx, else tried again after the next
 * delay, or failed after the last. Runs in every process that runs the scheduler.
 */
export class WebhookSender implements Service {
  private readonly options: SenderOptions;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private claiming = false;
  private claimAgain = false;
  private stopping = false;
  private poll: NodeJS.Timeout | null = null;
  private dueTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly runtime: Runtime,
    options: Partial<SenderOptions> = {},
  ) {
    this.options = { ...DEFAULT_SENDER_OPTIONS, ...options };
  }

  start(): this {
    this.unsubscribe = this.runtime.bus.onEvent((event: ExecutionEvent | EventMarker) => {
      if (ANNOUNCING.has(event.type)) this.kick();
    });
    this.poll = setInterval(() => this.kick(), this.options.pollMs);
    this.poll.unref();
    this.kick();
    return this;
  }

  /** Looks for due deliveries now (a pass in progress looks again when it ends). */
  kick(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    void this.claimLoop();
  }

  /** Resolves when no claim pass or attempt is in progress (tests). */
  async idle(): Promise<void> {
    while (this.claiming || this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async claimLoop(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.claimAgain = false;
        const claimed = await this.runtime.db.transaction((tx) =>
          repo.claimDue(tx, { limit: this.options.batchSize, leaseSeconds: this.options.leaseSeconds }),
        );
        for (const c of claimed) this.track(this.attempt(c));
        if (claimed.length === this.options.batchSize) this.claimAgain = true;
      } while (this.claimAgain && !this.stopping);
      await this.scheduleNextDue();
    } catch (e) {
      log().error({ err: e }, "claiming webhook deliveries failed; the next poll tries again");
    } finally {
      this.claiming = false;
    }
    if (this.claimAgain && !this.stopping) this.kick();
  }

  private track(attempt: Promise<void>): void {
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  /** Sends one claimed delivery now and records the outcome; the caller holds its claim. */
  async attempt({ delivery, webhook }: repo.ClaimedDelivery): Promise<void> {
    try {
      const outcome = webhook.enabled
        ? await sendDelivery(
            {
              deliveryId: delivery.id,
              event: delivery.event,
              url: webhook.url,
              secret: webhook.secret,
              payload: delivery.payload,
            },
            { guard: this.options.guard, timeoutMs: this.options.timeoutMs, signal: this.abort.signal },
          )
        : { ok: false as const, statusCode: null, error: "Not sent: the webhook is disabled" };
      const delay = webhook.enabled ? this.options.retryDelaysMs[delivery.attempts - 1] : undefined;
      const recorded = await repo.recordAttempt(
        this.runtime.db,
        delivery,
        outcome.ok
          ? { delivered: true, statusCode: outcome.statusCode }
          : {
              delivered: false,
              statusCode: outcome.statusCode,
              error: outcome.error,
              retryAt: delay === undefined ? null : new Date(Date.now() + withJitter(delay)),
            },
      );
      if (!recorded)
        log().warn({ deliveryId: delivery.id }, "a webhook attempt outlived its lease; its result was dropped");
      // A retry (or another delivery) may now be the earliest due.
      if (!outcome.ok) this.kick();
    } catch (e) {
      log().error({ err: e, deliveryId: delivery.id }, "recording a webhook attempt failed; its lease will expire");
    }
  }

  /** Wakes when the earliest pending delivery comes due, instead of polling fast. */
  private async scheduleNextDue(): Promise<void> {
    const next = await repo.nextDueAt(this.runtime.db);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
    if (!next || this.stopping) return;
    // Timers hold at most 2^31-1 ms; the poll covers anything later.
    const waitMs = Math.min(2 ** 31 - 1, Math.max(10, next.getTime() - Date.now() + 5));
    this.dueTimer = setTimeout(() => this.kick(), waitMs);
    this.dueTimer.unref();
  }

  /** Claims nothing more; attempts in flight get `graceMs` to finish, then are cut short (and retried later). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    if (this.poll) clearInterval(this.poll);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    const settled = Promise.allSettled([...this.inFlight]);
    await Promise.race([settled, new Promise((r) => setTimeout(r, graceMs))]);
    this.abort.abort();
    await this.idle();
  }
}

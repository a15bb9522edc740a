import os from "node:os";
import pkg from "../../../package.json";
import { requeueJobsOfGoneWorkers, requeueJobsOfPreviousProcess } from "../jobs/service";
import { log } from "../log";
import * as workersRepo from "../repos/workers";
import type { Runtime } from "../runtime";

export interface RegistryOptions {
  slots: number;
  heartbeatMs: number;
  deadAfterMs: number;
  /** This worker's running jobs, for its row. */
  runningCount: () => number;
  /** Claim again: a peer is gone (its share is free now) or the database is back after beats failed. */
  onClaimable: () => void;
}

export interface Peer {
  id: string;
  slots: number;
}

/** Rows of workers gone longer than this are dropped. */
const KEEP_GONE_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;

/**
 * This worker's row in the `workers` table and its watch over the others. It beats every heartbeatMs;
 * a worker silent for deadAfterMs is declared dead by any live one, which returns the dead worker's
 * running jobs to the queue (job leases stay as the safety net behind this). A worker only judges others
 * after beating without a gap for deadAfterMs itself, so after a database outage nobody is declared
 * dead for the silence everyone shared.
 */
export class WorkerRegistry {
  private timers: NodeJS.Timeout[] = [];
  private beating: Promise<void> | null = null;
  private sweeping: Promise<void> | null = null;
  private status: "alive" | "stopping" = "alive";
  private lastBeatAt = -Infinity;
  private healthySince = Infinity;
  private failing = false;
  private lastPruneAt = -Infinity;
  private livePeers: Peer[] = [];

  constructor(
    private readonly runtime: Runtime,
    private readonly options: RegistryOptions,
  ) {}

  /** The other live workers, as of the last beat. */
  get peers(): Peer[] {
    return this.livePeers;
  }

  /**
   * Registers this worker and starts beating. On the embedded database this process is the only one (the
   * data-folder lock proves it), so a previous process's workers are dead and their jobs go back at once. Elsewhere
   * the jobs of workers already declared dead or stopped go back at once too: that verdict was reached (judging
   * silent peers still waits until this worker has beaten for deadAfterMs).
   */
  async start(): Promise<void> {
    await this.beat();
    if (this.runtime.database.kind === "pglite") await this.takeOverPreviousProcess();
    else await this.returnJobsOfGoneWorkers();
    // Beats and sweeps on timers of their own: a slow sweep must not delay this worker's beats.
    this.timers.push(
      setInterval(() => void this.beat(), this.options.heartbeatMs),
      setInterval(() => void this.sweep(), this.options.heartbeatMs),
    );
  }

  /** From now on the row says "stopping": peers stop leaving slots to it, and it is not declared dead while it finishes. */
  markStopping(): void {
    this.status = "stopping";
    void this.beat();
  }

  /** Stops beating and marks the row stopped (a worker that cannot is declared dead by the others instead). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([this.beating, this.sweeping]);
    try {
      await workersRepo.markStopped(this.runtime.db, this.runtime.workerId);
    } catch (e) {
      log().warn({ err: e }, "marking this worker stopped failed; the others will declare it dead");
    }
  }

  private identity(): workersRepo.WorkerIdentity {
    return {
      id: this.runtime.workerId,
      host: os.hostname(),
      pid: process.pid,
      slots: this.options.slots,
      version: pkg.version,
    };
  }

  private beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => (this.beating = null));
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const { db } = this.runtime;
    const { deadAfterMs } = this.options;
    try {
      await workersRepo.beat(db, this.identity(), this.status, this.options.runningCount());
      const now = performance.now();
      // Silent for longer than a verdict takes (first beat, outage, stall): judge nobody until beating that long again.
      if (now - this.lastBeatAt > deadAfterMs) this.healthySince = now;
      this.lastBeatAt = now;
      const recovered = this.failing;
      if (recovered) log().info("worker heartbeat reaches the database again");
      this.failing = false;

      const peers = await workersRepo.livePeers(db, this.runtime.workerId, deadAfterMs);
      const lostPeer = this.livePeers.some((p) => !peers.some((q) => q.id === p.id));
      this.livePeers = peers;
      if (lostPeer || recovered) this.options.onClaimable();
    } catch (e) {
      if (!this.failing) log().warn({ err: e }, "worker heartbeat failed (database unreachable?); retrying every beat");
      this.failing = true;
    }
  }

  /** Declares silent workers dead and returns the jobs of gone workers to the queue, while this worker is healthy. */
  private sweep(): Promise<void> {
    const now = performance.now();
    const { deadAfterMs } = this.options;
    const healthy = now - this.lastBeatAt <= deadAfterMs && now - this.healthySince >= deadAfterMs;
    if (healthy) this.sweeping ??= this.sweepOnce(now).finally(() => (this.sweeping = null));
    return this.sweeping ?? Promise.resolve();
  }

  private async sweepOnce(now: number): Promise<void> {
    const { db } = this.runtime;
    const { deadAfterMs } = this.options;
    try {
      for (const dead of await workersRepo.markSilentDead(db, deadAfterMs)) {
        log().warn(
          { worker: dead.id, lastBeatAt: dead.lastBeatAt },
          `worker ${dead.id} declared dead: no heartbeat for ${deadAfterMs / 1000} s`,
        );
      }
      await this.returnJobsOfGoneWorkers();
      if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
        this.lastPruneAt = now;
        await workersRepo.pruneGone(db, KEEP_GONE_MS);
      }
    } catch (e) {
      log().warn({ err: e }, "checking for dead workers failed; retrying at the next beat");
    }
  }

  /** Puts the running jobs of workers declared dead or stopped back in the queue, and wakes the claimers. */
  private async returnJobsOfGoneWorkers(): Promise<void> {
    try {
      const requeued = await requeueJobsOfGoneWorkers(this.runtime, this.options.deadAfterMs);
      if (requeued === 0) return;
      log().warn({ requeued }, "returned the running jobs of a dead worker to the queue");
      this.runtime.bus.wake(null);
    } catch (e) {
      log().warn({ err: e }, "returning the jobs of gone workers failed; retrying at the next sweep");
    }
  }

  private async takeOverPreviousProcess(): Promise<void> {
    try {
      await workersRepo.markOthersDead(this.runtime.db, this.runtime.workerId);
      const requeued = await requeueJobsOfPreviousProcess(this.runtime, this.runtime.workerId);
      if (requeued > 0) log().warn({ requeued }, "returned the running jobs of the previous process to the queue");
    } catch (e) {
      log().error({ err: e }, "returning the previous process's jobs failed; their leases will return them");
    }
  }
}

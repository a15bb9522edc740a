import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import type { JobUsage, TranscriptStep } from "@/lib/contract/spend";
import { agentFor as defaultAgentFor } from "../agents";
import { runWithTimeout } from "../agents/run-with-timeout";
import { type Agent, AgentError, isAgentError } from "../agents/types";
import type { Claimant, Ending, FinishResult, Outcome } from "../jobs/machine";
import { type ClaimedJob, claimJobs, finishJobs, recoverExpiredLeases, releaseJob } from "../jobs/service";
import { log } from "../log";
import { metrics, timed } from "../metrics";
import * as executionsRepo from "../repos/executions";
import * as jobsRepo from "../repos/jobs";
import type { Runtime, Service } from "../runtime";
import { backoffMs } from "./backoff";
import { ProgressReporter } from "./progress";
import { WorkerRegistry } from "./registry";

export interface SchedulerOptions {
  /** Jobs this process runs at once, over all executions. */
  slots: number;
  leaseSeconds: number;
  pollMs: number;
  retryBaseMs: number;
  /** How often this worker beats in the registry, and how long a silent worker has until it is declared dead. */
  heartbeatMs: number;
  deadAfterMs: number;
  agentFor?: (config: AgentConfig) => Agent;
}

interface RunningJob {
  job: ClaimedJob;
  abort: AbortController;
  done: Promise<void>;
}

/** How an attempt's end was recorded, and whether its batch's freed slots all went to next jobs at once. */
interface RecordedEnd {
  result: FinishResult;
  refilled: boolean;
}

interface QueuedEnd {
  ending: Ending;
  resolve(recorded: RecordedEnd): void;
  reject(error: unknown): void;
}

/** Ends written in one transaction at most: keeps the executions' locks short under a flood of quick jobs. */
const MAX_ENDS_PER_TRANSACTION = 200;

/** How long the first end waits for others to join its write (a quick job's end costs a transaction otherwise). */
const GATHER_ENDS_MS = 2;

/** The grace after a shutdown's abort for an agent that ignores its AbortSignal. */
const TIMEOUT_GRACE_MS = 5000;

/**
 * Claims jobs when woken (job finished, control changed, execution created, a backoff elapsed) and
 * on a slow safety poll; runs each with its agent; keeps their leases alive; beats in the worker
 * registry, which returns the jobs of dead workers to the queue. It never writes SQL or changes a status itself:
 * it asks jobs/service.ts, which applies the state machines.
 *
 * Slots: `running` holds the jobs this worker runs, `booked` the slots a claim in flight may fill. Both
 * change only synchronously, and every claim books what it may take before its first await, so no two
 * claims (the claim loop and any number of hand-overs) can spend the same free slot.
 */
export class Scheduler implements Service {
  private readonly running = new Map<string, RunningJob>();
  /** Ends waiting to be written, and whether a write is under way. */
  private readonly endings: QueuedEnd[] = [];
  private writingEnds = false;
  /** The short wait for more ends before a write starts. */
  private gathering: NodeJS.Timeout | null = null;
  private booked = 0;
  private readonly agentFor: (config: AgentConfig) => Agent;
  private readonly configs = new Map<string, AgentConfig>();
  private readonly registry: WorkerRegistry;
  private started: Promise<void> = Promise.resolve();
  /** When this worker last woke the others to take slots it left them, per execution. */
  private readonly peersWokenAt = new Map<string, number>();
  private claiming = false;
  private claimAgain = false;
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];
  private wakeAt: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private dbFailures = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly options: SchedulerOptions,
  ) {
    this.agentFor = options.agentFor ?? defaultAgentFor;
    this.registry = new WorkerRegistry(runtime, {
      slots: options.slots,
      heartbeatMs: options.heartbeatMs,
      deadAfterMs: options.deadAfterMs,
      runningCount: () => this.running.size,
      onClaimable: () => this.kick(),
    });
  }

  static fromRuntime(runtime: Runtime, overrides: Partial<SchedulerOptions> = {}): Scheduler {
    const e = runtime.env;
    return new Scheduler(runtime, {
      slots: e.WORKER_SLOTS,
      leaseSeconds: e.LEASE_SECONDS,
      pollMs: e.SCHEDULER_POLL_MS,
      retryBaseMs: e.RETRY_BASE_MS,
      heartbeatMs: e.WORKER_HEARTBEAT_MS,
      deadAfterMs: e.WORKER_DEAD_AFTER_MS,
      ...overrides,
    });
  }

  start(): this {
    this.unsubscribe = this.runtime.bus.onWake(() => this.kick());
    const leaseMs = this.options.leaseSeconds * 1000;
    this.timers.push(
      setInterval(() => this.kick(), this.options.pollMs),
      setInterval(() => void this.renewLeases(), Math.max(250, leaseMs / 3)),
      setInterval(() => void this.recover(), Math.max(500, leaseMs / 2)),
    );
    // Registered, and the jobs nobody holds any more back in the queue, before the first claim: a worker that
    // starts after all others died takes their work at once (an expired lease is fair game; so is a job of a
    // worker already declared dead or stopped; embedded, every job of the previous process).
    this.started = this.registry.start().then(async () => {
      await this.recover();
      this.kick();
    });
    return this;
  }

  /** Resolves once the worker is registered and has made its first claim pass. */
  whenStarted(): Promise<void> {
    return this.started;
  }

  /** Jobs this process is running now. */
  get activeJobs(): number {
    return this.running.size;
  }

  private get freeSlots(): number {
    return this.options.slots - this.running.size - this.booked;
  }

  /** Who claims, for `max` booked slots. */
  private claimant(max: number): Claimant {
    return {
      workerId: this.runtime.workerId,
      leaseSeconds: this.options.leaseSeconds,
      max,
      peers: this.registry.peers,
    };
  }

  /** This worker took its fair share and left free slots to the others: make sure they look now (once a beat at most). */
  private wakePeers(executionId: string): void {
    const now = performance.now();
    if (now - (this.peersWokenAt.get(executionId) ?? -Infinity) < this.options.heartbeatMs) return;
    if (this.peersWokenAt.size > 1000) this.peersWokenAt.clear();
    this.peersWokenAt.set(executionId, now);
    this.runtime.bus.wake(executionId);
  }

  kick(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    void this.claimLoop();
  }

  private async claimLoop(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.claimAgain = false;
        for (const executionId of await executionsRepo.claimableExecutionIds(this.runtime.db)) {
          const free = this.freeSlots;
          if (free <= 0 || this.stopping) break;
          this.booked += free;
          let claimed: Awaited<ReturnType<typeof claimJobs>>;
          try {
            claimed = await timed(metrics().jobClaimSeconds, () =>
              claimJobs(this.runtime, executionId, this.claimant(free)),
            );
          } finally {
            this.booked -= free;
          }
          for (const job of claimed.jobs) this.run(job);
          if (claimed.leftForPeers) this.wakePeers(executionId);
        }
      } while (this.claimAgain && !this.stopping);
      await this.scheduleBackoffWake();
      if (this.dbFailures > 0) log().info("database reachable again; scheduling resumed");
      this.dbFailures = 0;
    } catch (e) {
      this.dbFailures++;
      const retryMs = Math.min(30_000, 500 * 2 ** Math.min(6, this.dbFailures));
      log().error(
        { err: e, retryMs },
        `claiming jobs failed (database unreachable?); retrying in ${Math.round(retryMs / 1000)} s`,
      );
      if (!this.stopping) setTimeout(() => this.kick(), retryMs).unref();
    } finally {
      this.claiming = false;
    }
    // A wake that arrived after the last pass looked must not be lost.
    if (this.claimAgain && !this.stopping) this.kick();
  }

  /** Wakes up when the earliest backed-off job becomes claimable, instead of polling fast. */
  private async scheduleBackoffWake(): Promise<void> {
    const next = await jobsRepo.nextRunAfter(this.runtime.db);
    if (this.wakeAt) clearTimeout(this.wakeAt);
    // A job that came due while this pass ran is picked up by the next pass, 10 ms on.
    this.wakeAt = next ? setTimeout(() => this.kick(), Math.max(10, next.getTime() - Date.now() + 5)) : null;
  }

  private run(job: ClaimedJob): void {
    // Claimed again while an earlier attempt of this worker still runs: that attempt lost its claim (this worker was
    // presumed dead and the job went back to the queue). The database cannot tell two attempts of one worker apart,
    // so the stale one is stopped here and its outcome never recorded (see `superseded`).
    this.running.get(job.id)?.abort.abort(new AgentError("The job's lease was lost", true, "lease"));
    const abort = new AbortController();
    // Claimed while shutting down (a finishing job took its slot again): hand it straight back.
    const work = this.stopping
      ? releaseJob(this.runtime, job, this.runtime.workerId).then(
          () => false,
          () => false,
        )
      : this.execute(job, abort);
    const done = work
      .catch(() => false)
      .then((handedOver) => {
        if (!this.superseded(job.id, abort)) this.running.delete(job.id);
        // A finish that took its slot again needs no claim pass; anything else may let another job start.
        if (!handedOver) this.kick();
      });
    this.running.set(job.id, { job, abort, done });
  }

  /** Runs one job and records its outcome; true when its slot went straight to the next job. */
  private async execute(job: ClaimedJob, abort: AbortController): Promise<boolean> {
    const started = Date.now();
    const reporter = new ProgressReporter(this.runtime, job);
    let outcome: Outcome;
    let config: AgentConfig | null = null;
    try {
      config = await this.configOf(job.executionId);
      const result = await this.withTimeout(job, config, abort, reporter);
      outcome = {
        durationMs: Date.now() - started,
        extractedData: result.extractedData,
        finalUrl: result.finalUrl ?? null,
        httpStatus: result.httpStatus ?? null,
        ...spentBy(result.usage, result.transcript),
      };
      reporter.record("Completed", 100);
    } catch (e) {
      const error = isAgentError(e)
        ? e
        : new AgentError(`Unexpected agent failure: ${e instanceof Error ? e.message : String(e)}`, true, "internal");
      // A goal-driven agent's spend is real even when it fails; one cut off by the timeout left only its reports.
      const usage = error.details?.usage ?? lastReportedUsage(reporter, config);
      outcome = {
        durationMs: Date.now() - started,
        error: { message: error.message, retryable: error.retryable },
        ...spentBy(usage, error.details?.transcript),
      };
      if (!this.stopping) reporter.record(`Failed: ${error.message}`.slice(0, 500), null);
    }
    const steps = await reporter.close();
    if (this.superseded(job.id, abort)) {
      log().warn({ jobId: job.id }, "a stale attempt ended after its job was claimed again; outcome discarded");
      return false;
    }
    try {
      if (this.stopping && outcome.error) {
        await releaseJob(this.runtime, job, this.runtime.workerId); // shutdown interrupted it: not the job's fault
        return false;
      }
      const retry = {
        maxRetries: config?.maxRetries ?? 0,
        backoffMs: (n: number) => backoffMs(n, this.options.retryBaseMs),
      };
      const { result, refilled } = await this.recordEnd({ job, outcome, steps, endedAt: new Date(), retry });
      if (result === "lost")
        log().warn({ jobId: job.id }, "job finished after its lease was lost; the result was discarded");
      return refilled;
    } catch (e) {
      log().error(
        { err: e, jobId: job.id },
        "recording a job's outcome failed; its lease will expire and it will run again",
      );
      return false;
    }
  }

  /**
   * Queues an attempt's end with the others that end in the same moment, of any execution; one transaction at a
   * time records them all (jobs/service.ts `finishJobs`), so this worker never waits on itself for an execution's
   * lock. Whatever ends while one is written goes in the next.
   */
  private recordEnd(ending: Ending): Promise<RecordedEnd> {
    return new Promise((resolve, reject) => {
      this.endings.push({ ending, resolve, reject });
      this.scheduleWrite();
    });
  }

  /**
   * Starts the next write of ends: at once when every running job has ended (nothing more can join it), else after
   * a short wait, since ends of the same moment (a claimed batch of quick jobs) arrive a little apart.
   */
  private scheduleWrite(): void {
    if (this.writingEnds || this.endings.length === 0) return;
    const start = () => {
      this.gathering = null;
      this.writingEnds = true;
      void this.writeEnds();
    };
    if (this.endings.length >= this.running.size) {
      if (this.gathering) clearTimeout(this.gathering);
      start();
    } else this.gathering ??= setTimeout(start, GATHER_ENDS_MS);
  }

  private async writeEnds(): Promise<void> {
    const batch = this.endings.splice(0, MAX_ENDS_PER_TRANSACTION);
    // The batch's slots (still counted in `running` until each job's execute returns) and the free ones go to the
    // next queued jobs, booked like any claim.
    const extra = this.stopping ? 0 : Math.max(0, this.freeSlots);
    this.booked += extra;
    try {
      const startedAt = performance.now();
      const { results, settled } = await finishJobs(
        this.runtime,
        batch.map((b) => b.ending),
        this.claimant(this.stopping ? 0 : extra + batch.length),
      );
      // Each job's outcome took the whole write to record: one observation per job, as the metric counts them.
      const seconds = (performance.now() - startedAt) / 1000;
      for (const _ of batch) metrics().jobFinishSeconds.observe(seconds);
      // Started at once; the batch's jobs leave `running` as their execute returns, so the total stays in bounds.
      for (const [executionId, { next }] of settled) {
        for (const claimed of next.jobs) this.run(claimed);
        if (next.leftForPeers) this.wakePeers(executionId);
      }
      for (const [i, b] of batch.entries()) {
        const own = settled.get(b.ending.job.executionId);
        b.resolve({ result: results[i]!, refilled: own !== undefined && own.next.jobs.length >= own.ends });
      }
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      this.booked -= extra;
      this.writingEnds = false;
      // Once the batch's jobs have left `running` (their execute returns after these promises settle).
      setImmediate(() => this.scheduleWrite());
    }
  }

  private withTimeout(job: ClaimedJob, config: AgentConfig, abort: AbortController, reporter: ProgressReporter) {
    return runWithTimeout(
      this.agentFor(config),
      {
        id: job.id,
        executionId: job.executionId,
        inputId: job.inputId,
        siteUrl: job.siteUrl,
        goal: job.goal,
        row: job.row,
        retryCount: job.retryCount,
      },
      { config, progress: reporter.report, screenshot: reporter.screenshot },
      abort,
      config.timeoutMs,
    );
  }

  private async configOf(executionId: string): Promise<AgentConfig> {
    const cached = this.configs.get(executionId);
    if (cached) return cached;
    const raw = await executionsRepo.agentOfExecution(this.runtime.db, executionId);
    const config = agentConfigSchema.parse(raw ?? {});
    if (this.configs.size > 1000) this.configs.clear();
    this.configs.set(executionId, config);
    return config;
  }

  /** A newer attempt of the same job runs in this worker: the one with `abort` lost its claim. */
  private superseded(jobId: string, abort: AbortController): boolean {
    const current = this.running.get(jobId);
    return current !== undefined && current.abort !== abort;
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    try {
      const kept = await jobsRepo.renewLeases(this.runtime.db, ids, this.runtime.workerId, this.options.leaseSeconds);
      for (const id of ids) {
        // Someone else re-queued it (our lease expired while we were stalled): stop working on it.
        if (!kept.has(id)) this.running.get(id)?.abort.abort(new AgentError("The job's lease was lost", true, "lease"));
      }
    } catch (e) {
      log().warn({ err: e }, "renewing leases failed");
    }
  }

  private async recover(): Promise<void> {
    try {
      const recovered = await recoverExpiredLeases(this.runtime);
      if (recovered > 0) {
        log().warn({ recovered }, "returned jobs of an unresponsive worker to the queue");
        this.runtime.bus.wake(null);
      }
    } catch (e) {
      log().warn({ err: e }, "recovering expired leases failed");
    }
  }

  /**
   * Stops claiming, lets running jobs finish within `graceMs`, then aborts and releases the rest; the
   * worker keeps beating meanwhile (as "stopping") and marks its row stopped at the end.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    if (this.wakeAt) clearTimeout(this.wakeAt);
    await this.started.catch(() => {});
    this.registry.markStopping();
    // A claim in flight may still hand us jobs: wait for it before counting what runs.
    while (this.claiming) await new Promise((r) => setTimeout(r, 10));
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    if (this.running.size > 0) {
      await Promise.race([all(), new Promise((r) => setTimeout(r, graceMs))]);
      for (const r of this.running.values())
        r.abort.abort(new AgentError("The worker is shutting down", true, "shutdown"));
      await Promise.race([all(), new Promise((r) => setTimeout(r, TIMEOUT_GRACE_MS))]);
    }
    await this.registry.stop();
  }
}

function spentBy(usage: JobUsage | undefined, transcript: TranscriptStep[] | undefined) {
  return usage ? { usage, ...(transcript ? { transcript } : {}) } : {};
}

function lastReportedUsage(reporter: ProgressReporter, config: AgentConfig | null): JobUsage | undefined {
  const spent = reporter.spentSoFar;
  return spent ? { ...spent, model: config?.agent?.model ?? "unknown" } : undefined;
}

import type { Spend } from "@/lib/contract/spend";
import { capText } from "../agents/limits";
import type { ProgressReport } from "../agents/types";
import { type EventDeps, publishEphemeral } from "../events/transaction";
import { log } from "../log";
import { type StepEntry, saveProgress } from "../repos/jobs";
import { saveScreenshot } from "../repos/screenshots";

const WRITE_EVERY_MS = 500;
const SCREENSHOT_EVERY_MS = 1500;

/**
 * Turns an agent's reports into live events at once, and into database writes (job row, step log,
 * screenshot) at most a few times a second, so a chatty agent cannot flood the database.
 */
export class ProgressReporter {
  private latest: { currentStep: string; currentUrl: string | null; progressPercentage: number } | null = null;
  private pendingSteps: StepEntry[] = [];
  private lastStep: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private lastScreenshotAt = 0;
  /** Carried by every later progress event: the hub keeps only a job's latest, which must not lose it. */
  private screenshotSavedAt: string | null = null;
  /** A goal-driven agent's reason for the current step, and the job's spend so far: later events carry them too. */
  private reason: string | undefined;
  private spend: Spend | undefined;
  private closed = false;

  constructor(
    private readonly deps: EventDeps,
    private readonly job: { id: string; executionId: string; siteUrl: string },
  ) {}

  report = (report: ProgressReport) => {
    if (this.closed) return;
    const progress = Math.max(0, Math.min(99, Math.round(report.percent ?? this.latest?.progressPercentage ?? 0)));
    // A step and its URL quote the page (a redirect's Location, a label): both are cut to the field limit.
    const step = capText(report.step);
    const currentUrl = capText(report.url ?? this.latest?.currentUrl ?? this.job.siteUrl);
    this.latest = { currentStep: step, currentUrl, progressPercentage: progress };
    // A reason belongs to its step: a later step without one ("Thinking…") must not show the last action's.
    this.reason = report.detail?.reason === undefined ? undefined : capText(report.detail.reason);
    const d = report.detail;
    if (d?.costUsd !== undefined || d?.inputTokens !== undefined || d?.outputTokens !== undefined) {
      this.spend = { inputTokens: d.inputTokens ?? 0, outputTokens: d.outputTokens ?? 0, costUsd: d.costUsd ?? 0 };
    }
    if (step !== this.lastStep) {
      this.lastStep = step;
      this.pendingSteps.push({ step, url: currentUrl, percent: progress, at: new Date() });
    }
    publishEphemeral(this.deps.bus, this.job.executionId, "job_progress", {
      jobId: this.job.id,
      currentStep: step,
      currentUrl,
      progress,
      ...(this.screenshotSavedAt ? { screenshotAt: this.screenshotSavedAt } : {}),
      ...this.agentFields(),
    });
    this.timer ??= setTimeout(() => this.flush(), WRITE_EVERY_MS);
  };

  screenshot = (jpeg: Buffer) => {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.lastScreenshotAt < SCREENSHOT_EVERY_MS) return;
    this.lastScreenshotAt = now;
    this.writing = this.writing
      .then(() => saveScreenshot(this.deps.db, this.job.id, jpeg))
      .then(() => {
        this.screenshotSavedAt = new Date(now).toISOString();
        const l = this.latest;
        publishEphemeral(this.deps.bus, this.job.executionId, "job_progress", {
          jobId: this.job.id,
          currentStep: l?.currentStep ?? null,
          currentUrl: l?.currentUrl ?? this.job.siteUrl,
          progress: l?.progressPercentage ?? 0,
          screenshotAt: this.screenshotSavedAt,
          ...this.agentFields(),
        });
      })
      .catch((e) => log().warn({ err: e, jobId: this.job.id }, "saving a screenshot failed"));
  };

  private agentFields() {
    return {
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...(this.spend ? { usage: this.spend } : {}),
    };
  }

  /** The job's model spend so far as its agent last reported it: what a job cut off by its timeout had spent. */
  get spentSoFar(): Spend | undefined {
    return this.spend;
  }

  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const latest = this.latest;
    const steps = this.pendingSteps.splice(0);
    if (!latest) return this.writing;
    this.writing = this.writing
      .then(() => saveProgress(this.deps.db, this.job.id, latest, steps))
      .catch((e) => log().warn({ err: e, jobId: this.job.id }, "saving progress failed"));
    return this.writing;
  }

  /** A step for the log only, not announced: the job's final state says it to every client. */
  record(text: string, percent: number | null) {
    const step = capText(text);
    if (this.closed || step === this.lastStep) return;
    this.lastStep = step;
    this.pendingSteps.push({
      step,
      url: this.latest?.currentUrl ?? capText(this.job.siteUrl),
      percent,
      at: new Date(),
    });
  }

  /**
   * Stops reporting and hands back the steps not yet written, for the transaction that records the
   * job's outcome: one commit instead of two more of its own.
   */
  async close(): Promise<StepEntry[]> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.closed = true;
    await this.writing;
    return this.pendingSteps.splice(0);
  }
}

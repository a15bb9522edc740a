import type { AgentContext } from "./types";

/**
 * Spreads percent over a job's units of work (opening the page, each step, extracting) so the bar rises steadily,
 * and remembers the current step so a navigation reported between steps keeps the step's words.
 */
export class ProgressTracker {
  private done = 0;
  step = "";
  url: string;
  percent = 0;

  constructor(
    private readonly ctx: AgentContext,
    private readonly units: number,
    startUrl: string,
  ) {
    this.url = startUrl;
  }

  /** Starts the next unit of work: "Opening https://…", "Clicking 'Next'". */
  begin(step: string, url?: string): void {
    this.step = step;
    if (url) this.url = url;
    this.percent = Math.min(95, Math.round(5 + (90 * this.done) / Math.max(1, this.units)));
    this.done++;
    this.report();
  }

  /** The page moved (a navigation or a redirect) while the current step runs. */
  movedTo(url: string, step?: string): void {
    if (url === this.url && !step) return;
    this.url = url;
    if (step) this.step = step;
    this.report();
  }

  private report(): void {
    this.ctx.progress({ step: this.step, url: this.url, percent: this.percent });
  }
}

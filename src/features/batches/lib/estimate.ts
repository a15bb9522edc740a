import type { Estimate, ExecutionMode } from "@/lib/contract/resources";
import { formatCost, formatDurationInWords, plural } from "@/lib/format";

/** "Test 5 jobs? About 2 minutes, $0.40." — the Execute dialog's estimate in words. */
export function describeEstimate(mode: ExecutionMode, estimate: Estimate): string {
  const jobs = plural(estimate.totalJobs, "job");
  const question = mode === "test" ? `Test ${jobs}?` : estimate.totalJobs === 1 ? `Run ${jobs}?` : `Run all ${jobs}?`;
  const duration = formatDurationInWords(estimate.estimatedDurationMs);
  const time = /^\d/.test(duration) ? `About ${duration}` : duration.charAt(0).toUpperCase() + duration.slice(1);
  return `${question} ${time}, ${formatCost(estimate.estimatedCost)}.`;
}

/** What the estimate rests on: this batch's finished jobs (measured), or only its settings (a guess until a run). */
export function describeBasis(basis: NonNullable<Estimate["basis"]>, goalDriven: boolean): string {
  if (basis === "history")
    return `Based on this batch's finished jobs: their average time${goalDriven ? " and model spend" : ""}.`;
  return goalDriven
    ? "Based on the batch's settings, no model spend yet: a test run measures it and makes this estimate real."
    : "Based on the batch's settings: a run of this batch makes it real.";
}

/** Reads "… from 1 to 8" out of the server's concurrency message, so the form can follow a configured maximum. */
export function maxFromMessage(message: string): number | null {
  if (!/concurrency/i.test(message)) return null;
  const m = message.match(/from 1 to (\d+)/);
  return m ? Number(m[1]) : null;
}

/** "5" -> 5; anything but digits (decimals, signs, empty) -> null. */
export function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

/** A concurrency typed in a form: the number, or what is wrong with it (the execute and re-run dialogs). */
export function readConcurrency(
  text: string,
  maxConcurrency: number,
): { concurrency: number; error: null } | { concurrency: null; error: string } {
  const concurrency = wholeNumber(text);
  if (concurrency === null || concurrency < 1 || concurrency > maxConcurrency)
    return { concurrency: null, error: `Concurrency must be a whole number from 1 to ${maxConcurrency}.` };
  return { concurrency, error: null };
}

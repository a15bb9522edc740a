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

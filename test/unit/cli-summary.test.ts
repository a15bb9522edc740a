import { describe, expect, it } from "vitest";
import { EXIT } from "@/cli/exit-codes";
import { parseAllowance, progressOf, runExitCode } from "@/cli/live/summary";
import type { ExecutionState } from "@/lib/client/execution-state";
import type { ExecutionStatus } from "@/lib/contract/resources";

/** The CLI's exit-code rule and its live numbers (src/cli/live/summary.ts). */

/** Only what these functions read: the status, the times and the counts. */
function ended(status: ExecutionStatus, counts: { completed: number; failed: number; cancelled?: number }) {
  const cancelled = counts.cancelled ?? 0;
  const total = counts.completed + counts.failed + cancelled;
  return {
    execution: {
      status,
      totalJobs: total,
      startedAt: "2026-01-01T00:00:00.000Z",
      completedAt: "2026-01-01T00:01:00.000Z",
    },
    stats: { total, running: 0, queued: 0, cancelled, ...counts },
  } as unknown as ExecutionState;
}

describe("the exit code of run and watch", () => {
  it("is 0 only for a completed run with no failed job, unless the allowance covers the failures", () => {
    const none = parseAllowance(undefined);
    expect(runExitCode(ended("completed", { completed: 10, failed: 0 }), none)).toBe(EXIT.ok);
    expect(runExitCode(ended("completed", { completed: 9, failed: 1 }), none)).toBe(EXIT.runFailed);
    expect(runExitCode(ended("stopped", { completed: 5, failed: 0, cancelled: 5 }), none)).toBe(EXIT.runFailed);

    expect(runExitCode(ended("completed", { completed: 1, failed: 9 }), parseAllowance(true))).toBe(EXIT.ok);
    expect(runExitCode(ended("completed", { completed: 8, failed: 2 }), parseAllowance("2"))).toBe(EXIT.ok);
    expect(runExitCode(ended("completed", { completed: 7, failed: 3 }), parseAllowance("2"))).toBe(EXIT.runFailed);
    expect(runExitCode(ended("completed", { completed: 95, failed: 5 }), parseAllowance("5%"))).toBe(EXIT.ok);
    expect(runExitCode(ended("completed", { completed: 94, failed: 6 }), parseAllowance("5%"))).toBe(EXIT.runFailed);
    // No allowance makes a stopped run pass: it did not do what was asked.
    expect(runExitCode(ended("stopped", { completed: 5, failed: 0, cancelled: 5 }), parseAllowance(true))).toBe(
      EXIT.runFailed,
    );
  });

  it("refuses an allowance it cannot read, naming the flag", () => {
    for (const bad of ["-1", "many", "150%", "2.5"])
      expect(() => parseAllowance(bad)).toThrow(/--allow-failures must be a number of jobs/);
  });
});

describe("the live numbers", () => {
  it("count done, the success rate and the time a finished run took", () => {
    const p = progressOf(ended("completed", { completed: 3, failed: 1 }));
    expect(p).toMatchObject({ total: 4, done: 4, fraction: 1, successRate: 75, elapsedMs: 60_000, eta: "Finished" });
  });
});

import { describe, expect, it } from "vitest";
import { describeRerunEstimate, lineageWords, rerunChoices } from "@/features/executions/lib/rerun";

const stats = (failed: number, cancelled: number) => ({
  total: 10,
  running: 0,
  queued: 0,
  completed: 10 - failed - cancelled,
  failed,
  cancelled,
});

describe("re-run choices", () => {
  it("offers the failed and the cancelled rows of a finished execution to operators and admins, each only when there are some", () => {
    expect(rerunChoices("completed", stats(3, 0), "operator")).toEqual([
      { select: "failed", rows: 3, label: "Re-run failed (3)" },
    ]);
    expect(rerunChoices("stopped", stats(1, 2_500), "admin").map((c) => c.label)).toEqual([
      "Re-run failed (1)",
      "Re-run cancelled (2,500)",
    ]);
    expect(rerunChoices("completed", stats(0, 0), "admin")).toEqual([]);
  });

  it("offers nothing to a viewer, before the role is known, or while the execution is not finished", () => {
    expect(rerunChoices("completed", stats(3, 1), "viewer")).toEqual([]);
    expect(rerunChoices("completed", stats(3, 1), null)).toEqual([]);
    for (const status of ["running", "paused", "stopping"] as const)
      expect(rerunChoices(status, stats(3, 1), "admin")).toEqual([]);
  });

  it("says what a re-run is in words", () => {
    expect(lineageWords({ of: "p", selection: "failed", rows: 37 })).toBe("37 rows (failed)");
    expect(lineageWords({ of: "p", selection: "jobs", rows: 1 })).toBe("1 row (selected)");
    expect(lineageWords({ of: "p", selection: "inputs", rows: 2 })).toBe("2 rows (selected)");
    expect(describeRerunEstimate({ totalJobs: 2, estimatedDurationMs: 120_000, estimatedCost: 0.4 })).toMatch(
      /^Re-run 2 jobs\? About 2 minutes, \$0\.40\.$/,
    );
  });
});

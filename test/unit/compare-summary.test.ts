import { describe, expect, it } from "vitest";
import { comparedLine, summaryParts } from "@/features/compare/lib/summary";
import type { CompareCounts } from "@/lib/contract/compare";

const counts = (over: Partial<CompareCounts>): CompareCounts => ({
  rowsCompared: 100,
  changed: 0,
  unchanged: 100,
  statusChanged: 0,
  transitions: [],
  newlyFailing: 0,
  newlyPassing: 0,
  fields: [],
  onlyInA: 0,
  onlyInB: 0,
  ...over,
});

describe("the comparison's summary line", () => {
  it("says what changed, most inputs first, then failing, passing and one-sided inputs", () => {
    const parts = summaryParts(
      counts({
        changed: 20,
        newlyFailing: 3,
        newlyPassing: 2,
        onlyInA: 63,
        onlyInB: 1,
        fields: [
          { name: "price", added: 0, removed: 1, changed: 12 },
          { name: "stock", added: 0, removed: 0, changed: 0 },
          { name: "rating", added: 1200, removed: 0, changed: 0 },
        ],
      }),
    );
    expect(parts).toEqual([
      "1,200 rating added",
      "12 price changed",
      "1 price removed",
      "3 now failing",
      "2 newly passing",
      "63 only in A",
      "1 only in B",
    ]);
  });

  it("says nothing for nothing, and how many of the compared inputs differ", () => {
    expect(summaryParts(counts({}))).toEqual([]);
    expect(comparedLine(counts({}))).toBe("All 100 inputs run in both are the same.");
    expect(comparedLine(counts({ changed: 5, statusChanged: 2 }))).toBe(
      "5 of 100 inputs run in both differ (2 by status).",
    );
    expect(comparedLine(counts({ rowsCompared: 0, unchanged: 0 }))).toBe("No input ran in both executions.");
  });
});

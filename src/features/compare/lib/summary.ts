import type { CompareCounts } from "@/lib/contract/compare";

/**
 * The comparison's counts in words, most telling first: "12 price changed", "3 now failing", "2 newly passing",
 * "63 only in A". Field lines come by how many inputs they touch; a field with nothing changed says nothing.
 */
export function summaryParts(counts: CompareCounts): string[] {
  const n = (x: number) => x.toLocaleString("en-US");
  const fieldParts = counts.fields
    .flatMap((f) => [
      { count: f.changed, text: `${n(f.changed)} ${f.name} changed` },
      { count: f.added, text: `${n(f.added)} ${f.name} added` },
      { count: f.removed, text: `${n(f.removed)} ${f.name} removed` },
    ])
    .filter((p) => p.count > 0)
    .sort((x, y) => y.count - x.count);
  return [
    ...fieldParts.map((p) => p.text),
    ...(counts.newlyFailing ? [`${n(counts.newlyFailing)} now failing`] : []),
    ...(counts.newlyPassing ? [`${n(counts.newlyPassing)} newly passing`] : []),
    ...(counts.onlyInA ? [`${n(counts.onlyInA)} only in A`] : []),
    ...(counts.onlyInB ? [`${n(counts.onlyInB)} only in B`] : []),
  ];
}

/** The line under the summary: how many inputs were compared and how many of them differ. */
export function comparedLine(counts: CompareCounts): string {
  const n = (x: number) => x.toLocaleString("en-US");
  if (counts.rowsCompared === 0) return "No input ran in both executions.";
  return counts.changed === 0
    ? `All ${n(counts.rowsCompared)} inputs run in both are the same.`
    : `${n(counts.changed)} of ${n(counts.rowsCompared)} inputs run in both differ (${n(counts.statusChanged)} by status).`;
}

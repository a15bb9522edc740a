import type { CompareRow } from "@/lib/contract/compare";
import { getBatchRow } from "../batches/service";
import { csvLine } from "../http/csv-out";
import type { CompareFilter, ComparePair } from "../repos/compare";
import { toCompareRow, walkRows } from "./compare";
import { getExecutionRow } from "./service";

export type CompareFormat = "csv" | "json";

const CONTENT_TYPES: Record<CompareFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

const CSV_HEADER = [
  "inputId",
  "siteUrl",
  "presence",
  "statusA",
  "statusB",
  "errorA",
  "errorB",
  "field",
  "change",
  "before",
  "after",
];

const PRESENCE_WORDS: Record<CompareRow["presence"], string> = { both: "both", onlyA: "only in A", onlyB: "only in B" };

/**
 * The whole filtered diff as a file, streamed a stretch of rows at a time (never the whole diff in memory). CSV has
 * a line per changed field (values as JSON, so `1` and `"1"` stay apart) and one line for an input with no changed
 * field; cells a spreadsheet would run as formulas are neutralised (csv-out.ts). JSON is an array of rows as the
 * API answers them.
 */
export async function exportComparison(
  pair: ComparePair,
  filter: CompareFilter,
  format: CompareFormat,
): Promise<{ body: ReadableStream<Uint8Array>; fileName: string; contentType: string }> {
  const a = await getExecutionRow(pair.a);
  const batch = await getBatchRow(a.batchId);
  const base = `${batch.name}-compare-${pair.a.slice(0, 8)}-${pair.b.slice(0, 8)}`.replace(/[^\w.-]+/g, "_");
  const encoder = new TextEncoder();
  const walk = walkRows(pair, filter, -1);
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "csv" ? csvLine(CSV_HEADER) : "["));
    },
    async pull(controller) {
      const next = await walk.next();
      if (next.done) {
        controller.enqueue(encoder.encode(format === "json" ? "\n]\n" : ""));
        controller.close();
        return;
      }
      const rows = next.value.map(toCompareRow);
      const text =
        format === "csv"
          ? rows.flatMap(csvLines).join("")
          : rows
              .map((row) => {
                const separator = first ? "" : ",";
                first = false;
                return `${separator}\n${JSON.stringify(row)}`;
              })
              .join("");
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await walk.return(undefined);
    },
  });
  return { body, fileName: `${base}.${format}`, contentType: CONTENT_TYPES[format] };
}

function csvLines(row: CompareRow): string[] {
  const input = [
    row.inputId,
    row.siteUrl,
    PRESENCE_WORDS[row.presence],
    row.a?.status ?? "",
    row.b?.status ?? "",
    row.a?.errorMessage ?? "",
    row.b?.errorMessage ?? "",
  ];
  if (row.fields.length === 0) return [csvLine([...input, "", "", "", ""])];
  return row.fields.map((f) =>
    csvLine([
      ...input,
      f.name,
      f.change,
      f.change === "added" ? "" : JSON.stringify(f.before),
      f.change === "removed" ? "" : JSON.stringify(f.after),
    ]),
  );
}

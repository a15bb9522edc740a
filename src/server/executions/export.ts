import { getBatchRow } from "../batches/service";
import { csvLine } from "../http/csv-out";
import * as jobsRepo from "../repos/jobs";
import { getRuntime } from "../runtime";
import { getExecutionRow } from "./service";

/** Jobs read per page at most; a page of wide rows holds fewer, so writing one never holds the event loop long. */
const PAGE_ROWS = 1000;
const PAGE_CELLS = 100_000;

/** Fixed result columns after the input's own columns and before the extracted fields. */
interface ExportRow {
  input: Record<string, string>;
  status: string;
  error: string | null;
  fields: Record<string, unknown>;
  durationMs: number | null;
  finalUrl: string | null;
}

/**
 * Streams an execution's results, one row per job in input order: the input row's columns,
 * then status, error, the extracted fields, durationMs, finalUrl. Pages through the jobs so a
 * 100,000-job export never sits in memory at once.
 */
export async function exportResults(
  executionId: string,
  format: "csv" | "json",
): Promise<{ body: ReadableStream<Uint8Array>; fileName: string; contentType: string }> {
  const execution = await getExecutionRow(executionId);
  const batch = await getBatchRow(execution.batchId);
  const { db } = getRuntime();
  const fieldKeys = await jobsRepo.extractedKeys(db, executionId);
  const inputColumns = batch.columns as string[];
  const taken = new Set([...inputColumns, ...FIXED_COLUMNS]);
  const pageRows = Math.max(
    1,
    Math.min(PAGE_ROWS, Math.floor(PAGE_CELLS / (inputColumns.length + fieldKeys.length + 4))),
  );
  const encoder = new TextEncoder();
  let after = 0;
  let first = true;
  let finished = false;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return;
      if (first && format === "csv") {
        controller.enqueue(
          encoder.encode(
            csvLine([
              ...inputColumns,
              "status",
              "error",
              ...fieldKeys.map((k) => fieldColumn(k, taken)),
              "durationMs",
              "finalUrl",
            ]),
          ),
        );
      }
      if (first && format === "json") controller.enqueue(encoder.encode("["));
      const page = await jobsRepo.exportPage(db, executionId, after, pageRows);
      const chunks: string[] = [];
      for (const { job, data } of page) {
        const row: ExportRow = {
          input: data,
          status: job.status,
          error: job.errorMessage,
          fields: job.extractedData ?? {},
          durationMs: job.executionDurationMs,
          finalUrl: job.finalUrl,
        };
        if (format === "csv") {
          chunks.push(
            csvLine([
              ...inputColumns.map((c) => row.input[c] ?? ""),
              row.status,
              row.error ?? "",
              ...fieldKeys.map((k) => row.fields[k]),
              row.durationMs ?? "",
              row.finalUrl ?? "",
            ]),
          );
        } else {
          chunks.push(
            `${first && chunks.length === 0 ? "" : ","}\n${JSON.stringify({ ...wholeRow(row.input, inputColumns), status: row.status, error: row.error, ...prefixClashes(row.fields, taken), durationMs: row.durationMs, finalUrl: row.finalUrl })}`,
          );
        }
      }
      first = false;
      if (chunks.length) controller.enqueue(encoder.encode(chunks.join("")));
      if (page.length < pageRows) {
        if (format === "json") controller.enqueue(encoder.encode("\n]\n"));
        finished = true;
        controller.close();
      } else {
        after = page.at(-1)!.job.rowIndex;
      }
    },
  });
  const base =
    `${batch.name}-${execution.mode}-${execution.createdAt.toISOString().slice(0, 19).replaceAll(":", "")}`.replace(
      /[^\w.-]+/g,
      "_",
    );
  return {
    body,
    fileName: `${base}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
  };
}

/** An extracted field named like an input column gets a prefix rather than overwriting it. */
const FIXED_COLUMNS = ["status", "error", "durationMs", "finalUrl"];

function fieldColumn(key: string, taken: ReadonlySet<string>): string {
  return taken.has(key) ? `field_${key}` : key;
}

/** Every column of the batch in order, "" where a ragged row has no cell, so each JSON row has the same keys. */
function wholeRow(input: Record<string, string>, inputColumns: string[]): Record<string, string> {
  return Object.fromEntries(inputColumns.map((c) => [c, input[c] ?? ""]));
}

function prefixClashes(fields: Record<string, unknown>, taken: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [fieldColumn(k, taken), v]));
}

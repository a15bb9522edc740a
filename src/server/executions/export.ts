import { getBatchRow } from "../batches/service";
import * as jobsRepo from "../repos/jobs";
import { getRuntime } from "../runtime";
import { getExecutionRow } from "./service";

const PAGE = 1000;

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
export async function exportResults(executionId: string, format: "csv" | "json"): Promise<{ body: ReadableStream<Uint8Array>; fileName: string; contentType: string }> {
  const execution = await getExecutionRow(executionId);
  const batch = await getBatchRow(execution.batchId);
  const { db } = getRuntime();
  const fieldKeys = await jobsRepo.extractedKeys(db, executionId);
  const inputColumns = batch.columns as string[];
  const encoder = new TextEncoder();
  let after = 0;
  let first = true;
  let finished = false;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return;
      if (first && format === "csv") {
        controller.enqueue(encoder.encode(csvLine([...inputColumns, "status", "error", ...fieldKeys.map((k) => fieldColumn(k, inputColumns)), "durationMs", "finalUrl"])));
      }
      if (first && format === "json") controller.enqueue(encoder.encode("["));
      const page = await jobsRepo.exportPage(db, executionId, after, PAGE);
      const chunks: string[] = [];
      for (const { job, data } of page) {
        const row: ExportRow = { input: data, status: job.status, error: job.errorMessage, fields: job.extractedData ?? {}, durationMs: job.executionDurationMs, finalUrl: job.finalUrl };
        if (format === "csv") {
          chunks.push(csvLine([...inputColumns.map((c) => row.input[c] ?? ""), row.status, row.error ?? "", ...fieldKeys.map((k) => row.fields[k]), row.durationMs ?? "", row.finalUrl ?? ""]));
        } else {
          chunks.push(`${first && chunks.length === 0 ? "" : ","}\n${JSON.stringify({ ...row.input, status: row.status, error: row.error, ...prefixClashes(row.fields, inputColumns), durationMs: row.durationMs, finalUrl: row.finalUrl })}`);
        }
      }
      first = false;
      if (chunks.length) controller.enqueue(encoder.encode(chunks.join("")));
      if (page.length < PAGE) {
        if (format === "json") controller.enqueue(encoder.encode("\n]\n"));
        finished = true;
        controller.close();
      } else {
        after = page.at(-1)!.job.rowIndex;
      }
    },
  });
  const base = `${batch.name}-${execution.mode}-${execution.createdAt.toISOString().slice(0, 19).replaceAll(":", "")}`.replace(/[^\w.-]+/g, "_");
  return {
    body,
    fileName: `${base}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
  };
}

/** An extracted field named like an input column gets a prefix rather than overwriting it. */
function fieldColumn(key: string, inputColumns: string[]): string {
  return inputColumns.includes(key) || ["status", "error", "durationMs", "finalUrl"].includes(key) ? `field_${key}` : key;
}

function prefixClashes(fields: Record<string, unknown>, inputColumns: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [fieldColumn(k, inputColumns), v]));
}

function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}

function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  // Spreadsheet apps run cells that start with these as formulas; a scraped page must not get to.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import { getBatchRow } from "../batches/service";
import { csvLine } from "../http/csv-out";
import * as jobsRepo from "../repos/jobs";
import { getRuntime } from "../runtime";
import { getExecutionRow } from "./service";

export type ExportFormat = "csv" | "json" | "xlsx";

/** Jobs read per page at most; a page of wide rows holds fewer, so writing one never holds the event loop long. */
const PAGE_ROWS = 1000;
const PAGE_CELLS = 100_000;

/** The most characters a spreadsheet cell holds: Excel refuses to open a file with a longer one. */
const XLSX_CELL_MAX = 32_767;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** Fixed result columns after the input's own columns and before the extracted fields. */
const FIXED_COLUMNS = ["status", "error", "durationMs", "finalUrl"];

interface ExportRow {
  input: Record<string, string>;
  status: string;
  error: string | null;
  fields: Record<string, unknown>;
  durationMs: number | null;
  finalUrl: string | null;
}

/** The shape of an execution's results table: its columns, and its rows page by page in input order. */
interface ResultTable {
  inputColumns: string[];
  fieldKeys: string[];
  /** Column names as exported: an extracted field named like an input or fixed column gets a `field_` prefix. */
  header: string[];
  /** Each row's cells in header order (values as they are: strings, numbers, objects, null). */
  cells(row: ExportRow): unknown[];
  /** A JSON row: input columns, status and error, the fields (prefixed on a clash), durationMs and finalUrl. */
  record(row: ExportRow): Record<string, unknown>;
  pages(): AsyncGenerator<ExportRow[]>;
}

/**
 * Streams an execution's results, one row per job in input order: the input row's columns, then status, error, the
 * extracted fields, durationMs, finalUrl. Pages through the jobs so a 100,000-job export never sits in memory at once.
 */
export async function exportResults(
  executionId: string,
  format: ExportFormat,
): Promise<{ body: ReadableStream<Uint8Array>; fileName: string; contentType: string }> {
  const execution = await getExecutionRow(executionId);
  const batch = await getBatchRow(execution.batchId);
  const table = await resultTable(executionId, batch.columns as string[]);
  const base =
    `${batch.name}-${execution.mode}-${execution.createdAt.toISOString().slice(0, 19).replaceAll(":", "")}`.replace(
      /[^\w.-]+/g,
      "_",
    );
  const body = format === "xlsx" ? xlsxStream(table) : textStream(table, format);
  return { body, fileName: `${base}.${format}`, contentType: CONTENT_TYPES[format] };
}

async function resultTable(executionId: string, inputColumns: string[]): Promise<ResultTable> {
  const { db } = getRuntime();
  const fieldKeys = await jobsRepo.extractedKeys(db, executionId);
  const taken = new Set([...inputColumns, ...FIXED_COLUMNS]);
  const fieldColumn = (key: string) => (taken.has(key) ? `field_${key}` : key);
  const pageRows = Math.max(
    1,
    Math.min(PAGE_ROWS, Math.floor(PAGE_CELLS / (inputColumns.length + fieldKeys.length + 4))),
  );
  return {
    inputColumns,
    fieldKeys,
    header: [...inputColumns, "status", "error", ...fieldKeys.map(fieldColumn), "durationMs", "finalUrl"],
    cells: (row) => [
      ...inputColumns.map((c) => row.input[c] ?? ""),
      row.status,
      row.error,
      ...fieldKeys.map((k) => row.fields[k]),
      row.durationMs,
      row.finalUrl,
    ],
    record: (row) => ({
      // Every column of the batch in order, "" where a ragged row has no cell, so each JSON row has the same keys.
      ...Object.fromEntries(inputColumns.map((c) => [c, row.input[c] ?? ""])),
      status: row.status,
      error: row.error,
      ...Object.fromEntries(Object.entries(row.fields).map(([k, v]) => [fieldColumn(k), v])),
      durationMs: row.durationMs,
      finalUrl: row.finalUrl,
    }),
    async *pages() {
      let after = 0;
      for (;;) {
        const page = await jobsRepo.exportPage(db, executionId, after, pageRows);
        if (page.length) {
          yield page.map(({ job, data }) => ({
            input: data,
            status: job.status,
            error: job.errorMessage,
            fields: job.extractedData ?? {},
            durationMs: job.executionDurationMs,
            finalUrl: job.finalUrl,
          }));
        }
        if (page.length < pageRows) return;
        after = page.at(-1)!.job.rowIndex;
      }
    },
  };
}

/** CSV (formula-neutralised cells, src/server/http/csv-out.ts) or a JSON array, pulled a page at a time. */
function textStream(table: ResultTable, format: "csv" | "json"): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pages = table.pages();
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "csv" ? csvLine(table.header) : "["));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
        if (format === "json") controller.enqueue(encoder.encode("\n]\n"));
        controller.close();
        return;
      }
      const chunks = next.value.map((row) => {
        if (format === "csv") return csvLine(table.cells(row).map((v) => v ?? ""));
        const separator = first ? "" : ",";
        first = false;
        return `${separator}\n${JSON.stringify(table.record(row))}`;
      });
      controller.enqueue(encoder.encode(chunks.join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

/**
 * An XLSX workbook of one sheet, written by ExcelJS's streaming writer row by row. Cells are typed: text is a
 * string cell, which a spreadsheet shows and never evaluates (so, unlike CSV, it needs no `'` and is exported as it
 * is), numbers are numbers, objects are their JSON. Waits for the reader between pages, so a slow download holds
 * at most a page and the zip's buffers in memory.
 */
function xlsxStream(table: ResultTable): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet("Results");
  const write = async () => {
    sheet.addRow(table.header.map(xlsxCell)).commit();
    for await (const page of table.pages()) {
      for (const row of page) sheet.addRow(table.cells(row).map(xlsxCell)).commit();
      if (out.writableNeedDrain) await new Promise((resolve) => out.once("drain", resolve));
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

function xlsxCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "boolean") return value;
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.length > XLSX_CELL_MAX ? `${text.slice(0, XLSX_CELL_MAX - 1)}…` : text;
}

import Papa from "papaparse";
import { uniqueColumnNames } from "@/lib/contract/columns";

/** What the new-batch page shows before upload: the header and the first rows, parsed in the browser. */
export interface CsvPreview {
  columns: string[];
  rows: string[][];
  delimiter: string;
  /** True when the file has more records than were parsed for the preview. */
  truncated: boolean;
}

export const PREVIEW_ROWS = 20;
/** Enough bytes for 20 ordinary rows; the whole file goes to the server, this is only for the preview. */
const PREVIEW_BYTES = 256 * 1024;

/** Parses the first records of CSV text: any of comma, semicolon, tab; BOM, quotes, CRLF and blank lines handled. */
export function parsePreview(text: string, maxRows = PREVIEW_ROWS): CsvPreview {
  const clean = text.replace(/^\uFEFF/, "");
  const result = Papa.parse<string[]>(clean, {
    preview: maxRows + 2,
    skipEmptyLines: "greedy",
    delimitersToGuess: [",", ";", "\t", "|"],
  });
  const records = result.data.filter((r) => Array.isArray(r) && r.some((cell) => String(cell).trim() !== ""));
  if (records.length === 0) return { columns: [], rows: [], delimiter: result.meta.delimiter || ",", truncated: false };
  const [header, ...body] = records;
  // Cells past the header only make a column when they hold something (as the server does).
  const lastFilled = (r: string[]) => {
    let i = r.length - 1;
    while (i >= 0 && String(r[i]).trim() === "") i--;
    return i + 1;
  };
  const width = Math.max(header!.length, ...body.slice(0, maxRows).map(lastFilled));
  const columns = uniqueColumnNames(Array.from({ length: width }, (_, i) => header![i] ?? ""));
  const rows = body.slice(0, maxRows).map((r) => Array.from({ length: width }, (_, i) => String(r[i] ?? "")));
  return { columns, rows, delimiter: result.meta.delimiter || ",", truncated: body.length > maxRows };
}

/** Reads the start of a file and parses it for the preview (a partial last line is dropped). */
export async function previewFile(file: Blob, maxRows = PREVIEW_ROWS): Promise<CsvPreview> {
  let text = await file.slice(0, PREVIEW_BYTES).text();
  if (file.size > PREVIEW_BYTES) {
    const lastBreak = text.lastIndexOf("\n");
    if (lastBreak > 0) text = text.slice(0, lastBreak);
  }
  return parsePreview(text, maxRows);
}

// A domain with a TLD, or what the server accepts besides: localhost and a dotted IPv4 address (the demo shop's).
const URL_LIKE =
  /^(?:https?:\/\/)?(?:www\.)?(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,})(?::\d+)?(?:[/?#]\S*)?$/i;

export function looksLikeUrl(value: string): boolean {
  const v = value.trim();
  return v.length > 0 && !/\s/.test(v) && !v.includes("@") && URL_LIKE.test(v);
}

const URL_HEADER = /^(url|urls|link|links|website|web ?site|site|site_?url|page|page_?url|domain|homepage|address)$/i;
const GOAL_HEADER = /^(goal|goals|task|tasks|instruction|instructions|prompt|objective)$/i;
const ID_HEADER = /^(id|input_?id|row_?id|external_?id|sku|ref|reference)$/i;

/**
 * A simple guess of the URL column: the column where most non-empty cells look like URLs or domains (at least half),
 * a URL-ish header name breaking ties. Null when nothing looks like a URL.
 */
export function guessUrlColumn(preview: CsvPreview): string | null {
  let best: { column: string; score: number } | null = null;
  preview.columns.forEach((column, i) => {
    const cells = preview.rows.map((r) => r[i] ?? "").filter((c) => c.trim() !== "");
    const urlish = cells.filter(looksLikeUrl).length;
    const share = cells.length ? urlish / cells.length : 0;
    const score = (share >= 0.5 ? share : 0) + (URL_HEADER.test(column.trim()) ? 0.25 : 0);
    if (score > 0 && (!best || score > best.score)) best = { column, score };
  });
  return (best as { column: string } | null)?.column ?? null;
}

export function guessGoalColumn(columns: string[]): string | null {
  return columns.find((c) => GOAL_HEADER.test(c.trim())) ?? null;
}

export function guessIdColumn(columns: string[]): string | null {
  return columns.find((c) => ID_HEADER.test(c.trim())) ?? null;
}

/** "products.csv" -> "products". */
export function batchNameFromFile(fileName: string): string {
  return fileName.replace(/\.(csv|tsv|txt)$/i, "").trim() || fileName;
}

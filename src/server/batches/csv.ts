import Papa from "papaparse";
import { ColumnNames } from "@/lib/contract/columns";
import { TimeSlice } from "../db/time-slice";
import { AppError } from "../errors";

/**
 * Streaming CSV reading, as users really have them: UTF-8 with or without BOM, comma, semicolon or tab
 * delimited, quoted fields holding delimiters and line breaks, CRLF, blank lines, messy headers.
 * Text is parsed chunk by chunk, so memory holds one chunk and one partial record, never the file.
 */

export type CsvSource = string | Buffer | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

export type CsvDelimiter = "," | ";" | "\t";

export interface CsvLimits {
  /** UTF-8 bytes of the file; over it the answer is 413. */
  maxBytes: number;
  /** Data records (the header and blank lines not counted); over it the answer is 413. */
  maxRows: number;
  /** Columns of the table (the header's, plus those named for extra cells); over it the answer is 400 invalid_csv. */
  maxColumns: number;
}

export interface CsvRecord {
  /** The data record's number, from 1: not the header, not blank lines; a multi-line quoted cell is one record. */
  row: number;
  /**
   * The record's cells: a short record is padded with "" to the header's width, a long one keeps its extra cells up
   * to the last non-empty one (each has a column of `columns`) — never padded to the widest record.
   */
  cells: string[];
}

export interface CsvTable {
  delimiter: CsvDelimiter;
  /** Unique column names. It grows when a record carries non-empty cells beyond the header (named column_<n>). */
  columns: string[];
  records: AsyncGenerator<CsvRecord, void, undefined>;
}

const DELIMITERS: CsvDelimiter[] = [",", ";", "\t"];
/** Enough text to see the header and a few dozen records when guessing the delimiter. */
const SNIFF_CHARS = 64 * 1024;
/** Strings and buffers are fed in slices of this size, so the parser never materialises the whole file. */
const SLICE_CHARS = 64 * 1024;
/** A record longer than this is almost surely a quote that is never closed; stop instead of swallowing the file. */
const MAX_RECORD_CHARS = 1024 * 1024;
/** Parsing gives the event loop a turn this often, so a large upload never stalls other requests. */
const PARSE_SLICE_MS = 20;

export const invalidCsv = (message: string, details: Record<string, unknown> = {}) =>
  new AppError("invalid_csv", 400, message, details);

/** Opens a CSV: reads just enough to find the dialect and the header; the records then stream. */
export async function readCsv(source: CsvSource, limits: CsvLimits): Promise<CsvTable> {
  const chunks = textChunks(source, limits.maxBytes)[Symbol.asyncIterator]();
  const head = await readHead(chunks);
  const dialect = sniffDialect(head.text);
  const raw = parseRecords(prepend(head.text, head.done ? null : chunks), dialect);

  const first = await raw.next();
  if (first.done)
    throw invalidCsv("The CSV file is empty: it needs a header row with column names and at least one data row");
  const headerUrl = first.value.cells.find((cell) => /^\s*(https?:\/\/|www\.)/i.test(cell));
  if (headerUrl !== undefined) {
    await raw.return(undefined); // lets the source release its stream
    throw invalidCsv(
      `The first row must be a header with column names, but it holds a URL (${JSON.stringify(headerUrl.trim())}): add a header row such as "url"`,
    );
  }
  if (first.value.cells.length > limits.maxColumns) {
    await raw.return(undefined);
    throw tooManyColumns(0, first.value.cells.length, limits.maxColumns);
  }
  const names = new ColumnNames(first.value.cells);
  return { delimiter: dialect.delimiter, columns: names.all, records: dataRecords(raw, names, limits) };
}

const tooManyColumns = (index: number, count: number, maxColumns: number) =>
  invalidCsv(`${recordName(index)} has ${count} columns, over the limit of ${maxColumns} columns (MAX_CSV_COLUMNS)`, {
    row: index,
    columns: count,
    maxColumns,
  });

export interface CsvDialect {
  delimiter: CsvDelimiter;
  newline: "\n" | "\r\n" | "\r";
}

/** Guesses the delimiter (the one giving a steady number of fields over the first records) and the line break. */
export function sniffDialect(sample: string): CsvDialect {
  const guess = Papa.parse<string[]>(sample, { delimitersToGuess: DELIMITERS, preview: 50, skipEmptyLines: "greedy" });
  const delimiter = (DELIMITERS as string[]).includes(guess.meta.delimiter)
    ? (guess.meta.delimiter as CsvDelimiter)
    : ",";
  const linebreak = guess.meta.linebreak;
  const newline = linebreak === "\r\n" || linebreak === "\r" ? linebreak : "\n";
  return { delimiter, newline };
}

/** Decodes the source to text chunks of bounded size, without BOM, counting bytes against the limit. */
export async function* textChunks(source: CsvSource, maxBytes: number): AsyncGenerator<string> {
  let bytes = 0;
  const count = (n: number) => {
    bytes += n;
    if (bytes > maxBytes) {
      throw new AppError(
        "payload_too_large",
        413,
        `The CSV file is over the upload limit of ${formatBytes(maxBytes)} (MAX_UPLOAD_BYTES)`,
        { maxBytes },
      );
    }
  };
  let first = true;
  const stripBom = (text: string) => {
    if (!first) return text;
    first = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };

  if (typeof source === "string") {
    for (let i = 0; i < source.length; i += SLICE_CHARS) {
      const slice = source.slice(i, i + SLICE_CHARS);
      count(Buffer.byteLength(slice));
      yield stripBom(slice);
    }
    return;
  }
  // TextDecoder strips a UTF-8 BOM itself and, in stream mode, keeps a character split across chunks whole.
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of byteChunks(source)) {
    if (typeof chunk === "string") {
      count(Buffer.byteLength(chunk));
      yield stripBom(chunk);
      continue;
    }
    for (let i = 0; i < chunk.byteLength; i += SLICE_CHARS) {
      const slice = chunk.subarray(i, i + SLICE_CHARS);
      count(slice.byteLength);
      const text = decoder.decode(slice, { stream: true });
      if (text) yield stripBom(text);
    }
  }
  const rest = decoder.decode();
  if (rest) yield stripBom(rest);
}

async function* byteChunks(source: Exclude<CsvSource, string>): AsyncGenerator<Uint8Array | string> {
  if (source instanceof Uint8Array) {
    yield source;
  } else if (isWebStream(source)) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    yield* source;
  }
}

const isWebStream = (source: unknown): source is ReadableStream<Uint8Array> =>
  typeof (source as ReadableStream | null)?.getReader === "function";

async function readHead(chunks: AsyncIterator<string>): Promise<{ text: string; done: boolean }> {
  let text = "";
  while (text.length < SNIFF_CHARS) {
    const next = await chunks.next();
    if (next.done) return { text, done: true };
    text += next.value;
  }
  return { text, done: false };
}

async function* prepend(head: string, rest: AsyncIterator<string> | null): AsyncGenerator<string> {
  try {
    yield head;
    if (!rest) return;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest?.return?.(); // stopped early: let the source release its stream
  }
}

interface RawRecord {
  /** 0 for the first non-blank record (the header), then 1, 2, … */
  index: number;
  cells: string[];
}

/** Records of the text, blank ones (every cell empty or spaces) skipped. */
async function* parseRecords(chunks: AsyncIterable<string>, dialect: CsvDialect): AsyncGenerator<RawRecord> {
  const parser = new Papa.Parser({ delimiter: dialect.delimiter, newline: dialect.newline, quoteChar: '"' });
  let index = 0;
  let pending = "";
  const records = function* (rows: string[][]): Generator<RawRecord> {
    for (const row of rows) {
      // A file whose line break was guessed as \n may still end some lines with \r\n.
      const last = row.length - 1;
      if (dialect.newline === "\n" && row[last]?.endsWith("\r")) row[last] = row[last]!.slice(0, -1);
      if (row.every((cell) => cell.trim() === "")) continue;
      yield { index: index++, cells: row };
    }
  };

  let fresh = "";
  for await (const chunk of chunks) {
    fresh += chunk;
    // The unfinished last record is parsed again with the next text; waiting for at least as much new text as
    // it holds keeps the total parsing linear in the file, however small the chunks or long the record.
    if (fresh.length < Math.max(SLICE_CHARS, pending.length)) continue;
    const text = pending + fresh;
    fresh = "";
    // The last record may continue in the next chunk: parse up to it and carry it over.
    const result = parser.parse(text, 0, true) as Papa.ParseResult<string[]>;
    pending = text.slice(result.meta.cursor);
    yield* records(result.data);
    if (pending.length > MAX_RECORD_CHARS) {
      throw invalidCsv(
        `${recordName(index)} is over 1 MiB long: most likely a quote (") opens a field and is never closed`,
      );
    }
  }
  pending += fresh;
  const result = parser.parse(pending, 0, false) as Papa.ParseResult<string[]>;
  const unclosed = result.errors.find((e) => e.code === "MissingQuotes");
  if (unclosed)
    throw invalidCsv(
      `${recordName(index + (unclosed.row ?? 0))} has a quote (") that opens a field and is never closed`,
    );
  yield* records(result.data);
}

const recordName = (index: number) => (index === 0 ? "The header row" : `Row ${index}`);

/**
 * Data records numbered from 1, aligned to the header, counted against the row and column limits. The work
 * per record is linear in its cells, and the event loop gets a turn every PARSE_SLICE_MS.
 */
async function* dataRecords(
  raw: AsyncGenerator<RawRecord>,
  names: ColumnNames,
  limits: CsvLimits,
): AsyncGenerator<CsvRecord> {
  const headerWidth = names.all.length;
  const slice = new TimeSlice(PARSE_SLICE_MS);
  for await (const { index, cells } of raw) {
    if (index > limits.maxRows) {
      throw new AppError(
        "payload_too_large",
        413,
        `The CSV has more than ${limits.maxRows} data rows, the limit (MAX_BATCH_ROWS)`,
        { maxRows: limits.maxRows },
      );
    }
    yield { row: index, cells: alignCells(index, cells, headerWidth, names, limits.maxColumns) };
    await slice.turn();
  }
}

/** Pads short records to the header; extra non-empty cells get columns of their own rather than being dropped. */
function alignCells(
  index: number,
  cells: string[],
  headerWidth: number,
  names: ColumnNames,
  maxColumns: number,
): string[] {
  if (cells.length <= headerWidth) {
    while (cells.length < headerWidth) cells.push("");
    return cells;
  }
  let width = cells.length;
  while (width > headerWidth && cells[width - 1]!.trim() === "") width--;
  if (width > maxColumns) throw tooManyColumns(index, width, maxColumns);
  while (names.all.length < width) names.addGenerated();
  return width === cells.length ? cells : cells.slice(0, width);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

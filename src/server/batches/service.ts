import path from "node:path";
import { z } from "zod";
import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import type { Batch, Input, InvalidRow } from "@/lib/contract/resources";
import type { CreateBatchResult, InputPage } from "@/lib/contract/responses";
import { engineAvailability } from "../agents";
import { llmSettings } from "../agents/goal";
import { type Doer, NOBODY, recordAudit } from "../auth/audit";
import { noteBulkInsert } from "../db/statistics";
import { notFound, validationFailed } from "../errors";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { parseWith } from "../http/respond";
import * as repo from "../repos/batches";
import { findProject } from "../repos/projects";
import { getRuntime } from "../runtime";
import { normalizeUrl, type ResolvedColumns, resolveColumns } from "./columns";
import { type CsvRecord, type CsvSource, invalidCsv, readCsv } from "./csv";

/** Rows read before the URL column is chosen: enough to judge a column, small enough to hold. */
const DETECTION_SAMPLE_ROWS = 1000;
/** Cells judged when choosing the URL column: a wide file is judged on fewer rows, so detection stays brief. */
const DETECTION_SAMPLE_CELLS = 50_000;
/** Inputs per INSERT: large enough to amortise round trips, well under PostgreSQL's 65,535 parameters. */
const INSERT_CHUNK_ROWS = 2000;
/** Cells per INSERT: wide rows make smaller chunks, so building one statement never holds the event loop long. */
const INSERT_CHUNK_CELLS = 100_000;
/** invalidRows kept and returned; all of them are counted. */
const MAX_REPORTED_INVALID_ROWS = 1000;

export interface CreateBatchInput {
  projectId: string;
  csv: CsvSource;
  fileName?: string | null;
  name?: string;
  urlColumn?: string;
  goalColumn?: string;
  idColumn?: string;
  agent?: unknown;
  /** Store an agent batch although no model is configured now (the Demo's goal batch, made to run once one is). */
  engineMayBeUnavailable?: boolean;
}

export function toBatch(row: repo.BatchRow): Batch {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    sourceFileName: row.sourceFileName,
    columns: row.columns,
    rowCount: row.rowCount,
    urlColumn: row.urlColumn,
    goalColumn: row.goalColumn,
    idColumn: row.idColumn,
    agent: row.agent as AgentConfig,
    invalidRows: row.invalidRows,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toInput(row: repo.BatchInputRow): Input {
  return {
    id: row.id,
    inputId: row.inputId,
    rowIndex: row.rowIndex,
    siteUrl: row.siteUrl,
    goal: row.goal,
    data: row.data,
  };
}

/**
 * Validates an agent config, filling in defaults; errors name the field, e.g. "agent.timeoutMs: …". Unless told
 * otherwise, an engine that cannot run here (the agent engine without a model) is refused too.
 */
export function parseAgentConfig(agent: unknown, options: { engineMayBeUnavailable?: boolean } = {}): AgentConfig {
  const config = parseWith(z.object({ agent: agentConfigSchema }), { agent: agent ?? {} }).agent;
  if (!options.engineMayBeUnavailable) refuseUnavailableEngine(config);
  return config;
}

/** `400 validation_failed` naming agent.engine when its engine cannot run here (the agent engine without a model). */
export function refuseUnavailableEngine(config: AgentConfig): void {
  const availability = engineAvailability(config, llmSettings(getRuntime().env));
  if (!availability.ok) {
    throw validationFailed(`agent.engine: ${availability.message}`, { field: "agent.engine" });
  }
}

/**
 * Creates a batch from a CSV, streaming: the file is parsed as it is read and inputs are inserted in chunks,
 * all in one transaction, so a file rejected half-way (too many rows, broken quoting) leaves nothing behind.
 */
export async function createBatchFromCsv(input: CreateBatchInput, doer: Doer = NOBODY): Promise<CreateBatchResult> {
  const { db, env } = getRuntime();
  const agent = parseAgentConfig(input.agent, input);
  if (!(await findProject(db, input.projectId))) throw notFound("Project", input.projectId);

  const table = await readCsv(input.csv, {
    maxBytes: env.MAX_UPLOAD_BYTES,
    maxRows: env.MAX_BATCH_ROWS,
    maxColumns: env.MAX_CSV_COLUMNS,
  });
  const sampleRows = Math.max(
    1,
    Math.min(DETECTION_SAMPLE_ROWS, Math.floor(DETECTION_SAMPLE_CELLS / table.columns.length)),
  );
  const sample = await take(table.records, sampleRows);
  if (sample.length === 0) throw invalidCsv("The CSV has a header row but no data rows");
  const columns = resolveColumns(
    table.columns,
    sample.map((r) => r.cells),
    input,
  );

  const created = await db.transaction(async (tx) => {
    const batch = await repo.insertBatch(
      tx,
      {
        projectId: input.projectId,
        name: batchName(input.name, input.fileName),
        sourceFileName: input.fileName ? path.basename(input.fileName.replaceAll("\\", "/")) : null,
        columns: table.columns,
        ...columns.names,
        agent,
      },
      doer.actor,
    );

    const invalidRows: InvalidRow[] = [];
    let invalidRowCount = 0;
    let rowCount = 0;
    let chunk: repo.NewBatchInput[] = [];
    let chunkCells = 0;
    for await (const record of concat(sample, table.records)) {
      const built = buildInput(record, table.columns, columns);
      if ("reason" in built) {
        if (invalidRowCount++ < MAX_REPORTED_INVALID_ROWS) invalidRows.push(built);
        continue;
      }
      rowCount++;
      chunk.push(built);
      chunkCells += record.cells.length;
      if (chunk.length >= INSERT_CHUNK_ROWS || chunkCells >= INSERT_CHUNK_CELLS) {
        await repo.insertInputs(tx, batch.id, chunk);
        chunk = [];
        chunkCells = 0;
      }
    }
    await repo.insertInputs(tx, batch.id, chunk);
    if (rowCount === 0) {
      throw invalidCsv(
        `No row has a usable URL in column ${JSON.stringify(columns.names.urlColumn)}; the first problem: row ${invalidRows[0]?.row}: ${invalidRows[0]?.reason}`,
        {
          invalidRows: invalidRows.slice(0, 20),
        },
      );
    }
    const done = await repo.completeBatch(tx, batch.id, { columns: table.columns, rowCount, invalidRows });
    await recordAudit(tx, doer, {
      action: "batch.create",
      projectId: input.projectId,
      target: { type: "batch", id: batch.id },
      after: { name: done.name, rowCount, engine: agent.engine, sourceFileName: done.sourceFileName },
    });
    return { batch: toBatch(done), rowCount, invalidRows, invalidRowCount };
  });
  noteBulkInsert(db, "batch_inputs", created.rowCount);
  return created;
}

function buildInput(
  record: CsvRecord,
  names: readonly string[],
  columns: ResolvedColumns,
): repo.NewBatchInput | InvalidRow {
  const cell = (index: number | null) => (index === null ? "" : (record.cells[index] ?? "").trim());
  const rawUrl = cell(columns.url);
  if (!rawUrl) return { row: record.row, reason: `no URL in column ${JSON.stringify(columns.names.urlColumn)}` };
  const url = normalizeUrl(rawUrl);
  if (!url.ok) return { row: record.row, reason: url.reason };
  const data: Record<string, string> = {};
  record.cells.forEach((value, i) => {
    data[names[i]!] = value;
  });
  return {
    rowIndex: record.row,
    inputId: cell(columns.id) || String(record.row),
    siteUrl: url.url,
    goal: cell(columns.goal) || null,
    data,
  };
}

/** The name given, else the file name without extension, else "Batch <date>". */
function batchName(name: string | undefined, fileName: string | null | undefined): string {
  const given = name?.trim();
  if (given) return given;
  const base = fileName
    ? path
        .basename(fileName.replaceAll("\\", "/"))
        .replace(/\.[^.]*$/, "")
        .trim()
    : "";
  if (base) return base;
  return `Batch ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
}

export async function getBatchRow(id: string): Promise<repo.BatchRow> {
  const row = await repo.findBatch(getRuntime().db, id);
  if (!row) throw notFound("Batch", id);
  return row;
}

export async function getBatch(id: string): Promise<Batch> {
  return toBatch(await getBatchRow(id));
}

export async function listBatches(projectId: string): Promise<Batch[]> {
  const { db } = getRuntime();
  if (!(await findProject(db, projectId))) throw notFound("Project", projectId);
  return (await repo.listBatches(db, projectId)).map(toBatch);
}

export const DEFAULT_INPUTS_PAGE = 50;
export const MAX_INPUTS_PAGE = 500;
/** An inputs page's cursor keys on the last row index served (unique within a batch). */
const ROW_INDEX = /^\d{1,10}$/;

/** A page of inputs in row order; the cursor is opaque to clients (it encodes the last row index served). */
export async function listInputs(
  batchId: string,
  options: { limit?: number; cursor?: string | null } = {},
): Promise<InputPage> {
  const limit = options.limit ?? DEFAULT_INPUTS_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INPUTS_PAGE) {
    throw validationFailed(`limit must be an integer from 1 to ${MAX_INPUTS_PAGE}`);
  }
  const afterRowIndex = options.cursor ? Number(decodeCursor(options.cursor, { key: ROW_INDEX }).key) : 0;
  const { db } = getRuntime();
  await getBatchRow(batchId);
  // One row more than asked tells whether another page exists without a count.
  const rows = await repo.listInputs(db, batchId, { afterRowIndex, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor({ key: String(page[page.length - 1]!.rowIndex) }) : null;
  return { inputs: page.map(toInput), nextCursor };
}

async function take<T>(iterator: AsyncIterator<T>, n: number): Promise<T[]> {
  const items: T[] = [];
  while (items.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}

/** The sample, then the rest; closing it early (an error) closes the rest, which releases the source. */
async function* concat<T>(first: readonly T[], rest: AsyncIterator<T>): AsyncGenerator<T> {
  try {
    yield* first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

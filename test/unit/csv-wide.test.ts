import { describe, expect, it } from "vitest";
import { parsePreview } from "@/features/batches/lib/csv-preview";
import { uniqueColumnNames } from "@/lib/contract/columns";
import { type CsvLimits, type CsvSource, readCsv } from "@/server/batches/csv";

/**
 * Wide rows: a 24 KB row of 12,000 cells once took 15 s of one event-loop turn (every extra cell renamed every
 * column). Parsing is linear now, limited by MAX_CSV_COLUMNS, and gives the event loop its turns.
 */

const limits: CsvLimits = { maxBytes: 50 * 1024 * 1024, maxRows: 100_000, maxColumns: 1000 };

/** Reads the whole table while a 5 ms timer runs; returns the table and the longest the timer had to wait. */
async function parseWatchingTheLoop(source: CsvSource, options: CsvLimits) {
  let last = performance.now();
  let longestWait = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestWait = Math.max(longestWait, now - last);
    last = now;
    ticks++;
  }, 5);
  try {
    const table = await readCsv(source, options);
    const records = [];
    for await (const record of table.records) records.push(record);
    longestWait = Math.max(longestWait, performance.now() - last);
    return { columns: table.columns, records, longestWait, ticks };
  } finally {
    clearInterval(timer);
  }
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (e) {
    return e as { code: string; status: number; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

const wideRow = (cells: number) => Array.from({ length: cells }, (_, i) => (i === 0 ? "example.com" : "x")).join(",");

describe("wide CSV rows", () => {
  it("refuses a 12,000-column row with 400 invalid_csv naming the limit, and a header over it", async () => {
    const row = await failure(parseWatchingTheLoop(`url\n${wideRow(12_000)}\n`, limits));
    expect(row).toMatchObject({
      code: "invalid_csv",
      status: 400,
      details: { maxColumns: 1000, columns: 12_000, row: 1 },
    });
    expect(row.message).toContain("MAX_CSV_COLUMNS");
    expect(row.message).toContain("1000");
    const header = await failure(
      parseWatchingTheLoop(`${Array.from({ length: 1001 }, (_, i) => `c${i}`).join(",")}\nexample.com\n`, limits),
    );
    expect(header).toMatchObject({ code: "invalid_csv", status: 400 });
    expect(header.message).toMatch(/header row has 1001 columns.*MAX_CSV_COLUMNS/);
  });

  it("accepts 1,000 columns, and trailing empty cells past the limit make no column", async () => {
    const { columns, records } = await parseWatchingTheLoop(
      `url\n${wideRow(1000)}\nexample.org${",".repeat(5000)}\n`,
      limits,
    );
    expect(columns).toHaveLength(1000);
    expect(columns.at(-1)).toBe("column_1000");
    expect(records[0]!.cells).toHaveLength(1000);
    expect(records[1]!.cells).toEqual(["example.org"]);
  });

  it("keeps the event loop turning while it reads a 12,000-column row under a raised limit", async () => {
    const { columns, longestWait } = await parseWatchingTheLoop(`url\n${wideRow(12_000)}\n`, {
      ...limits,
      maxColumns: 20_000,
    });
    expect(columns).toHaveLength(12_000);
    expect(longestWait, `the event loop waited ${Math.round(longestWait)} ms`).toBeLessThan(500);
  });

  it("keeps the event loop turning through a large file of 1,000-column rows", async () => {
    const row = Array.from({ length: 1000 }, (_, i) => (i === 0 ? "example.com" : `value ${i}`)).join(",");
    const text = `${Array.from({ length: 1000 }, (_, i) => (i === 0 ? "url" : `c${i}`)).join(",")}\n${Array.from({ length: 1000 }, () => row).join("\n")}\n`;
    const { records, longestWait, ticks } = await parseWatchingTheLoop(text, limits);
    expect(records).toHaveLength(1000);
    // ~8 MB read from one string: it used to run start to end without giving timers a single turn.
    expect(ticks).toBeGreaterThan(1);
    expect(longestWait, `the event loop waited ${Math.round(longestWait)} ms`).toBeLessThan(500);
  });

  it("names thousands of repeated headers without a pass per name", async () => {
    const { columns, longestWait } = await parseWatchingTheLoop(
      `${Array.from({ length: 20_000 }, () => "a").join(",")}\nexample.com\n`,
      { ...limits, maxColumns: 20_000 },
    );
    expect(columns.slice(0, 3)).toEqual(["a", "a_2", "a_3"]);
    expect(columns.at(-1)).toBe("a_20000");
    expect(new Set(columns).size).toBe(20_000);
    expect(longestWait, `the event loop waited ${Math.round(longestWait)} ms`).toBeLessThan(500);
    expect(uniqueColumnNames(["a", "", "a", "column_2", "a_2"])).toEqual(["a", "column_2_2", "a_3", "column_2", "a_2"]);
  });

  it("the browser preview names 30,000 repeated headers in one pass", { timeout: 10_000 }, () => {
    const repeated = parsePreview(`${Array.from({ length: 30_000 }, () => "a").join(",")}\n`).columns;
    expect(repeated.at(-1)).toBe("a_30000");
    expect(new Set(repeated).size).toBe(30_000);
  });
});

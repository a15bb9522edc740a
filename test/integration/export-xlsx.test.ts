import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "@/app/api/executions/[id]/export/route";
import * as projectBatchesRoute from "@/app/api/projects/[id]/batches/route";
import * as projectsRoute from "@/app/api/projects/route";
import { batchInputs, executions, jobs } from "@/server/db/schema";
import { FORMULA_CASES as CASES } from "../helpers/formula-cases";
import { call } from "../helpers/http";
import { startTestRuntime, type TestRuntime } from "../helpers/runtime";

describe("XLSX export", () => {
  let t: TestRuntime;
  let executionId = "";
  beforeAll(async () => {
    t = await startTestRuntime("pglite");
  });
  afterAll(() => t.stop());

  it("writes typed cells: text exactly as scraped (never a formula), numbers as numbers, ragged rows whole", async () => {
    const projectId = (await call(projectsRoute.POST, { json: { name: "Xlsx" } })).body.project.id;
    const extracted: Record<string, unknown>[] = [
      ...CASES.map(([, cell]) => ({ title: cell })),
      { title: "Grüße 🚀 emoji", price: 12.5, tags: ["a", "b"] },
      { title: "x".repeat(40_000), price: null },
    ];
    const csv = ["url,note", ...extracted.map((_, i) => `example.com/${i},n${i}`), "example.com/wide,w,extra"];
    const created = await call(projectBatchesRoute.POST, {
      method: "POST",
      params: { id: projectId },
      json: { csv: csv.join("\n"), name: "Prices" },
    });
    expect(created.status).toBe(201);
    const db = t.runtime.db;
    const inputs = (await db.select().from(batchInputs)).sort((a, b) => a.rowIndex - b.rowIndex);
    const [execution] = await db
      .insert(executions)
      .values({
        batchId: created.body.batch.id,
        mode: "production",
        status: "completed",
        totalJobs: inputs.length,
        completedCount: inputs.length,
      })
      .returning();
    await db.insert(jobs).values(
      inputs.map((input, i) => ({
        executionId: execution!.id,
        batchInputId: input.id,
        rowIndex: input.rowIndex,
        inputId: input.inputId,
        siteUrl: input.siteUrl,
        status: "completed" as const,
        extractedData: extracted[i] ?? { title: "wide" },
        executionDurationMs: 1000 + i,
      })),
    );

    executionId = execution!.id;
    const { response, status } = await call(exportRoute.GET, {
      path: "/?format=xlsx",
      params: { id: execution!.id },
    });
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(response.headers.get("content-disposition")).toMatch(/filename="Prices-production-.*\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("Results")!;
    const values = (rowNumber: number) => (sheet.getRow(rowNumber).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      "url",
      "note",
      "column_3",
      "status",
      "error",
      "price",
      "tags",
      "title",
      "durationMs",
      "finalUrl",
    ]);
    expect(sheet.rowCount).toBe(inputs.length + 1);

    const titleColumn = 8;
    for (const [i, [name, cell]] of CASES.entries()) {
      const title = sheet.getRow(i + 2).getCell(titleColumn);
      // A string cell holds the scraped text unchanged; a spreadsheet shows it and never runs it.
      expect(title.formula, name).toBeUndefined();
      if (cell === "") expect(title.value, name).toBeNull();
      else {
        expect(title.type, name).toBe(ExcelJS.ValueType.String);
        // XML reads a bare carriage return as a line feed: the one change a spreadsheet file makes to text.
        expect(title.value, name).toBe(cell.replaceAll("\r", "\n"));
      }
    }
    const emojiRow = sheet.getRow(CASES.length + 2);
    expect(emojiRow.getCell(titleColumn).value).toBe("Grüße 🚀 emoji");
    expect(emojiRow.getCell(6).value).toBe(12.5);
    expect(emojiRow.getCell(7).value).toBe('["a","b"]');
    expect(emojiRow.getCell(9).value).toBe(1000 + CASES.length);
    const longTitle = sheet.getRow(CASES.length + 3).getCell(titleColumn).value as string;
    expect(longTitle).toHaveLength(32_767);
    expect(longTitle.endsWith("…")).toBe(true);
    const wide = values(sheet.rowCount);
    expect(wide.slice(0, 4)).toEqual(["example.com/wide", "w", "extra", "completed"]);
  });

  it("refuses an unknown format, naming the field and the choices", async () => {
    const res = await call(exportRoute.GET, { path: "/?format=ods", params: { id: executionId } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('format must be "csv", "json" or "xlsx"');
  });
});

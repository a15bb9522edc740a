import { eq } from "drizzle-orm";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "@/app/api/executions/[id]/export/route";
import * as projectBatchesRoute from "@/app/api/projects/[id]/batches/route";
import * as projectsRoute from "@/app/api/projects/route";
import { batchInputs, executions, jobs } from "@/server/db/schema";
import { FORMULA_CASES as CASES } from "../helpers/formula-cases";
import { call } from "../helpers/http";
import { startTestRuntime, type TestRuntime } from "../helpers/runtime";

describe("CSV export and spreadsheet formulas", () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime("pglite");
  });
  afterAll(() => t.stop());

  it("neutralises every case in an export's input and extracted cells, and exports ragged rows whole", async () => {
    const projectId = (await call(projectsRoute.POST, { json: { name: "Export" } })).body.project.id;
    const csv = [
      "url,note",
      ...CASES.map((_, i) => `example.com/${i},"${i}"`),
      "example.com/short",
      "example.com/wide,w,extra",
    ].join("\n");
    const created = await call(projectBatchesRoute.POST, { method: "POST", params: { id: projectId }, json: { csv } });
    expect(created.status).toBe(201);
    const batch = created.body.batch;
    const db = t.runtime.db;
    const inputs = (await db.select().from(batchInputs)).sort((a, b) => a.rowIndex - b.rowIndex);
    // The notes carry the payloads too, as a CSV row could.
    for (const [i, [, cell]] of CASES.entries()) {
      await db
        .update(batchInputs)
        .set({ data: { ...inputs[i]!.data, note: cell } })
        .where(eq(batchInputs.id, inputs[i]!.id));
    }
    const [execution] = await db
      .insert(executions)
      .values({
        batchId: batch.id,
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
        extractedData: { title: CASES[i]?.[1] ?? "ok" },
      })),
    );

    const res = await call(exportRoute.GET, { path: "/?format=csv", params: { id: execution!.id } });
    expect(res.status).toBe(200);
    const rows = Papa.parse<Record<string, string>>(res.body as string, { header: true, skipEmptyLines: true }).data;
    expect(Object.keys(rows[0]!)).toEqual([
      "url",
      "note",
      "column_3",
      "status",
      "error",
      "title",
      "durationMs",
      "finalUrl",
    ]);
    for (const [i, [name, , exported]] of CASES.entries()) {
      expect(rows[i]!.note, name).toBe(exported);
      expect(rows[i]!.title, name).toBe(exported);
    }
    expect(rows.at(-2)).toMatchObject({ url: "example.com/short", note: "", column_3: "" });
    expect(rows.at(-1)).toMatchObject({ url: "example.com/wide", note: "w", column_3: "extra" });

    const json = await call(exportRoute.GET, { path: "/?format=json", params: { id: execution!.id } });
    const objects = json.body as Record<string, unknown>[];
    expect(objects.at(-2)).toMatchObject({ url: "example.com/short", note: "", column_3: "" });
    expect(objects.at(-1)).toMatchObject({ url: "example.com/wide", note: "w", column_3: "extra" });
  });
});

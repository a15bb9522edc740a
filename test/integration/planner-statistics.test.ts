import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBatchFromCsv } from "@/server/batches/service";
import { settledStatistics } from "@/server/db/statistics";
import { startExecution } from "@/server/executions/service";
import { createProject } from "@/server/projects/projects";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * The planner knows how big a batch and an execution are right after they are made: without fresh statistics a
 * 100,000-job execution was planned as a 61-job one and each export page joined every remaining job (PGlite has no
 * autovacuum; PostgreSQL's comes up to a minute later).
 */
describe.each(DATABASES)("planner statistics after bulk inserts on %s", (kind) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime(kind);
  });
  afterAll(() => t.stop());

  const estimatedRows = async (table: string) => {
    const result = await t.runtime.db.execute(
      sql`select reltuples::bigint::int as rows from pg_class where relname = ${table}`,
    );
    return (result as unknown as { rows: { rows: number }[] }).rows[0]!.rows;
  };

  it("analyzes batch_inputs and jobs once a batch and its execution add 3,000 rows", async () => {
    const project = await createProject("Stats");
    const csv = ["url", ...Array.from({ length: 3000 }, (_, i) => `example.com/p${i}`)].join("\n");
    const { batch } = await createBatchFromCsv({ projectId: project.id, csv, agent: { engine: "simulated" } });
    await settledStatistics(t.runtime.db);
    expect(await estimatedRows("batch_inputs")).toBe(3000);

    await startExecution(batch.id, { mode: "production", concurrency: 1 });
    await settledStatistics(t.runtime.db);
    expect(await estimatedRows("jobs")).toBe(3000);
  });

  it("leaves a small insert to autovacuum's own round", async () => {
    const project = await createProject("Small");
    const csv = ["url", ...Array.from({ length: 50 }, (_, i) => `example.com/s${i}`)].join("\n");
    await createBatchFromCsv({ projectId: project.id, csv, agent: { engine: "simulated" } });
    await settledStatistics(t.runtime.db);
    expect(await estimatedRows("batch_inputs")).toBe(3000);
  });
});

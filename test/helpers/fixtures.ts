import type { AgentConfig } from "@/lib/contract/agent";
import type { ExecutionStatus } from "@/lib/contract/resources";
import type { Db } from "@/server/db/client";
import { agentConfigs, batches, batchInputs, executions, jobs, projects } from "@/server/db/schema";

/**
 * Inserts a project, a batch of `rows` inputs, and (optionally) an execution with one queued job per row,
 * straight into the tables: for tests of parts that sit above the engine.
 */
export async function insertFixture(
  db: Db,
  options: {
    rows?: number;
    agent?: Partial<AgentConfig>;
    execution?: { concurrency?: number; status?: ExecutionStatus };
  } = {},
) {
  const rows = options.rows ?? 3;
  const [project] = await db.insert(projects).values({ name: "Fixture project" }).returning();
  const agent = {
    engine: "simulated",
    fields: [],
    steps: [],
    timeoutMs: 60_000,
    maxRetries: 2,
    simulate: { durationMs: 0, failRate: 0 },
    ...options.agent,
  };
  const [batch] = await db
    .insert(batches)
    .values({
      projectId: project!.id,
      name: "Fixture batch",
      columns: ["url", "name"],
      urlColumn: "url",
      agent,
      rowCount: rows,
    })
    .returning();
  // Version 1 of its config, as repo.insertBatch writes it: executions run the version they record.
  await db.insert(agentConfigs).values({ batchId: batch!.id, version: 1, config: agent });
  const inputs = rows
    ? await db
        .insert(batchInputs)
        .values(
          Array.from({ length: rows }, (_, i) => ({
            batchId: batch!.id,
            rowIndex: i + 1,
            inputId: String(i + 1),
            siteUrl: `https://example.com/${i + 1}`,
            data: { url: `https://example.com/${i + 1}`, name: `Row ${i + 1}` },
          })),
        )
        .returning()
    : [];
  if (!options.execution) return { project: project!, batch: batch!, inputs, execution: null, jobs: [] };
  const [execution] = await db
    .insert(executions)
    .values({
      batchId: batch!.id,
      mode: "production",
      status: options.execution.status ?? "running",
      concurrency: options.execution.concurrency ?? 5,
      totalJobs: rows,
      queuedCount: rows,
      startedAt: new Date(),
    })
    .returning();
  const jobRows = rows
    ? await db
        .insert(jobs)
        .values(
          inputs.map((input) => ({
            executionId: execution!.id,
            batchInputId: input.id,
            rowIndex: input.rowIndex,
            inputId: input.inputId,
            siteUrl: input.siteUrl,
          })),
        )
        .returning()
    : [];
  return { project: project!, batch: batch!, inputs, execution: execution!, jobs: jobRows };
}

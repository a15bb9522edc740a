/**
 * Export of a 100,000-job execution as CSV, JSON and XLSX through the route's handler, on a fresh database each
 * (in-memory PGlite, and PostgreSQL when TEST_DATABASE_URL is set): time to the last byte, file size, and the
 * process's peak RSS above where it started (sampled every 20 ms while the body is read).
 *
 *   npx tsx bench/export.ts [jobs]
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/export.ts
 */
import os from "node:os";
import { sql } from "drizzle-orm";
import * as exportRoute from "@/app/api/executions/[id]/export/route";
import type { Db } from "@/server/db/client";
import { noteBulkInsert, settledStatistics } from "@/server/db/statistics";
import { DATABASES, startTestRuntime } from "../test/helpers/runtime";
import { seedLargeBatch } from "./lib/large-batch";

process.env.LOG_LEVEL = "silent";
const jobs = Number(process.argv[2] ?? 100_000);

async function seed(db: Db): Promise<string> {
  const batchId = await seedLargeBatch(db, { name: "Export", rows: jobs, extra: { sku: (n) => `SKU-${n}` } });
  const inserted = (await db.execute(sql`
    insert into executions (batch_id, mode, status, total_jobs)
    values (${batchId}, 'production', 'completed', ${jobs}) returning id`)) as unknown as { rows: { id: string }[] };
  const executionId = inserted.rows[0]!.id;
  await db.execute(sql`
    insert into jobs (execution_id, batch_input_id, row_index, input_id, site_url, status, error_message,
                      extracted_data, execution_duration_ms, final_url)
    select ${executionId}, id, row_index, input_id, site_url,
           case when row_index % 50 = 0 then 'failed' else 'completed' end,
           case when row_index % 50 = 0 then 'timed out after 60000 ms' end,
           case when row_index % 50 = 0 then null else jsonb_build_object(
             'title', 'Product ' || row_index || ' — walnut, oak & linen', 'price', (row_index % 90 + 10) * 1.25,
             'inStock', row_index % 7 <> 0, 'description', repeat('A fine thing. ', 8)) end,
           1000 + row_index % 4000, site_url
    from batch_inputs where batch_id = ${batchId}`);
  noteBulkInsert(db, "batch_inputs", jobs);
  noteBulkInsert(db, "jobs", jobs);
  await settledStatistics(db);
  return executionId;
}

async function exportOnce(executionId: string, format: string) {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  const response = await exportRoute.GET(
    new Request(`http://localhost/api/executions/${executionId}/export?format=${format}`),
    { params: Promise.resolve({ id: executionId }) },
  );
  if (response.status !== 200) throw new Error(`${format}: ${response.status} ${await response.text()}`);
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { ms, bytes, peakMb: (peak - baseline) / 2 ** 20 };
}

console.log(
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${jobs} jobs`,
);
for (const kind of DATABASES) {
  const t = await startTestRuntime(kind);
  try {
    const executionId = await seed(t.runtime.db);
    console.log(`\n${kind}:`);
    for (const format of ["csv", "json", "xlsx"]) {
      const { ms, bytes, peakMb } = await exportOnce(executionId, format);
      console.log(
        `  ${format.padEnd(5)} ${(ms / 1000).toFixed(2)} s  ${(bytes / 2 ** 20).toFixed(1)} MiB  peak RSS +${peakMb.toFixed(0)} MiB`,
      );
    }
  } finally {
    await t.stop();
  }
}

/**
 * Measures the time to upload a 100,000-row (~10 MB) CSV through POST /api/projects/:id/batches,
 * as multipart/form-data, on in-memory PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL.
 *
 *   npx tsx scripts/measure-upload.ts [rows]
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx scripts/measure-upload.ts
 */
import * as batchesRoute from "@/app/api/projects/[id]/batches/route";
import { insertProject } from "@/server/repos/projects";
import { DATABASES, startTestRuntime } from "../test/helpers/runtime";

const rows = Number(process.argv[2] ?? 100_000);

function makeCsv(count: number): string {
  const lines = ["id,company,website,goal,notes"];
  for (let i = 1; i <= count; i++) {
    lines.push(
      `C-${i},"Company ${i}, Inc.",www.example-${i}.com/products?ref=${i},Find the flagship product's price,row ${i} of the benchmark`,
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

const csv = makeCsv(rows);
console.log(`CSV: ${rows} rows, ${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)} MiB`);

for (const kind of DATABASES) {
  const t = await startTestRuntime(kind, { MAX_BATCH_ROWS: String(Math.max(rows, 100_000)) });
  try {
    const project = await insertProject(t.runtime.db, "Upload benchmark");
    const form = new FormData();
    form.append("file", new Blob([csv], { type: "text/csv" }), "benchmark.csv");
    const request = new Request("http://localhost/api/projects/x/batches", { method: "POST", body: form });
    const started = performance.now();
    const response = await batchesRoute.POST(request, { params: Promise.resolve({ id: project.id }) });
    const elapsed = performance.now() - started;
    const body = (await response.json()) as { rowCount?: number; error?: unknown };
    if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
    console.log(`${kind}: ${body.rowCount} inputs stored in ${(elapsed / 1000).toFixed(2)} s`);
  } finally {
    await t.stop();
  }
}

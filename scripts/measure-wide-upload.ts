/**
 * Wide CSV rows (issue 10, finding 1): the time of a 12,000-column, 24 KB upload through
 * POST /api/projects/:id/batches (multipart), the longest the event loop waited meanwhile, and what a 44 KB file
 * of that row plus 1,000 short rows takes in the database — with the default MAX_CSV_COLUMNS and a raised one.
 *
 *   npx tsx scripts/measure-wide-upload.ts [maxColumns ...]        (default: 1000 20000)
 */
import { sql } from "drizzle-orm";
import * as batchesRoute from "@/app/api/projects/[id]/batches/route";
import { insertProject } from "@/server/repos/projects";
import { startTestRuntime } from "../test/helpers/runtime";

const limits = process.argv.length > 2 ? process.argv.slice(2) : ["1000", "20000"];
const wideRow = ["example.com", ...Array.from({ length: 11_999 }, () => "x")].join(",");
const files = {
  "12,000-column row": `url\n${wideRow}\n`,
  "the wide row and 1,000 short rows": `url\n${wideRow}\n${Array.from({ length: 1000 }, (_, i) => `example.com/p${String(i).padStart(6, "0")}`).join("\n")}\n`,
};

for (const maxColumns of limits) {
  const t = await startTestRuntime("pglite", { MAX_CSV_COLUMNS: maxColumns });
  try {
    const project = await insertProject(t.runtime.db, "Wide upload benchmark");
    for (const [name, csv] of Object.entries(files)) {
      const form = new FormData();
      form.append("file", new Blob([csv], { type: "text/csv" }), "wide.csv");
      const request = new Request("http://localhost/api/projects/x/batches", { method: "POST", body: form });
      let last = performance.now();
      let longestWait = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        longestWait = Math.max(longestWait, now - last);
        last = now;
      }, 1);
      const started = performance.now();
      const response = await batchesRoute.POST(request, { params: Promise.resolve({ id: project.id }) });
      const body = (await response.json()) as { rowCount?: number; error?: { code: string; message: string } };
      const elapsed = performance.now() - started;
      clearInterval(timer);
      longestWait = Math.max(longestWait, performance.now() - last);
      const outcome =
        response.status === 201
          ? `201, ${body.rowCount} inputs`
          : `${response.status} ${body.error?.code}: ${body.error?.message}`;
      console.log(
        `MAX_CSV_COLUMNS=${maxColumns}, ${name} (${(Buffer.byteLength(csv) / 1024).toFixed(1)} KiB): ${outcome}`,
      );
      console.log(`  ${(elapsed / 1000).toFixed(3)} s; the event loop waited at most ${longestWait.toFixed(0)} ms`);
    }
    const result = (await t.runtime.db.execute(
      sql`select pg_total_relation_size('batch_inputs') as bytes, coalesce(sum(pg_column_size(data)), 0) as data from batch_inputs`,
    )) as unknown;
    // PGlite answers { rows }, postgres.js an array of rows.
    const [size] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      bytes: number;
      data: number;
    }[];
    console.log(
      `  stored: batch_inputs ${(Number(size!.bytes) / 1024 / 1024).toFixed(2)} MiB on disk, ${(Number(size!.data) / 1024).toFixed(1)} KiB of row data`,
    );
  } finally {
    await t.stop();
  }
}

/**
 * Compare on two 100,000-job executions of one batch: the first page with its counts, filtered first pages, a page
 * deep in the walk, and the whole diff as CSV, through the route's handler on a fresh database each (in-memory PGlite,
 * and PostgreSQL when DATABASE_URL or TEST_DATABASE_URL is set). Changes are spread over the rows: 5% price changed,
 * 1% newly failing, 0.5% newly passing, 1% a field added, 0.2% nested change, 100 inputs only in A, 100 only in B.
 *
 *   npx tsx bench/compare.ts [jobs] [repeats]
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/compare.ts
 */
import os from "node:os";
import { sql } from "drizzle-orm";
import * as compareRoute from "@/app/api/executions/[id]/compare/[otherId]/route";
import type { CompareResponse } from "@/lib/contract/compare";
import type { Db } from "@/server/db/client";
import { noteBulkInsert, settledStatistics } from "@/server/db/statistics";
import { DATABASES, startTestRuntime } from "../test/helpers/runtime";
import { seedLargeBatch } from "./lib/large-batch";

process.env.LOG_LEVEL = "silent";
const jobs = Number(process.argv[2] ?? 100_000);
const repeats = Number(process.argv[3] ?? 3);

async function seed(db: Db): Promise<{ a: string; b: string }> {
  const batchId = await seedLargeBatch(db, { name: "Compare", rows: jobs });
  const run = async (side: "a" | "b") => {
    const [execution] = (
      (await db.execute(sql`
        insert into executions (batch_id, mode, status, total_jobs)
        values (${batchId}, 'production', 'completed', ${jobs}) returning id`)) as unknown as {
        rows: { id: string }[];
      }
    ).rows;
    // A: every input but the last 100, completed but 1% failed (those B passes). B: every input but the first 100,
    // with the changes above keyed on the row index.
    const skip = side === "a" ? sql`row_index > ${jobs - 100}` : sql`row_index <= 100`;
    const failed = side === "a" ? sql`row_index % 200 = 7` : sql`row_index % 100 = 3`;
    const price =
      side === "a"
        ? sql`to_jsonb('£' || (row_index % 90 + 10) || '.00')`
        : sql`case when row_index % 20 = 0 then to_jsonb('£' || (row_index % 90 + 11) || '.50') else to_jsonb('£' || (row_index % 90 + 10) || '.00') end`;
    const extra =
      side === "b" ? sql`|| case when row_index % 100 = 11 then '{"rating": 4}'::jsonb else '{}'::jsonb end` : sql``;
    const size = side === "b" ? sql`case when row_index % 500 = 13 then 4 else 3 end` : sql`3`;
    await db.execute(sql`
      insert into jobs (execution_id, batch_input_id, row_index, input_id, site_url, status, error_message, extracted_data)
      select ${execution!.id}, id, row_index, input_id, site_url,
             case when ${failed} then 'failed' else 'completed' end,
             case when ${failed} then 'timed out after 60000 ms' end,
             case when ${failed} then null else jsonb_build_object(
               'title', 'Product ' || row_index, 'price', ${price}, 'inStock', row_index % 7 <> 0,
               'size', jsonb_build_object('w', 2, 'h', ${size}, 'unit', 'cm')) ${extra} end
      from batch_inputs where batch_id = ${batchId} and not (${skip})`);
    return execution!.id;
  };
  const a = await run("a");
  const b = await run("b");
  // As the app does after its own bulk inserts: fresh planner statistics.
  noteBulkInsert(db, "batch_inputs", jobs);
  noteBulkInsert(db, "jobs", jobs * 2);
  await settledStatistics(db);
  return { a, b };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function get(a: string, b: string, query: string): Promise<Response> {
  const response = await compareRoute.GET(new Request(`http://localhost/api/executions/${a}/compare/${b}?${query}`), {
    params: Promise.resolve({ id: a, otherId: b }),
  });
  if (response.status !== 200) throw new Error(`${query}: ${response.status} ${await response.text()}`);
  return response;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

console.log(
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${jobs} jobs per execution, median of ${repeats}`,
);
for (const kind of DATABASES) {
  const t = await startTestRuntime(kind);
  try {
    const seeded = await timed(() => seed(t.runtime.db));
    const { a, b } = seeded.value;
    console.log(`\n${kind}: seeded two ${jobs}-job executions in ${fmt(seeded.ms)}`);
    // Warm-up (plans, caches), not recorded.
    await (await get(a, b, "")).json();
    const cases: [string, string][] = [
      ["first page (100 rows) + counts", ""],
      ["first page, change=status", "change=status"],
      ["first page, field=rating", "field=rating"],
    ];
    let counts: CompareResponse["counts"] = null;
    let deepCursor: string | null = null;
    for (const [label, query] of cases) {
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const { ms, value } = await timed(async () => (await (await get(a, b, query)).json()) as CompareResponse);
        times.push(ms);
        counts ??= value.counts;
      }
      console.log(
        `  ${label.padEnd(34)} ${fmt(median(times))}  (min ${fmt(Math.min(...times))}, max ${fmt(Math.max(...times))})`,
      );
    }
    // A page near the end of the walk: the cursor of row 90,000.
    deepCursor = Buffer.from(JSON.stringify({ key: String(Math.floor(jobs * 0.9)) })).toString("base64url");
    const deep: number[] = [];
    for (let r = 0; r < repeats; r++)
      deep.push((await timed(async () => (await get(a, b, `cursor=${deepCursor}`)).json())).ms);
    console.log(`  ${"a page at row 90% (no counts)".padEnd(34)} ${fmt(median(deep))}`);
    const csv = await timed(async () => (await get(a, b, "format=csv")).text());
    const json = await timed(async () => (await get(a, b, "format=json")).text());
    console.log(
      `  ${"whole diff as CSV".padEnd(34)} ${fmt(csv.ms)} (${csv.value.split("\r\n").length - 2} lines, ${(csv.value.length / 2 ** 20).toFixed(1)} MiB)`,
    );
    console.log(
      `  ${"whole diff as JSON".padEnd(34)} ${fmt(json.ms)} (${(json.value.length / 2 ** 20).toFixed(1)} MiB)`,
    );
    console.log(
      `  counts: ${counts?.rowsCompared} compared, ${counts?.changed} changed, ${counts?.statusChanged} status changed (${counts?.newlyFailing} newly failing, ${counts?.newlyPassing} newly passing), ${counts?.fields.map((f) => `${f.name} +${f.added} -${f.removed} ~${f.changed}`).join(", ")}, only in A ${counts?.onlyInA}, only in B ${counts?.onlyInB}`,
    );
  } finally {
    await t.stop();
  }
}

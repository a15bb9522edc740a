import type { Db } from "@/server/db/client";
import { insertBatch, insertInputs } from "@/server/repos/batches";
import { insertProject } from "@/server/repos/projects";

/**
 * A project and a batch of `rows` shop pages (`https://shop.example/products/N`, input id `P-N`), inserted 10,000
 * inputs at a time; each input's row holds `url` and whatever `extra` adds. Answers the batch's id.
 */
export async function seedLargeBatch(
  db: Db,
  { name, rows, extra = {} }: { name: string; rows: number; extra?: Record<string, (n: number) => string> },
): Promise<string> {
  const project = await insertProject(db, `${name} benchmark`);
  const columns = ["url", ...Object.keys(extra)];
  const batch = await insertBatch(
    db,
    {
      projectId: project.id,
      name: `${name.toLowerCase()}-bench`,
      columns,
      urlColumn: "url",
      agent: { engine: "simulated" },
      rowCount: rows,
    },
    null,
  );
  for (let from = 1; from <= rows; from += 10_000) {
    const page = Array.from({ length: Math.min(10_000, rows - from + 1) }, (_, i) => {
      const n = from + i;
      const url = `https://shop.example/products/${n}`;
      const more = Object.fromEntries(Object.entries(extra).map(([column, value]) => [column, value(n)]));
      return { rowIndex: n, inputId: `P-${n}`, siteUrl: url, data: { url, ...more } };
    });
    await insertInputs(db, batch.id, page);
  }
  return batch.id;
}

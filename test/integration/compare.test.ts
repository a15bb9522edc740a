import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as compareRoute from "@/app/api/executions/[id]/compare/[otherId]/route";
import type { CompareResponse, CompareRow } from "@/lib/contract/compare";
import type { JobStatus } from "@/lib/contract/resources";
import { startSession } from "@/server/auth/sessions";
import type { Db } from "@/server/db/client";
import { executions, jobs, users } from "@/server/db/schema";
import { insertUser, upsertMembership } from "@/server/repos/accounts";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * GET /api/executions/:id/compare/:otherId on a real database: a table of per-input cases (what A and B extracted,
 * what the comparison must say), the counts over them, the filters, keyset pages, the CSV and JSON downloads, and
 * who may compare what.
 */

type Side = { status: JobStatus; data?: Record<string, unknown> | null; error?: string } | null;

interface Case {
  name: string;
  a: Side;
  b: Side;
  /** What the row says; undefined: the input is unchanged and left out. */
  expect?: { presence: CompareRow["presence"]; statusChanged: boolean; fields: CompareRow["fields"] };
}

const done = (data: Record<string, unknown> | null = null): Side => ({ status: "completed", data });

const CASES: Case[] = [
  {
    name: "field added",
    a: done({ title: "Lamp" }),
    b: done({ title: "Lamp", price: "£10" }),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "price", change: "added", before: null, after: "£10" }],
    },
  },
  {
    name: "field removed",
    a: done({ title: "Lamp", price: "£10" }),
    b: done({ title: "Lamp" }),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "price", change: "removed", before: "£10", after: null }],
    },
  },
  {
    name: "field changed",
    a: done({ title: "Lamp", price: "£10" }),
    b: done({ title: "Lamp", price: "£12" }),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "price", change: "changed", before: "£10", after: "£12" }],
    },
  },
  {
    name: 'type change (1 vs "1")',
    a: done({ price: 1 }),
    b: done({ price: "1" }),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "price", change: "changed", before: 1, after: "1" }],
    },
  },
  {
    name: "nested object change",
    a: done({ size: { w: 1, h: 2 }, title: "Desk" }),
    b: done({ size: { w: 1, h: 3 }, title: "Desk" }),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "size", change: "changed", before: { w: 1, h: 2 }, after: { w: 1, h: 3 } }],
    },
  },
  { name: "key order only (unchanged)", a: done({ a: 1, b: { x: 1, y: 2 } }), b: done({ b: { y: 2, x: 1 }, a: 1 }) },
  {
    name: "a JSON null is a value; a missing key is none",
    a: done({ price: null }),
    b: done({}),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "price", change: "removed", before: null, after: null }],
    },
  },
  {
    name: "completed → failed (its fields are gone)",
    a: done({ price: "£10" }),
    b: { status: "failed", data: null, error: "timed out" },
    expect: {
      presence: "both",
      statusChanged: true,
      fields: [{ name: "price", change: "removed", before: "£10", after: null }],
    },
  },
  {
    name: "failed → completed",
    a: { status: "failed", data: null, error: "timed out" },
    b: done({ price: "£10" }),
    expect: {
      presence: "both",
      statusChanged: true,
      fields: [{ name: "price", change: "added", before: null, after: "£10" }],
    },
  },
  {
    name: "cancelled → completed, no data",
    a: { status: "cancelled" },
    b: done(null),
    expect: { presence: "both", statusChanged: true, fields: [] },
  },
  {
    name: "only in A",
    a: done({ price: "£1" }),
    b: null,
    expect: { presence: "onlyA", statusChanged: false, fields: [] },
  },
  {
    name: "only in B",
    a: null,
    b: done({ price: "£1" }),
    expect: { presence: "onlyB", statusChanged: false, fields: [] },
  },
  { name: "both without data (unchanged)", a: done(null), b: done(null) },
  {
    name: "both failed, no data (unchanged)",
    a: { status: "failed", error: "x" },
    b: { status: "failed", error: "y" },
  },
  { name: "not an object counts as no fields (unchanged)", a: done(null), b: done({}) },
  {
    name: "identical (unchanged)",
    a: done({ title: "Lamp", tags: ["a", "b"] }),
    b: done({ tags: ["a", "b"], title: "Lamp" }),
  },
  {
    name: "array order matters",
    a: done({ tags: ["a", "b"] }),
    b: done({ tags: ["b", "a"] }),
    expect: {
      presence: "both",
      statusChanged: false,
      fields: [{ name: "tags", change: "changed", before: ["a", "b"], after: ["b", "a"] }],
    },
  },
];

/** An execution of the batch with a job for each input whose side is given (rowIndex → side). */
async function insertRun(
  db: Db,
  batchId: string,
  inputs: { id: string; rowIndex: number; inputId: string; siteUrl: string }[],
  sideOf: (rowIndex: number) => Side,
): Promise<string> {
  const [execution] = await db
    .insert(executions)
    .values({ batchId, mode: "production", status: "completed", totalJobs: inputs.length })
    .returning();
  const values = inputs.flatMap((input) => {
    const side = sideOf(input.rowIndex);
    if (!side) return [];
    return [
      {
        executionId: execution!.id,
        batchInputId: input.id,
        rowIndex: input.rowIndex,
        inputId: input.inputId,
        siteUrl: input.siteUrl,
        status: side.status,
        extractedData: side.data ?? null,
        errorMessage: side.error ?? null,
      },
    ];
  });
  for (let i = 0; i < values.length; i += 2_000) await db.insert(jobs).values(values.slice(i, i + 2_000));
  return execution!.id;
}

describe.each(DATABASES)("compare two executions on %s", (kind) => {
  let t: TestRuntime;
  let a: string;
  let b: string;
  let projectId: string;
  let caseOfInput: Map<string, Case>;

  const compare = (id: string, otherId: string, query = "", headers: Record<string, string> = {}) =>
    call(compareRoute.GET, {
      path: `/api/executions/${id}/compare/${otherId}${query ? `?${query}` : ""}`,
      params: { id, otherId },
      headers,
    });

  beforeAll(async () => {
    t = await startTestRuntime(kind, { AUTH: "on" });
    const { project, batch, inputs } = await insertFixture(t.runtime.db, { rows: CASES.length });
    projectId = project.id;
    a = await insertRun(t.runtime.db, batch.id, inputs, (row) => CASES[row - 1]!.a);
    b = await insertRun(t.runtime.db, batch.id, inputs, (row) => CASES[row - 1]!.b);
    caseOfInput = new Map(inputs.map((input) => [input.inputId, CASES[input.rowIndex - 1]!]));
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** A site admin's session: sees every project. */
  async function adminCookie(): Promise<Record<string, string>> {
    const user = await insertUser(t.runtime.db, { email: `admin-${crypto.randomUUID()}@example.com`, name: "Admin" });
    await t.runtime.db.update(users).set({ isAdmin: true }).where(eq(users.id, user.id));
    return { cookie: (await startSession(user.id, { address: null, userAgent: null })).split(";")[0]! };
  }

  it.each(CASES)("$name", async (c) => {
    const { status, body } = await compare(a, b, "change=all&limit=500", await adminCookie());
    expect(status).toBe(200);
    const rows = (body as CompareResponse).rows.filter((r) => caseOfInput.get(r.inputId) === c);
    expect(rows).toHaveLength(1);
    const anyChange = await compare(a, b, "limit=500", await adminCookie());
    const shown = (anyChange.body as CompareResponse).rows.find((r) => caseOfInput.get(r.inputId) === c);
    if (!c.expect) {
      expect(shown, "an unchanged input is left out by default").toBeUndefined();
      expect(rows[0]!.fields).toEqual([]);
      expect(rows[0]!.statusChanged).toBe(false);
      return;
    }
    expect(shown).toMatchObject(c.expect);
    expect(shown!.a?.status ?? null).toBe(c.a?.status ?? null);
    expect(shown!.b?.status ?? null).toBe(c.b?.status ?? null);
    expect(shown!.b?.errorMessage ?? null).toBe(c.b?.error ?? null);
  });

  it("counts every input whatever the filter, on the first page", async () => {
    const headers = await adminCookie();
    const { body } = await compare(a, b, "change=status&field=price&limit=1", headers);
    const matched = CASES.filter((c) => c.a && c.b);
    expect(body.counts).toEqual({
      rowsCompared: matched.length,
      changed: CASES.filter((c) => c.expect?.presence === "both").length,
      unchanged: matched.length - CASES.filter((c) => c.expect?.presence === "both").length,
      statusChanged: 3,
      transitions: [
        { from: "cancelled", to: "completed", count: 1 },
        { from: "completed", to: "failed", count: 1 },
        { from: "failed", to: "completed", count: 1 },
      ],
      newlyFailing: 1,
      newlyPassing: 2,
      fields: [
        // added: field added, failed → completed; removed: field removed, JSON null, completed → failed
        { name: "price", added: 2, removed: 3, changed: 2 },
        { name: "size", added: 0, removed: 0, changed: 1 },
        { name: "tags", added: 0, removed: 0, changed: 1 },
      ],
      onlyInA: 1,
      onlyInB: 1,
    });
    const next = await compare(a, b, `change=status&field=price&limit=1&cursor=${body.nextCursor}`, headers);
    expect(next.body.counts).toBeNull();
  });

  it("filters by kind of change and by field", async () => {
    const headers = await adminCookie();
    const names = async (query: string) =>
      ((await compare(a, b, `${query}&limit=500`, headers)).body as CompareResponse).rows.map(
        (r) => caseOfInput.get(r.inputId)!.name,
      );
    const inOrder = (pick: (c: Case) => boolean) => CASES.filter(pick).map((c) => c.name);
    expect(await names("change=any")).toEqual(inOrder((c) => c.expect !== undefined));
    expect(await names("change=status")).toEqual(inOrder((c) => c.expect?.statusChanged === true));
    expect(await names("change=fields")).toEqual(inOrder((c) => (c.expect?.fields.length ?? 0) > 0));
    expect(await names("change=missing")).toEqual(["only in A", "only in B"]);
    expect(await names("change=all")).toEqual(CASES.map((c) => c.name));
    expect(await names("field=price")).toEqual(
      inOrder((c) => c.expect?.fields.some((f) => f.name === "price") === true),
    );
    // A field filter narrows each row's list to that field.
    const sized = await compare(a, b, "field=size", headers);
    expect(sized.body.rows.map((r: CompareRow) => r.fields.map((f) => f.name))).toEqual([["size"]]);
    expect(await names("change=status&field=price")).toEqual([
      "completed → failed (its fields are gone)",
      "failed → completed",
    ]);
  });

  it("pages in input order with a cursor, each input once", async () => {
    const headers = await adminCookie();
    const all = (await compare(a, b, "change=all&limit=500", headers)).body.rows as CompareRow[];
    const seen: CompareRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await compare(a, b, `change=all&limit=3${cursor ? `&cursor=${cursor}` : ""}`, headers);
      expect(status).toBe(200);
      expect(body.rows.length).toBeLessThanOrEqual(3);
      seen.push(...body.rows);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(CASES.length / 3));
    expect(seen).toEqual(all);
    expect(seen.map((r) => r.rowIndex)).toEqual(CASES.map((_, i) => i + 1));
  });

  it("downloads the whole filtered diff as CSV (formula-safe) and JSON", async () => {
    const headers = await adminCookie();
    const csv = await compare(a, b, "format=csv&field=price", headers);
    expect(csv.status).toBe(200);
    expect(csv.response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.response.headers.get("content-disposition")).toMatch(/^attachment; filename=".*compare.*\.csv"$/);
    const lines = (csv.body as string).trimEnd().split("\r\n");
    expect(lines[0]).toBe("inputId,siteUrl,presence,statusA,statusB,errorA,errorB,field,change,before,after");
    expect(lines).toContain(`3,https://example.com/3,both,completed,completed,,,price,changed,"""£10""","""£12"""`);
    expect(lines).toContain(`1,https://example.com/1,both,completed,completed,,,price,added,,"""£10"""`);
    expect(lines).toHaveLength(1 + CASES.filter((c) => c.expect?.fields.some((f) => f.name === "price")).length);

    const json = await compare(a, b, "format=json&change=status", headers);
    expect(json.response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(json.body).toEqual((await compare(a, b, "change=status&limit=500", headers)).body.rows);
  });

  it("neutralises a value a spreadsheet would run as a formula", async () => {
    const { batch, inputs } = await insertFixture(t.runtime.db, { rows: 1 });
    const x = await insertRun(t.runtime.db, batch.id, inputs, () => done({ note: "ok" }));
    const y = await insertRun(t.runtime.db, batch.id, inputs, () => ({ status: "failed", error: '=HYPERLINK("x")' }));
    const csv = await compare(x, y, "format=csv", await adminCookie());
    const line = (csv.body as string).split("\r\n")[1]!;
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it("finds sparse and dense changes across thousands of rows, page by page", async () => {
    const rows = 5_000;
    const { batch, inputs } = await insertFixture(t.runtime.db, { rows });
    // Dense at the start (every row of 1-300), then sparse (every 997th), one only in B at the end.
    const changedRow = (row: number) => row <= 300 || row % 997 === 0;
    const x = await insertRun(t.runtime.db, batch.id, inputs, (row) => (row === rows ? null : done({ n: row })));
    const y = await insertRun(t.runtime.db, batch.id, inputs, (row) => done({ n: changedRow(row) ? -row : row }));
    const want = [...Array.from({ length: rows }, (_, i) => i + 1).filter(changedRow), rows];
    const headers = await adminCookie();
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await compare(x, y, `limit=250${cursor ? `&cursor=${cursor}` : ""}`, headers);
      seen.push(...body.rows.map((r: CompareRow) => r.rowIndex));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(want);
    const first = await compare(x, y, "", headers);
    expect(first.body.counts).toMatchObject({
      rowsCompared: rows - 1,
      changed: want.length - 1,
      fields: [{ name: "n", added: 0, removed: 0, changed: want.length - 1 }],
      onlyInB: 1,
    });
    const csv = await compare(x, y, "format=csv", headers);
    expect((csv.body as string).trimEnd().split("\r\n")).toHaveLength(1 + want.length);
  });

  it("refuses two executions of different batches with 400 naming the rule", async () => {
    // Another batch that the caller (a site admin) may see.
    const { batch, inputs } = await insertFixture(t.runtime.db, { rows: 1 });
    const elsewhere = await insertRun(t.runtime.db, batch.id, inputs, () => done());
    const { status, body } = await compare(a, elsewhere, "", await adminCookie());
    expect(status).toBe(400);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(/otherId must be an execution of the same batch/);
  });

  it("answers 404 for an execution the caller may not see, 400 for a bad query", async () => {
    // A viewer of A's project only; B of the same batch is visible to them, an execution elsewhere is not.
    const viewer = await insertUser(t.runtime.db, { email: `viewer-${crypto.randomUUID()}@example.com`, name: "Vi" });
    await upsertMembership(t.runtime.db, projectId, viewer.id, "viewer");
    const headers = { cookie: (await startSession(viewer.id, { address: null, userAgent: null })).split(";")[0]! };
    expect((await compare(a, b, "", headers)).status).toBe(200);

    const { batch, inputs } = await insertFixture(t.runtime.db, { rows: 1 });
    const hidden = await insertRun(t.runtime.db, batch.id, inputs, () => done());
    const refused = await compare(a, hidden, "", headers);
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toContain(hidden);
    expect((await compare(hidden, a, "", headers)).status).toBe(404);
    expect((await compare(a, "00000000-0000-4000-8000-000000000000", "", headers)).status).toBe(404);
    expect((await compare(a, b, "")).status).toBe(401);

    const bad = async (query: string, rule: RegExp) => {
      const { status, body } = await compare(a, b, query, headers);
      expect(status).toBe(400);
      expect(body.error.message).toMatch(rule);
    };
    await bad("change=price", /change must be one of any, status, fields, missing, all/);
    await bad("limit=0", /limit must be an integer from 1 to 500/);
    await bad("format=xlsx", /format must be "csv" or "json"/);
    await bad("cursor=nonsense", /cursor must be a value returned as nextCursor/);
  });
});

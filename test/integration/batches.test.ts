import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as batchInputsRoute from "@/app/api/batches/[id]/inputs/route";
import * as batchRoute from "@/app/api/batches/[id]/route";
import * as projectBatchesRoute from "@/app/api/projects/[id]/batches/route";
import * as projectsRoute from "@/app/api/projects/route";
import { batches, batchInputs } from "@/server/db/schema";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

const UNKNOWN = "00000000-0000-0000-0000-000000000000";

function multipart(fields: Record<string, string>, file?: { text: string; name?: string }): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append("file", new Blob([file.text], { type: "text/csv" }), file.name ?? "upload.csv");
  return form;
}

describe.each(DATABASES)("batches API on %s", (kind) => {
  let t: TestRuntime;
  let projectId: string;

  const upload = (options: Parameters<typeof call>[1], id = projectId) =>
    call(projectBatchesRoute.POST, { method: "POST", params: { id }, ...options });
  const counts = async () => ({
    batches: (await t.runtime.db.select().from(batches)).length,
    inputs: (await t.runtime.db.select().from(batchInputs)).length,
  });
  const allInputs = async (batchId: string, limit: number) => {
    const seen = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const res = await call(batchInputsRoute.GET, {
        params: { id: batchId },
        path: `/api/batches/${batchId}/inputs?${query}`,
      });
      expect(res.status).toBe(200);
      expect(res.body.inputs.length).toBeLessThanOrEqual(limit);
      seen.push(...res.body.inputs);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    return seen;
  };

  async function start(overrides: Record<string, string> = {}) {
    t = await startTestRuntime(kind, overrides);
    projectId = (await call(projectsRoute.POST, { json: { name: "Batches" } })).body.project.id;
  }
  afterEach(() => t.stop());

  describe("with default limits", () => {
    beforeEach(() => start());

    it("creates a batch from JSON, with invalid rows reported and not stored", async () => {
      const csv =
        '\uFEFFname,Website,notes\r\nAcme,acme.com,"a, b"\r\n\r\nBeta,,x\r\nGamma,ftp://gamma.io,y\r\nDelta,https://delta.io/p?q=1,"multi\r\nline"\r\nEps,not a url,z\r\n';
      const res = await upload({ json: { csv, name: "My batch" } });
      expect(res.status).toBe(201);
      expect(res.body.rowCount).toBe(2);
      expect(res.body.invalidRows).toEqual([
        { row: 2, reason: 'no URL in column "Website"' },
        { row: 3, reason: expect.stringContaining('"ftp:" scheme') },
        { row: 5, reason: expect.stringContaining("spaces") },
      ]);
      const batch = res.body.batch;
      expect(batch).toMatchObject({
        projectId,
        name: "My batch",
        sourceFileName: null,
        columns: ["name", "Website", "notes"],
        rowCount: 2,
        urlColumn: "Website",
        goalColumn: null,
        idColumn: null,
        agent: { engine: "browser", fields: [], steps: [], timeoutMs: 60000, maxRetries: 2 },
        invalidRows: res.body.invalidRows,
      });

      const got = await call(batchRoute.GET, { params: { id: batch.id } });
      expect(got.status).toBe(200);
      expect(got.body.batch).toEqual(batch);
      const listed = await call(projectBatchesRoute.GET, { params: { id: projectId } });
      expect(listed.body.batches).toEqual([batch]);

      const inputs = await allInputs(batch.id, 50);
      expect(inputs.map(({ id: _id, ...rest }: { id: string }) => rest)).toEqual([
        {
          inputId: "1",
          rowIndex: 1,
          siteUrl: "https://acme.com",
          goal: null,
          data: { name: "Acme", Website: "acme.com", notes: "a, b" },
        },
        {
          inputId: "4",
          rowIndex: 4,
          siteUrl: "https://delta.io/p?q=1",
          goal: null,
          data: { name: "Delta", Website: "https://delta.io/p?q=1", notes: "multi\r\nline" },
        },
      ]);
    });

    it("reads a browser's multipart body, whose boundary is mixed case", async () => {
      const boundary = "----WebKitFormBoundarywB9cyNBOULQk6sw0";
      const body = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="shops.csv"',
        "Content-Type: text/csv",
        "",
        "url\nexample.com\n",
        `--${boundary}--`,
        "",
      ].join("\r\n");
      const res = await upload({ body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ rowCount: 1, batch: { name: "shops", sourceFileName: "shops.csv" } });
    });

    it("creates a batch from multipart/form-data with named id and goal columns and an agent config", async () => {
      const text = "ref;page;objective;extra\nA-1;example.com/a;Find the price;x\n;www.example.org;;y\n";
      const agent = JSON.stringify({ engine: "simulated", simulate: { durationMs: 10 } });
      const res = await upload({
        body: multipart(
          { urlColumn: "page", goalColumn: "objective", idColumn: "ref", agent, name: "" },
          { text, name: "leads.2024.csv" },
        ),
      });
      expect(res.status).toBe(201);
      expect(res.body.batch).toMatchObject({
        name: "leads.2024",
        sourceFileName: "leads.2024.csv",
        urlColumn: "page",
        goalColumn: "objective",
        idColumn: "ref",
        agent: { engine: "simulated", simulate: { durationMs: 10, failRate: 0 }, timeoutMs: 60000, maxRetries: 2 },
      });
      const inputs = await allInputs(res.body.batch.id, 500);
      expect(
        inputs.map((i: { inputId: string; goal: string | null; siteUrl: string }) => [i.inputId, i.goal, i.siteUrl]),
      ).toEqual([
        ["A-1", "Find the price", "https://example.com/a"],
        ["2", null, "https://www.example.org"],
      ]);
    });

    it("accepts the file before or after the text fields, and names an unnamed batch by date", async () => {
      const form = new FormData();
      form.append("file", new Blob(["site,x\nexample.com,1\n"]), "");
      form.append("goalColumn", "x");
      const res = await upload({ body: form });
      expect(res.status).toBe(201);
      expect(res.body.batch.goalColumn).toBe("x");
      expect(res.body.batch.name).toMatch(/^Batch \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    });

    it("pages through every input once, in row order, with an opaque cursor", async () => {
      const rows = Array.from({ length: 123 }, (_, i) => `https://example.com/${i + 1},${i + 1}`);
      const res = await upload({ json: { csv: `url,n\n${rows.join("\n")}` } });
      expect(res.body.rowCount).toBe(123);
      for (const limit of [1, 10, 50, 500]) {
        const inputs = await allInputs(res.body.batch.id, limit);
        expect(inputs.map((i: { rowIndex: number }) => i.rowIndex)).toEqual(
          Array.from({ length: 123 }, (_, i) => i + 1),
        );
        expect(new Set(inputs.map((i: { id: string }) => i.id)).size).toBe(123);
      }
      const first = await call(batchInputsRoute.GET, { params: { id: res.body.batch.id }, path: "/x" });
      expect(first.body.inputs).toHaveLength(50);
    });

    it("lists a project's batches newest first", async () => {
      const a = await upload({ json: { csv: "url\na.com\n", name: "first" } });
      const b = await upload({ json: { csv: "url\nb.com\n", name: "second" } });
      const list = await call(projectBatchesRoute.GET, { params: { id: projectId } });
      expect(list.body.batches.map((x: { id: string }) => x.id)).toEqual([b.body.batch.id, a.body.batch.id]);
    });

    it("answers every bad request in the contract's error shape, and stores nothing", async () => {
      const cases: {
        name: string;
        options: Parameters<typeof call>[1];
        status: number;
        code: string;
        mentions?: string[];
      }[] = [
        {
          name: "malformed JSON",
          options: { body: "{nope", headers: { "content-type": "application/json" } },
          status: 400,
          code: "invalid_json",
        },
        { name: "JSON array", options: { json: [1] }, status: 400, code: "invalid_json" },
        {
          name: "empty JSON body",
          options: { body: "", headers: { "content-type": "application/json" } },
          status: 400,
          code: "invalid_json",
        },
        {
          name: "wrong content type",
          options: { body: "url\na.com", headers: { "content-type": "text/csv" } },
          status: 415,
          code: "unsupported_media_type",
        },
        {
          name: "no content type",
          options: { body: new Uint8Array([1]) },
          status: 415,
          code: "unsupported_media_type",
        },
        {
          name: "missing csv",
          options: { json: { name: "x" } },
          status: 400,
          code: "validation_failed",
          mentions: ["csv"],
        },
        {
          name: "csv not a string",
          options: { json: { csv: 5 } },
          status: 400,
          code: "validation_failed",
          mentions: ["csv"],
        },
        {
          name: "missing file",
          options: { body: multipart({ name: "x" }) },
          status: 400,
          code: "validation_failed",
          mentions: ["file"],
        },
        { name: "empty csv", options: { json: { csv: "" } }, status: 400, code: "invalid_csv", mentions: ["empty"] },
        {
          name: "header only",
          options: { json: { csv: "url,name\n" } },
          status: 400,
          code: "invalid_csv",
          mentions: ["no data rows"],
        },
        {
          name: "no header",
          options: { json: { csv: "https://a.com\nhttps://b.com\n" } },
          status: 400,
          code: "invalid_csv",
          mentions: ["header"],
        },
        {
          name: "no usable row",
          options: { json: { csv: "url\nnot a url\nftp://x.com\n" } },
          status: 400,
          code: "invalid_csv",
          mentions: ["No row has a usable URL", "row 1"],
        },
        {
          name: "no URL column",
          options: { json: { csv: "name,price\nA,3\n" } },
          status: 400,
          code: "invalid_csv",
          mentions: ["urlColumn", '"name", "price"'],
        },
        {
          name: "unknown urlColumn",
          options: { json: { csv: "url,name\na.com,A\n", urlColumn: "site" } },
          status: 400,
          code: "invalid_csv",
          mentions: ['urlColumn "site"', '"url", "name"'],
        },
        {
          name: "unknown idColumn (multipart)",
          options: { body: multipart({ idColumn: "key" }, { text: "url\na.com\n" }) },
          status: 400,
          code: "invalid_csv",
          mentions: ['idColumn "key"', '"url"'],
        },
        {
          name: "bad agent field",
          options: { json: { csv: "url\na.com\n", agent: { timeoutMs: 5 } } },
          status: 400,
          code: "validation_failed",
          mentions: ["agent.timeoutMs"],
        },
        {
          name: "bad agent engine",
          options: { body: multipart({ agent: '{"engine":"rocket"}' }, { text: "url\na.com\n" }) },
          status: 400,
          code: "validation_failed",
          mentions: ["agent.engine"],
        },
        {
          name: "agent not JSON",
          options: { body: multipart({ agent: "{engine" }, { text: "url\na.com\n" }) },
          status: 400,
          code: "validation_failed",
          mentions: ["agent"],
        },
        {
          name: "name too long",
          options: { json: { csv: "url\na.com\n", name: "x".repeat(201) } },
          status: 400,
          code: "validation_failed",
          mentions: ["name"],
        },
        {
          name: "truncated multipart",
          options: {
            body: '--b\r\ncontent-disposition: form-data; name="file"\r\n\r\nurl\na.com',
            headers: { "content-type": "multipart/form-data; boundary=b" },
          },
          status: 400,
          code: "validation_failed",
          mentions: ["multipart"],
        },
      ];
      for (const c of cases) {
        const res = await upload(c.options);
        expect(res.status, c.name).toBe(c.status);
        expect(res.body.error?.code, c.name).toBe(c.code);
        expect(typeof res.body.error.message, c.name).toBe("string");
        expect(JSON.stringify(res.body), c.name).not.toMatch(/\bat .*\.(ts|js):\d+/);
        for (const text of c.mentions ?? []) expect(res.body.error.message, c.name).toContain(text);
      }
      expect(await counts()).toEqual({ batches: 0, inputs: 0 });
    });

    it("refuses a 12,000-column row with 400 invalid_csv naming MAX_CSV_COLUMNS, and stores nothing", async () => {
      const row = Array.from({ length: 12_000 }, (_, i) => (i === 0 ? "example.com" : "x")).join(",");
      const res = await upload({ body: multipart({}, { text: `url\n${row}\n` }) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: "invalid_csv",
        details: { maxColumns: 1000, columns: 12_000, row: 1 },
      });
      expect(res.body.error.message).toContain("MAX_CSV_COLUMNS");
      expect(await counts()).toEqual({ batches: 0, inputs: 0 });
    });

    it("stores ragged rows as they are: a wide row's extra cells on that row only, short rows to the header", async () => {
      const csv = "url,name\na.com,A,x1,x2\nb.com\nc.com,C,,\nd.com,D,y3\n";
      const res = await upload({ json: { csv } });
      expect(res.status).toBe(201);
      expect(res.body.batch.columns).toEqual(["url", "name", "column_3", "column_4"]);
      const inputs = await allInputs(res.body.batch.id, 50);
      expect(inputs.map((i: { data: Record<string, string> }) => i.data)).toEqual([
        { url: "a.com", name: "A", column_3: "x1", column_4: "x2" },
        { url: "b.com", name: "" },
        { url: "c.com", name: "C" },
        { url: "d.com", name: "D", column_3: "y3" },
      ]);
    });

    it("rolls back the inputs already inserted when the file turns out broken further down", async () => {
      // Thousands of good rows are read and inserted in chunks before the unclosed quote is reached.
      const good = Array.from({ length: 4500 }, (_, i) => `example.com/${i},ok`).join("\n");
      const res = await upload({
        body: multipart({}, { text: `url,note\n${good}\nexample.org,"never closed\nexample.net,x\n` }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_csv");
      expect(res.body.error.message).toContain("Row 4501");
      expect(await counts()).toEqual({ batches: 0, inputs: 0 });
    });

    it("answers 404 for unknown projects and batches, and 400 for a bad page request", async () => {
      for (const id of [UNKNOWN, "nope"]) {
        expect((await upload({ json: { csv: "url\na.com\n" } }, id)).body.error.code).toBe("not_found");
        expect((await call(projectBatchesRoute.GET, { params: { id } })).status).toBe(404);
        expect((await call(batchRoute.GET, { params: { id } })).body.error.code).toBe("not_found");
        expect((await call(batchInputsRoute.GET, { params: { id }, path: "/x" })).status).toBe(404);
      }
      const { body } = await upload({ json: { csv: "url\na.com\n" } });
      for (const query of ["limit=0", "limit=501", "limit=abc", "limit=1.5", "cursor=garbage"]) {
        const res = await call(batchInputsRoute.GET, { params: { id: body.batch.id }, path: `/x?${query}` });
        expect(res.status, query).toBe(400);
        expect(res.body.error.code, query).toBe("validation_failed");
        expect(res.body.error.message, query).toMatch(/limit|cursor/);
      }
    });
  });

  describe("with a row limit above the first insert chunks", () => {
    beforeEach(() => start({ MAX_BATCH_ROWS: "4500" }));

    it("answers 413 once the limit is passed mid-file and keeps none of the rows inserted before", async () => {
      const csv = `url\n${Array.from({ length: 4501 }, (_, i) => `example.com/${i}`).join("\n")}`;
      const res = await upload({ body: multipart({}, { text: csv }) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
      expect(await counts()).toEqual({ batches: 0, inputs: 0 });
    });
  });

  describe("with small limits", () => {
    beforeEach(() => start({ MAX_BATCH_ROWS: "10", MAX_UPLOAD_BYTES: "2000" }));

    it("answers 413 over the row limit and leaves no batch and no input behind", async () => {
      const rows = (n: number) => `url\n${Array.from({ length: n }, (_, i) => `example.com/${i}`).join("\n")}`;
      const ok = await upload({ json: { csv: rows(10) } });
      expect(ok.status).toBe(201);
      await t.runtime.db.delete(batches);
      for (const options of [{ json: { csv: rows(11) } }, { body: multipart({}, { text: rows(11) }) }]) {
        const res = await upload(options);
        expect(res.status).toBe(413);
        expect(res.body.error.code).toBe("payload_too_large");
        expect(res.body.error.message).toContain("10");
      }
      expect(await counts()).toEqual({ batches: 0, inputs: 0 });
    });

    it("answers 413 over the byte limit, from Content-Length before reading, or while streaming", async () => {
      const big = `url\nexample.com/${"x".repeat(3000)}\n`;
      const viaFile = await upload({ body: multipart({}, { text: big }) });
      expect(viaFile.status).toBe(413);
      const viaJson = await upload({ json: { csv: big } });
      expect(viaJson.status).toBe(413);
      // A declared length over the limit is refused without reading: this body would not even parse.
      const declared = await upload({
        body: "{",
        headers: { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) },
      });
      expect(declared.status).toBe(413);
      expect(declared.body.error.code).toBe("payload_too_large");
      expect(await counts()).toEqual({ batches: 0, inputs: 0 });
    });
  });
});

describe("a JSON upload, parsed whole on the server's thread", () => {
  let t: TestRuntime;
  afterEach(() => t.stop());

  it("is capped at MAX_JSON_UPLOAD_BYTES, naming multipart for larger files, which still go through", async () => {
    t = await startTestRuntime("pglite", { MAX_JSON_UPLOAD_BYTES: "4096" });
    const projectId = (await call(projectsRoute.POST, { json: { name: "JSON cap" } })).body.project.id;
    const csv = `url\n${Array.from({ length: 300 }, (_, i) => `example.com/${i}`).join("\n")}`;
    const post = (options: Parameters<typeof call>[1]) =>
      call(projectBatchesRoute.POST, { method: "POST", params: { id: projectId }, ...options });

    const json = await post({ json: { csv } });
    expect(json.status).toBe(413);
    expect(json.body.error).toMatchObject({
      code: "payload_too_large",
      message: expect.stringMatching(/MAX_JSON_UPLOAD_BYTES.*multipart/),
    });
    expect(await t.runtime.db.select().from(batches)).toHaveLength(0);

    const file = await post({ body: multipart({}, { text: csv }) });
    expect(file.status).toBe(201);
    expect(file.body.rowCount).toBe(300);
  });
});

describe("a 100,000-row upload on pglite", () => {
  let t: TestRuntime;
  afterEach(() => t.stop());

  it("stores 100,000 inputs", async () => {
    t = await startTestRuntime("pglite");
    const projectId = (await call(projectsRoute.POST, { json: { name: "Big" } })).body.project.id;
    const lines = ["id,company,website"];
    for (let i = 1; i <= 100_000; i++) lines.push(`C-${i},"Company ${i}, Inc.",example-${i}.com`);
    const res = await call(projectBatchesRoute.POST, {
      method: "POST",
      params: { id: projectId },
      body: multipart({ idColumn: "id" }, { text: lines.join("\r\n"), name: "big.csv" }),
    });
    expect(res.status).toBe(201);
    expect(res.body.rowCount).toBe(100_000);
    expect(res.body.invalidRows).toEqual([]);
    const stored = await t.runtime.db.select().from(batchInputs);
    expect(stored).toHaveLength(100_000);
    const last = stored.find((s) => s.rowIndex === 100_000)!;
    expect(last).toMatchObject({
      inputId: "C-100000",
      siteUrl: "https://example-100000.com",
      data: { id: "C-100000", company: "Company 100000, Inc.", website: "example-100000.com" },
    });
  });
});

import { describe, expect, it } from "vitest";
import { uniqueColumnNames } from "@/lib/contract/columns";
import { detectUrlColumn, normalizeUrl, resolveColumns } from "@/server/batches/columns";
import { type CsvSource, readCsv } from "@/server/batches/csv";

const limits = { maxBytes: 10 * 1024 * 1024, maxRows: 1000, maxColumns: 1000 };

async function parse(source: CsvSource, options = limits) {
  const table = await readCsv(source, options);
  const records = [];
  for await (const record of table.records) records.push(record);
  return { delimiter: table.delimiter, columns: table.columns, records };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (e) {
    return e as { code: string; status: number; message: string };
  }
  throw new Error("expected a failure");
}

/** A web stream that delivers the bytes in small pieces, splitting records and multi-byte characters. */
function trickle(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

describe("readCsv", () => {
  it("strips a UTF-8 BOM from strings, buffers and streams", async () => {
    const text = "\uFEFFurl,name\nexample.com,A\n";
    for (const source of [text, Buffer.from(text), trickle(text, 3)]) {
      const { columns } = await parse(source);
      expect(columns).toEqual(["url", "name"]);
    }
  });

  it("detects comma, semicolon and tab delimiters", async () => {
    expect((await parse("url,name,price\nexample.com,A,1.5\n")).delimiter).toBe(",");
    const semi = await parse("url;name;price\nexample.com;A, Inc.;1,5\nexample.org;B;2,0\n");
    expect(semi.delimiter).toBe(";");
    expect(semi.records[0]!.cells).toEqual(["example.com", "A, Inc.", "1,5"]);
    const tab = await parse("url\tname\nexample.com\tA, B; C\n");
    expect(tab.delimiter).toBe("\t");
    expect(tab.records[0]!.cells).toEqual(["example.com", "A, B; C"]);
  });

  it("keeps quoted commas, quotes and line breaks inside one cell, and one record", async () => {
    const { records } = await parse(
      'url,notes\nexample.com,"a, b"\nexample.org,"line 1\nline 2, ""quoted"""\nexample.net,plain\n',
    );
    expect(records.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(records[0]!.cells[1]).toBe("a, b");
    expect(records[1]!.cells[1]).toBe('line 1\nline 2, "quoted"');
    expect(records[2]!.cells).toEqual(["example.net", "plain"]);
  });

  it("reads CRLF files, also when a chunk ends between \\r and \\n or inside a quoted cell", async () => {
    const text = 'url,notes\r\nexample.com,"multi\r\nline"\r\nexample.org,b\r\n';
    for (const size of [1, 2, 5, 1000]) {
      const { records } = await parse(trickle(text, size));
      expect(records.map((r) => r.cells)).toEqual([
        ["example.com", "multi\r\nline"],
        ["example.org", "b"],
      ]);
    }
  });

  it("skips blank lines (also lines of only delimiters) without counting them", async () => {
    const { records } = await parse("\n\nurl,name\n\nexample.com,A\n   \n,\nexample.org,B\n\n");
    expect(records.map((r) => [r.row, r.cells[0]])).toEqual([
      [1, "example.com"],
      [2, "example.org"],
    ]);
  });

  it("numbers records from 1, a multi-line quoted cell being one record", async () => {
    const { records } = await parse('url,notes\na.com,"x\ny\nz"\n\nb.com,one\nc.com,"p\nq"\nd.com,two\n');
    expect(records.map((r) => `${r.row}:${r.cells[0]}`)).toEqual(["1:a.com", "2:b.com", "3:c.com", "4:d.com"]);
  });

  it("keeps multi-byte characters whole when a chunk splits them", async () => {
    const { records } = await parse(trickle("url,name\nexample.com,Zürich – 東京 😀\n", 1));
    expect(records[0]!.cells[1]).toBe("Zürich – 東京 😀");
  });

  it("makes header names unique: duplicates get _2, _3 and empty names column_<position>", async () => {
    const { columns, records } = await parse("name, name ,,url,name,\nA,B,C,example.com,D,E\n");
    expect(columns).toEqual(["name", "name_2", "column_3", "url", "name_3", "column_6"]);
    expect(records[0]!.cells).toEqual(["A", "B", "C", "example.com", "D", "E"]);
    expect(uniqueColumnNames(["a", "a", "a_2"])).toEqual(["a", "a_3", "a_2"]);
    expect(uniqueColumnNames(["", "column_1"])).toEqual(["column_1_2", "column_1"]);
  });

  it("pads short records to the header, names extra non-empty cells, and never pads to the widest record", async () => {
    const { columns, records } = await parse("url,name\nexample.com\nexample.org,B,extra\nexample.net,C,,\n");
    expect(records.map((r) => r.cells)).toEqual([
      ["example.com", ""],
      ["example.org", "B", "extra"],
      ["example.net", "C"],
    ]);
    expect(columns).toEqual(["url", "name", "column_3"]);
  });

  it("rejects an empty file, a file without header, and a never-closed quote as invalid_csv", async () => {
    for (const text of ["", "\uFEFF", "\n\n  \n"]) {
      const e = await failure(parse(text));
      expect(e).toMatchObject({ code: "invalid_csv", status: 400 });
      expect(e.message).toMatch(/empty/);
    }
    const noHeader = await failure(parse("https://example.com,A\nhttps://example.org,B\n"));
    expect(noHeader).toMatchObject({ code: "invalid_csv" });
    expect(noHeader.message).toMatch(/header/);
    const unclosed = await failure(parse('url,notes\nexample.com,ok\nexample.org,"never closed\nexample.net,x\n'));
    expect(unclosed).toMatchObject({ code: "invalid_csv" });
    expect(unclosed.message).toMatch(/Row 2.*never closed/);
  });

  it("answers 413 over the row or byte limit", async () => {
    const text = `url\n${Array.from({ length: 11 }, (_, i) => `example${i}.com`).join("\n")}`;
    expect(await failure(parse(text, { maxBytes: 1e6, maxRows: 10, maxColumns: 1000 }))).toMatchObject({
      code: "payload_too_large",
      status: 413,
    });
    expect((await parse(text, { maxBytes: 1e6, maxRows: 11, maxColumns: 1000 })).records).toHaveLength(11);
    expect(await failure(parse(Buffer.from(text), { maxBytes: 50, maxRows: 100, maxColumns: 1000 }))).toMatchObject({
      code: "payload_too_large",
      status: 413,
    });
  });
});

describe("normalizeUrl", () => {
  it("completes bare domains and paths with https:// and keeps full URLs as written", () => {
    expect(normalizeUrl("example.com")).toEqual({ ok: true, url: "https://example.com" });
    expect(normalizeUrl("  www.example.com/x?y=1 ")).toEqual({ ok: true, url: "https://www.example.com/x?y=1" });
    expect(normalizeUrl("http://example.com/a")).toEqual({ ok: true, url: "http://example.com/a" });
    expect(normalizeUrl("HTTPS://Example.com")).toEqual({ ok: true, url: "https://Example.com" });
    expect(normalizeUrl("//cdn.example.com/p")).toEqual({ ok: true, url: "https://cdn.example.com/p" });
    expect(normalizeUrl("example.com:8080/x")).toEqual({ ok: true, url: "https://example.com:8080/x" });
    expect(normalizeUrl("http://localhost:3000/demo")).toEqual({ ok: true, url: "http://localhost:3000/demo" });
    expect(normalizeUrl("http://192.168.1.10/")).toEqual({ ok: true, url: "http://192.168.1.10/" });
    expect(normalizeUrl("münchen.de")).toEqual({ ok: true, url: "https://münchen.de" });
  });

  it("rejects unusable values with a reason that says why", () => {
    const reason = (v: string) => {
      const r = normalizeUrl(v);
      if (r.ok) throw new Error(`${v} was accepted`);
      return r.reason;
    };
    expect(reason("")).toMatch(/empty/);
    expect(reason("ftp://example.com/file")).toMatch(/"ftp:" scheme/);
    expect(reason("mailto:someone@example.com")).toMatch(/"mailto:" scheme/);
    expect(reason("javascript:alert(1)")).toMatch(/"javascript:" scheme/);
    expect(reason("example .com")).toMatch(/spaces/);
    expect(reason("not a url")).toMatch(/spaces/);
    expect(reason("localhostish")).toMatch(/no dot/);
    expect(reason("https://intranet/x")).toMatch(/no dot/);
    expect(reason("3.5")).toMatch(/not a domain name/);
    expect(reason("example.c0m")).toMatch(/top-level domain/);
    expect(reason("example..com")).toMatch(/empty part|not a valid URL/);
    expect(reason("https:example.com")).toMatch(/"\/\/" must follow/);
    expect(reason("http://")).toMatch(/not a valid URL|no host/);
  });
});

describe("URL column", () => {
  it("picks the column whose values look most like URLs or domains", () => {
    const columns = ["name", "homepage2", "notes"];
    const rows = [
      ["Acme", "acme.com", "see acme.com"],
      ["Beta", "https://beta.io/x", "n/a"],
      ["Gamma", "", ""],
    ];
    expect(detectUrlColumn(columns, rows)).toBe("homepage2");
  });

  it("prefers a header named like a URL column when values look alike, and falls back to it", () => {
    expect(
      detectUrlColumn(
        ["source", "Website"],
        [
          ["a.com", "b.com"],
          ["c.com", "d.com"],
        ],
      ),
    ).toBe("Website");
    expect(
      detectUrlColumn(
        ["name", "Company URL"],
        [
          ["A", ""],
          ["B", ""],
        ],
      ),
    ).toBe("Company URL");
    expect(
      detectUrlColumn(
        ["name", "price"],
        [
          ["A", "3.5"],
          ["B", "4"],
        ],
      ),
    ).toBeNull();
  });

  it("resolves named columns exactly or ignoring case, and names the missing one with the columns there are", () => {
    const columns = ["Site", "Goal", "ID"];
    const sample = [["example.com", "price", "7"]];
    expect(resolveColumns(columns, sample, { urlColumn: "site", goalColumn: "Goal", idColumn: "ID" }).names).toEqual({
      urlColumn: "Site",
      goalColumn: "Goal",
      idColumn: "ID",
    });
    expect(resolveColumns(columns, sample, {}).names.urlColumn).toBe("Site");
    let error: { code?: string; message?: string } = {};
    try {
      resolveColumns(columns, sample, { goalColumn: "objective" });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe("invalid_csv");
    expect(error.message).toContain('goalColumn "objective"');
    expect(error.message).toContain('"Site", "Goal", "ID"');
  });
});

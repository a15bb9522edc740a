import { describe, expect, it } from "vitest";
import type { ResultRow } from "@/features/executions/hooks/use-execution-results";
import {
  displayUrl,
  fieldColumn,
  filterRows,
  nextSort,
  rowMatches,
  searchNeedle,
  sortRows,
  splitForMiddleEllipsis,
  updateSortedRows,
} from "@/features/executions/lib/result-rows";

const row = (jobId: string, over: Partial<ResultRow> = {}): ResultRow => ({
  jobId,
  inputId: jobId.toUpperCase(),
  siteUrl: `https://shop.example/${jobId}`,
  status: "completed",
  durationMs: 1000,
  error: null,
  extractedData: {},
  completedAt: null,
  ...over,
});
const ids = (rows: readonly ResultRow[]) => rows.map((r) => r.jobId);

describe("sorting the results", () => {
  it("cycles a header through ascending, descending and off, and starts again on another column", () => {
    expect(nextSort(null, "status")).toEqual({ column: "status", direction: "asc" });
    expect(nextSort({ column: "status", direction: "asc" }, "status")).toEqual({ column: "status", direction: "desc" });
    expect(nextSort({ column: "status", direction: "desc" }, "status")).toBeNull();
    expect(nextSort({ column: "status", direction: "desc" }, "duration")).toEqual({
      column: "duration",
      direction: "asc",
    });
  });

  it("sorts numbers numerically, whether extracted as numbers or as plain-number text", () => {
    const rows = [
      row("a", { extractedData: { rating: 10 } }),
      row("b", { extractedData: { rating: "9" } }),
      row("c", { extractedData: { rating: "1,200.5" } }),
      row("d", { extractedData: { rating: -2 } }),
    ];
    expect(ids(sortRows(rows, { column: fieldColumn("rating"), direction: "asc" }))).toEqual(["d", "b", "a", "c"]);
    expect(ids(sortRows(rows, { column: fieldColumn("rating"), direction: "desc" }))).toEqual(["c", "a", "b", "d"]);
  });

  it("sorts prices and other numbers with a unit by their number", () => {
    const rows = [
      row("a", { extractedData: { price: "$1,299.00" } }),
      row("b", { extractedData: { price: "$90.99" } }),
      row("c", { extractedData: { price: "12 €" } }),
      row("d", { extractedData: { price: "US$5.5" } }),
      row("e", { extractedData: { price: "Sold out" } }),
      row("f", { extractedData: { price: "1.2.3" } }),
    ];
    expect(ids(sortRows(rows, { column: fieldColumn("price"), direction: "asc" }))).toEqual([
      "d",
      "c",
      "b",
      "a",
      "f",
      "e",
    ]);
  });

  it("sorts text with the digits in it as numbers, ignoring case, numbers before text", () => {
    const rows = [
      row("a", { extractedData: { name: "item 10" } }),
      row("b", { extractedData: { name: "Item 2" } }),
      row("c", { extractedData: { name: "apple" } }),
      row("d", { extractedData: { name: 7 } }),
    ];
    expect(ids(sortRows(rows, { column: fieldColumn("name"), direction: "asc" }))).toEqual(["d", "c", "b", "a"]);
  });

  it("puts empty values last in either direction and keeps ties newest first", () => {
    const rows = [
      row("old", { durationMs: 100, completedAt: "2026-01-01T00:00:01Z" }),
      row("mid", { durationMs: 500, completedAt: "2026-01-01T00:00:02Z" }),
      row("none", { durationMs: null, completedAt: "2026-01-01T00:00:03Z" }),
      row("new", { durationMs: 500, completedAt: "2026-01-01T00:00:04Z" }),
    ];
    expect(ids(sortRows(rows, { column: "duration", direction: "asc" }))).toEqual(["old", "new", "mid", "none"]);
    expect(ids(sortRows(rows, { column: "duration", direction: "desc" }))).toEqual(["new", "mid", "old", "none"]);
    const missing = [row("x", { extractedData: {} }), row("y", { extractedData: { price: "" } }), row("z")];
    expect(ids(sortRows(missing, { column: fieldColumn("price"), direction: "desc" }))).toEqual(["x", "y", "z"]);
  });

  it("sorts by status, error and page URL", () => {
    const rows = [
      row("a", { status: "failed", error: "Timeout", siteUrl: "https://b.example/" }),
      row("b", { status: "cancelled", error: null, siteUrl: "https://a.example/" }),
      row("c", { status: "completed", error: "HTTP 404", siteUrl: null }),
    ];
    expect(ids(sortRows(rows, { column: "status", direction: "asc" }))).toEqual(["b", "c", "a"]);
    expect(ids(sortRows(rows, { column: "error", direction: "asc" }))).toEqual(["c", "a", "b"]);
    // A row with no URL sorts by its input id.
    expect(ids(sortRows(rows, { column: "page", direction: "asc" }))).toEqual(["c", "b", "a"]);
  });

  it("leaves the rows it was given as they were", () => {
    const rows = [row("b", { durationMs: 2 }), row("a", { durationMs: 1 })];
    sortRows(rows, { column: "duration", direction: "asc" });
    expect(ids(rows)).toEqual(["b", "a"]);
  });
});

describe("keeping the results sorted while rows arrive", () => {
  const price = { column: fieldColumn("price"), direction: "asc" } as const;
  const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, "0")}Z`;
  const priced = (jobId: string, value: unknown, second: number) =>
    row(jobId, { extractedData: { price: value }, completedAt: at(second) });

  it("slots rows that arrive into the same order a full sort gives, ties and empty values included", () => {
    const store = [priced("a", 30, 1), priced("b", 10, 2), priced("c", null, 3)];
    let sorted = updateSortedRows(null, store, price);
    expect(ids(sorted.rows)).toEqual(["b", "a", "c"]);
    store.push(priced("d", 20, 4), priced("e", 10, 5), priced("f", null, 6), priced("g", "40", 7));
    sorted = updateSortedRows(sorted, store, price);
    expect(ids(sorted.rows)).toEqual(["e", "b", "d", "a", "g", "f", "c"]);
    expect(ids(sorted.rows)).toEqual(ids(sortRows(store, price)));
  });

  it("gives back the same result when nothing arrived, and sorts again for another sort or another execution", () => {
    const store = [priced("a", 2, 1), priced("b", 1, 2)];
    const first = updateSortedRows(null, store, price);
    expect(updateSortedRows(first, store, { ...price })).toBe(first);
    expect(ids(updateSortedRows(first, store, { ...price, direction: "desc" }).rows)).toEqual(["a", "b"]);
    const other = [priced("x", 5, 1)];
    expect(ids(updateSortedRows(first, other, price).rows)).toEqual(["x"]);
  });

  it("takes a burst of rows fetched to catch up, wherever the store put them", () => {
    const store = Array.from({ length: 10 }, (_, i) => priced(`r${i}`, i % 4, i + 1));
    let sorted = updateSortedRows(null, store, price);
    const burst = Array.from({ length: 400 }, (_, i) => priced(`s${i}`, (i * 7) % 13, 20 + (i % 30)));
    store.splice(3, 0, ...burst);
    sorted = updateSortedRows(sorted, store, price);
    expect(ids(sorted.rows)).toEqual(ids(sortRows(store, price)));
    store.splice(5, 0, priced("late", 3, 0));
    expect(ids(updateSortedRows(sorted, store, price).rows)).toEqual(ids(sortRows(store, price)));
  });
});

describe("searching the results", () => {
  const rows = [
    row("one", { extractedData: { name: "Oak Desk Lamp", price: 90.99, tags: ["wood", "Light"] } }),
    row("two", { status: "failed", error: "Timed out waiting for .price", siteUrl: "https://other.example/kettle" }),
    row("three", { inputId: "FG-003", extractedData: null }),
  ];
  const find = (query: string, status: "all" | "failed" = "all") =>
    ids(filterRows(rows, { status, needle: searchNeedle(query) }));

  it("finds text in extracted values, URL, input id and error, ignoring case and surrounding spaces", () => {
    expect(find("desk lamp")).toEqual(["one"]);
    expect(find("90.99")).toEqual(["one"]);
    expect(find("light")).toEqual(["one"]);
    expect(find("  OTHER.example ")).toEqual(["two"]);
    expect(find("fg-003")).toEqual(["three"]);
    expect(find("timed OUT")).toEqual(["two"]);
    expect(find("nowhere")).toEqual([]);
  });

  it("lets everything through with an empty search, and combines a search with the status filter", () => {
    expect(find("")).toEqual(["one", "two", "three"]);
    expect(find("   ")).toEqual(["one", "two", "three"]);
    expect(find("example")).toEqual(["one", "two", "three"]);
    expect(find("example", "failed")).toEqual(["two"]);
  });

  it("reads the store's oldest-first rows newest first when asked", () => {
    expect(ids(filterRows(rows, { status: "all", needle: "" }, { reversed: true }))).toEqual(["three", "two", "one"]);
  });

  it("matches a row by any of its extracted values", () => {
    expect(rowMatches(rows[0]!, "wood")).toBe(true);
    expect(rowMatches(rows[0]!, "tags")).toBe(false);
  });
});

describe("showing a long URL", () => {
  it("drops the scheme and keeps the end of a long URL whole", () => {
    expect(displayUrl("https://shop.example/a")).toBe("shop.example/a");
    expect(displayUrl("HTTP://shop.example/")).toBe("shop.example/");
    expect(splitForMiddleEllipsis("shop.example/a")).toEqual({ head: "shop.example/a", tail: "" });
    const long = "shop.example/products/category/oak-desk-lamp";
    const { head, tail } = splitForMiddleEllipsis(long, 13);
    expect(tail).toBe("oak-desk-lamp");
    expect(head + tail).toBe(long);
  });
});

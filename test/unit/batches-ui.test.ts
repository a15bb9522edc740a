// The pure helpers behind the new-batch preview and the Execute dialog.
import { describe, expect, it } from "vitest";
import {
  batchNameFromFile,
  guessGoalColumn,
  guessIdColumn,
  guessUrlColumn,
  looksLikeUrl,
  parsePreview,
} from "@/features/batches/lib/csv-preview";
import { describeEstimate, maxFromMessage, wholeNumber } from "@/features/batches/lib/estimate";
import { uniqueColumnNames } from "@/lib/contract/columns";
import { formatDurationInWords } from "@/lib/format";

describe("CSV preview", () => {
  it("reads a semicolon file with a BOM, CRLF, blank lines, quoted commas and multi-line cells", () => {
    const csv =
      '\uFEFFname;website;notes\r\n"Acme, Inc";example.com;first\r\n\r\nNo URL Co;;"two\r\nlines"\r\nBeta;https://beta.example.org/x?y=1;ok\r\n';
    const preview = parsePreview(csv);
    expect(preview.delimiter).toBe(";");
    expect(preview.columns).toEqual(["name", "website", "notes"]);
    expect(preview.rows).toEqual([
      ["Acme, Inc", "example.com", "first"],
      ["No URL Co", "", "two\r\nlines"],
      ["Beta", "https://beta.example.org/x?y=1", "ok"],
    ]);
    expect(guessUrlColumn(preview)).toBe("website");
  });

  it("names columns as the server does: repeated and empty headers made unique", () => {
    expect(uniqueColumnNames(["name", " name ", "", "column_3", "url"])).toEqual([
      "name",
      "name_2",
      "column_3_2",
      "column_3",
      "url",
    ]);
    expect(parsePreview("a,b\n1,2,3\n").columns).toEqual(["a", "b", "column_3"]);
    expect(parsePreview("a,b\n1,2,,\n").columns).toEqual(["a", "b"]);
  });

  it("stops after the preview rows and says so", () => {
    const csv = ["url", ...Array.from({ length: 50 }, (_, i) => `https://e.com/${i}`)].join("\n");
    const preview = parsePreview(csv, 20);
    expect(preview.rows).toHaveLength(20);
    expect(preview.truncated).toBe(true);
  });

  it("guesses the URL, goal and id columns", () => {
    expect(guessUrlColumn(parsePreview("title,link\nHome,www.example.com/x\nAbout,example.org\n"))).toBe("link");
    expect(guessUrlColumn(parsePreview("title,notes\nHome,nothing\n"))).toBeNull();
    expect(guessGoalColumn(["url", "Goal"])).toBe("Goal");
    expect(guessIdColumn(["url", "sku"])).toBe("sku");
    expect(looksLikeUrl("example.com")).toBe(true);
    expect(looksLikeUrl("someone@example.com")).toBe(false);
    expect(looksLikeUrl("Acme, Inc")).toBe(false);
    expect(batchNameFromFile("prices.2024.csv")).toBe("prices.2024");
  });
});

describe("the Execute dialog's words", () => {
  it("says the estimate as a question", () => {
    expect(describeEstimate("test", { totalJobs: 5, estimatedDurationMs: 118_000, estimatedCost: 0.4 })).toBe(
      "Test 5 jobs? About 2 minutes, $0.40.",
    );
    expect(describeEstimate("production", { totalJobs: 1, estimatedDurationMs: 2_000, estimatedCost: 0 })).toBe(
      "Run 1 job? A few seconds, $0.00.",
    );
    expect(formatDurationInWords(80 * 60_000)).toBe("1 hour 20 minutes");
  });

  it("follows the server's maximum concurrency and reads whole numbers only", () => {
    expect(maxFromMessage("concurrency must be an integer from 1 to 8")).toBe(8);
    expect(maxFromMessage("sampleSize must be an integer of at least 1")).toBeNull();
    expect(wholeNumber(" 7 ")).toBe(7);
    expect(wholeNumber("2.5")).toBeNull();
    expect(wholeNumber("")).toBeNull();
  });
});

// The two duration families of src/lib/format.ts: words for estimates, clock-like for measured times.
import { describe, expect, it } from "vitest";
import { formatDurationCompact, formatDurationInWords, formatJobDuration, plural, shortId } from "@/lib/format";

describe("formatters", () => {
  it("says an estimate in rounded words", () => {
    expect(formatDurationInWords(0)).toBe("a moment");
    expect(formatDurationInWords(3_000)).toBe("a few seconds");
    expect(formatDurationInWords(41_000)).toBe("40 seconds");
    expect(formatDurationInWords(118_000)).toBe("2 minutes");
  });

  it("writes a measured duration like a clock, and a job's below a minute more finely", () => {
    expect(formatDurationCompact(42_900)).toBe("42s");
    expect(formatDurationCompact(75_000)).toBe("1m 15s");
    expect(formatDurationCompact(3_723_000)).toBe("1h 2m");
    expect(formatDurationCompact(null)).toBe("—");
    expect(formatJobDuration(850)).toBe("850 ms");
    expect(formatJobDuration(12_340)).toBe("12.3 s");
    expect(formatJobDuration(125_000)).toBe("2m 05s");
  });

  it("counts and shortens", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(1200, "row")).toBe("1,200 rows");
    expect(shortId("0123456789abcdef")).toBe("01234567");
  });
});

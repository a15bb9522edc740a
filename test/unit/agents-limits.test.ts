import { describe, expect, it } from "vitest";
import { type AgentField, agentConfigSchema } from "@/lib/contract/agent";
import { buildExtractedData, type RawMatches, TRUNCATED_KEY } from "@/server/agents/extract";
import { capText, truncateUtf8 } from "@/server/agents/limits";
import { AgentError } from "@/server/agents/types";
import type { EventDeps } from "@/server/events/transaction";
import { ProgressReporter } from "@/server/scheduler/progress";

const field = (name: string, multiple = false): AgentField => ({
  name,
  selector: name,
  attribute: "textContent",
  multiple,
  required: false,
});
const page = { url: "http://x.test/", isDefaultSet: false };
const raw = (...values: (string | null)[][]): RawMatches => values.map((v) => ({ values: v, cut: false }));

describe("truncateUtf8", () => {
  it("cuts at a character boundary within the byte limit", () => {
    expect(truncateUtf8("abc", 3)).toEqual({ text: "abc", truncated: false });
    expect(truncateUtf8("abcd", 3)).toEqual({ text: "abc", truncated: true });
    expect(truncateUtf8("a€b", 3)).toEqual({ text: "a", truncated: true });
    expect(truncateUtf8("a€b", 4)).toEqual({ text: "a€", truncated: true });
    expect(truncateUtf8("😀😀", 5)).toEqual({ text: "😀", truncated: true });
    for (let n = 0; n < 40; n++) {
      const { text } = truncateUtf8("x€😀é".repeat(5), n);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(n);
      expect(text).not.toContain("\uFFFD");
    }
  });
});

describe("extraction limits", () => {
  const limits = { maxFieldBytes: 100, maxResultBytes: 400 };

  it("keeps values within the limits untouched and adds no marker", () => {
    const data = buildExtractedData([field("a"), field("b", true)], raw(["short"], ["x", "y"]), page, limits);
    expect(data).toEqual({ a: "short", b: ["x", "y"] });
  });

  it("cuts a single value at the field limit and names it in _truncated", () => {
    const data = buildExtractedData([field("a"), field("b")], raw(["€".repeat(200)], ["ok"]), page, limits);
    expect(Buffer.byteLength(data.a as string)).toBe(99);
    expect(data.b).toBe("ok");
    expect(data[TRUNCATED_KEY]).toEqual(["a"]);
  });

  it("bounds a multiple field's values together, and marks a field the collector already cut", () => {
    const data = buildExtractedData(
      [field("list", true), field("cut")],
      [
        { values: Array(50).fill("0123456789"), cut: false },
        { values: ["abc"], cut: true },
      ],
      page,
      limits,
    );
    expect(data.list).toEqual(Array(10).fill("0123456789"));
    expect(data.cut).toBe("abc");
    expect(data[TRUNCATED_KEY]).toEqual(["list", "cut"]);
  });

  it("never lets the stored JSON pass the result limit, whatever the values (escaping and multibyte included)", () => {
    const samples = ['"', "\\", "\n", "€", "😀", "a", "\u0001"];
    for (let trial = 0; trial < 200; trial++) {
      const fields = Array.from({ length: 1 + (trial % 7) }, (_, i) => field(`f${i}`, i % 2 === 1));
      const values = fields.map(() =>
        Array.from({ length: 1 + (trial % 5) }, (_, j) =>
          samples[(trial + j) % samples.length]!.repeat(10 + ((trial * 37 + j * 11) % 90)),
        ),
      );
      const data = buildExtractedData(fields, raw(...values), page, limits);
      expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThanOrEqual(limits.maxResultBytes);
      for (const f of fields) {
        const v = data[f.name];
        const bytes = Array.isArray(v)
          ? v.reduce((s: number, x: string) => s + Buffer.byteLength(x), 0)
          : Buffer.byteLength((v as string | null) ?? "");
        expect(bytes).toBeLessThanOrEqual(limits.maxFieldBytes);
      }
    }
  });
});

describe("message and step log limits", () => {
  it("cuts an agent's error message to the field limit", () => {
    const error = new AgentError(`Could not load http://x.test/${"a".repeat(1_000_000)}`, true);
    expect(Buffer.byteLength(error.message)).toBeLessThanOrEqual(64 * 1024);
    expect(error.message.startsWith("Could not load http://x.test/aaa")).toBe(true);
    expect(error.message.endsWith("…")).toBe(true);
    expect(capText("short")).toBe("short");
  });

  it("cuts each step log line and its URL to the field limit", async () => {
    const reporter = new ProgressReporter({} as EventDeps, {
      id: "j",
      executionId: "e",
      siteUrl: `http://x.test/${"u".repeat(500_000)}`,
    });
    reporter.record(`Failed: ${"s".repeat(500_000)}`, null);
    const [entry] = await reporter.close();
    expect(Buffer.byteLength(entry!.step)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(entry!.url!)).toBeLessThanOrEqual(64 * 1024);
  });
});

describe("the truncation marker's name", () => {
  it("is reserved: an agent config may not name a field after it", () => {
    const result = agentConfigSchema.safeParse({ fields: [{ name: TRUNCATED_KEY, selector: "h1" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/_truncated is reserved/);
    expect(agentConfigSchema.safeParse({ fields: [{ name: "truncated", selector: "h1" }] }).success).toBe(true);
  });
});

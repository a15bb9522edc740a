import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/server/log";

/** A stream that keeps what the logger wrote, standing in for stdout. */
function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

const ESC = "\u001b[";

describe("the logger's output", () => {
  it("writes coloured, human-readable lines to a terminal", () => {
    const out = capture();
    createLogger("info", { isTTY: true, stream: out.stream }).info({ jobId: "j1" }, "job claimed");
    const text = out.text();
    expect(text).toContain("job claimed");
    expect(text).toContain(ESC);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's colour codes are what is stripped
    const plain = text.replace(/\u001b\[\d+m/g, "");
    expect(plain).toMatch(/INFO \(\d+\): job claimed/);
    expect(plain).toMatch(/jobId: "j1"/);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("writes one JSON object a line when the output is not a terminal", () => {
    const out = capture();
    const logger = createLogger("info", { isTTY: false, stream: out.stream });
    logger.info({ jobId: "j1" }, "job claimed");
    logger.debug("below the level");
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(out.text()).not.toContain(ESC);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: "job claimed", jobId: "j1", pid: process.pid });
  });
});

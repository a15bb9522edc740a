import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJson } from "@/server/http/respond";

/** A chunked body (no Content-Length) of `total` bytes in 64 KiB chunks, counting what the reader pulled. */
function chunkedRequest(total: number) {
  const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(64 * 1024 - 10)}",`);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const request = new Request("http://localhost/api/x", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("readJson", () => {
  it("refuses a chunked body past the limit once it has read the limit, not after reading it all", async () => {
    const { request, pulled } = chunkedRequest(64 * 1024 * 1024);
    await expect(readJson(request, z.object({}), { maxBytes: 1024 * 1024 })).rejects.toMatchObject({
      status: 413,
      code: "payload_too_large",
    });
    expect(pulled()).toBeLessThan(2 * 1024 * 1024);
  });

  it("reads a chunked body under the limit", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":'));
        controller.enqueue(new TextEncoder().encode('"Grüße 🚀"}'));
        controller.close();
      },
    });
    const request = new Request("http://localhost/api/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    await expect(readJson(request, z.object({ name: z.string() }))).resolves.toEqual({ name: "Grüße 🚀" });
  });
});

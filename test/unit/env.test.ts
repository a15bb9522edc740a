import { describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";

describe("configuration", () => {
  it("has documented defaults", () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.MAX_CONCURRENCY).toBe(10);
    expect(env.DATA_DIR.endsWith(".data")).toBe(true);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.HOST).toBe("127.0.0.1"); // exposing fleetdeck is a deliberate choice
  });

  it("fails fast naming the bad variable", () => {
    expect(() => loadEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadEnv({ MAX_CONCURRENCY: "0" })).toThrow(/MAX_CONCURRENCY/);
  });
});

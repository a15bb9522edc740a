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
    expect(env.DATABASE_POOL_SIZE).toBe(10);
  });

  it("fails fast naming the bad variable", () => {
    expect(() => loadEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadEnv({ MAX_CONCURRENCY: "0" })).toThrow(/MAX_CONCURRENCY/);
    expect(() => loadEnv({ DATABASE_POOL_SIZE: "0" })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe("access control configuration", () => {
  it("is off by default, on a loopback bind", () => {
    expect(loadEnv({}).AUTH).toBe("off");
    expect(loadEnv({ HOST: "127.0.0.2" }).AUTH).toBe("off");
  });

  it.each(["0.0.0.0", "::", "192.168.1.20"])("refuses to listen on %s without AUTH=on, saying what to set", (host) => {
    expect(() => loadEnv({ HOST: host })).toThrow(/HOST: .*Set AUTH=on .* or HOST=127\.0\.0\.1/);
    expect(loadEnv({ HOST: host, AUTH: "on" }).HOST).toBe(host);
  });

  it("wants all three OIDC settings, and accounts for them", () => {
    const oidc = { OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "fleetdeck", OIDC_CLIENT_SECRET: "s" };
    expect(() => loadEnv({ AUTH: "on", OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(/OIDC_ISSUER: .*together/);
    expect(() => loadEnv(oidc)).toThrow(/AUTH: single sign-on/);
    expect(loadEnv({ ...oidc, AUTH: "on" }).OIDC_CLIENT_ID).toBe("fleetdeck");
  });

  it("names AUTH when it is neither on nor off", () => {
    expect(() => loadEnv({ AUTH: "yes" })).toThrow(/AUTH: must be "on" or "off"/);
  });
});

import { describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { checkRequest, type GateRequest, gatePolicy, hostnameOf, MAX_PATH_CHARS } from "@/server/http/request-gate";

const local = gatePolicy(loadEnv({}));
const exposed = gatePolicy(
  loadEnv({
    HOST: "0.0.0.0",
    AUTH: "on",
    PUBLIC_URL: "https://fleet.example.com",
    ALLOWED_HOSTNAMES: "fleet.internal",
    ALLOWED_ORIGINS: "https://ops.example.com/",
  }),
);

const request = (method: string, headers: GateRequest["headers"], url = "/api/projects"): GateRequest => ({
  method,
  url,
  headers,
});

describe("request gate", () => {
  it.each([
    ["localhost:3000", true],
    ["127.0.0.1:3000", true],
    ["[::1]:3000", true],
    ["LOCALHOST.", true],
    ["attacker.example:3000", false], // DNS rebinding: the attacker's name pointed at 127.0.0.1
    ["127.0.0.1.nip.io", false],
    ["10.0.0.5:3000", false],
  ])("answers requests for Host %s: %s (local mode)", (host, admitted) => {
    const refusal = checkRequest(request("GET", { host }), local);
    if (admitted) expect(refusal).toBeNull();
    else
      expect(refusal).toMatchObject({
        status: 403,
        code: "forbidden",
        message: expect.stringContaining("ALLOWED_HOSTNAMES"),
      });
  });

  it("admits PUBLIC_URL's host, ALLOWED_HOSTNAMES and a specific bind address", () => {
    expect(checkRequest(request("GET", { host: "fleet.example.com" }), exposed)).toBeNull();
    expect(checkRequest(request("GET", { host: "fleet.internal:3000" }), exposed)).toBeNull();
    expect(checkRequest(request("GET", { host: "other.example.com" }), exposed)).not.toBeNull();
    expect(
      checkRequest(
        request("GET", { host: "192.168.1.20:3000" }),
        gatePolicy(loadEnv({ HOST: "192.168.1.20", AUTH: "on" })),
      ),
    ).toBeNull();
    // Binding every interface admits no extra name by itself.
    expect(checkRequest(request("GET", { host: "0.0.0.0:3000" }), exposed)).not.toBeNull();
  });

  it.each([
    ["POST", { host: "localhost:3000", origin: "http://localhost:3000" }, null],
    ["POST", { host: "localhost:3000", origin: "https://evil.example" }, 403],
    ["POST", { host: "localhost:3000", origin: "null" }, 403], // sandboxed frames and file: pages
    ["POST", { host: "localhost:3000", origin: "http://localhost:4000" }, 403], // another app on this machine
    ["DELETE", { host: "localhost:3000", origin: "https://evil.example" }, 403],
    ["PUT", { host: "localhost:3000", origin: "https://evil.example" }, 403],
    ["PATCH", { host: "localhost:3000", origin: "https://evil.example" }, 403],
    ["POST", { host: "localhost:3000", "sec-fetch-site": "cross-site" }, 403], // a no-cors fetch that hid its Origin
    ["POST", { host: "localhost:3000", "sec-fetch-site": "same-origin" }, null],
    ["POST", { host: "localhost:3000" }, null], // curl, scripts, the SDK
    ["GET", { host: "localhost:3000", origin: "https://evil.example" }, null], // reads are for CORS to guard
  ] as const)("%s with %o → %s", (method, headers, status) => {
    const refusal = checkRequest(request(method, { ...headers }), local);
    expect(refusal?.status ?? null).toBe(status);
  });

  it("admits ALLOWED_ORIGINS and PUBLIC_URL's origin for writes", () => {
    expect(
      checkRequest(request("POST", { host: "fleet.example.com", origin: "https://ops.example.com" }), exposed),
    ).toBeNull();
    expect(
      checkRequest(request("POST", { host: "fleet.internal", origin: "https://fleet.example.com" }), exposed),
    ).toBeNull();
    expect(
      checkRequest(request("POST", { host: "fleet.internal", origin: "https://evil.example" }), exposed)?.status,
    ).toBe(403);
  });

  it("judges every WebSocket upgrade by its Origin, though it is a GET", () => {
    const upgrade = (origin: string) =>
      checkRequest(request("GET", { host: "localhost:3000", origin }, "/api/ws/executions"), local, { upgrade: true });
    expect(upgrade("http://localhost:3000")).toBeNull();
    expect(upgrade("https://evil.example")).toMatchObject({ status: 403, code: "forbidden" });
    expect(
      checkRequest(request("GET", { host: "localhost:3000" }, "/api/ws/executions"), local, { upgrade: true }),
    ).toBeNull();
  });

  it("answers 400 for a path that is not valid percent-encoding or is absurdly long", () => {
    expect(checkRequest(request("GET", { host: "localhost" }, "/api/projects/%E0%A4%A"), local)).toMatchObject({
      status: 400,
      code: "validation_failed",
    });
    expect(checkRequest(request("GET", { host: "localhost" }, "/api/projects/%zz?x=%"), local)?.status).toBe(400);
    expect(
      checkRequest(request("GET", { host: "localhost" }, `/api/projects/${"a".repeat(MAX_PATH_CHARS)}`), local)?.status,
    ).toBe(400);
    expect(checkRequest(request("GET", { host: "localhost" }, "/api/projects/caf%C3%A9?q=%"), local)).toBeNull();
  });

  it("reads host names the way Host headers write them", () => {
    expect(hostnameOf("Example.COM:80")).toBe("example.com");
    expect(hostnameOf("[::1]:3000")).toBe("::1");
    expect(hostnameOf("[::1]")).toBe("::1");
    expect(hostnameOf("localhost.")).toBe("localhost");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { allowHost, clearAllowedHosts, createNetworkGuard, nonPublicReason } from "@/server/agents/network-guard";
import { fillTemplate, fillUrlTemplate } from "@/server/agents/template";
import { classifyError, httpStatusError } from "@/server/agents/errors";

/** A fake resolver: no test here sends a packet anywhere. */
const lookup = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

afterEach(() => clearAllowedHosts());

describe("address ranges", () => {
  it.each([
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "0.0.0.0", "100.64.0.1", "100.127.255.255",
    "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:a9fe:a9fe",
  ])("refuses %s", (ip) => {
    expect(nonPublicReason(ip)).not.toBeNull();
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "allows %s",
    (ip) => {
      expect(nonPublicReason(ip)).toBeNull();
    },
  );

  it("names the metadata address", () => {
    expect(nonPublicReason("169.254.169.254")).toContain("metadata");
  });
});

describe("network guard", () => {
  const guard = (allowedHosts: string[] = []) =>
    createNetworkGuard({
      allowedHosts,
      lookup: lookup({ "public.test": ["93.184.215.14"], "mixed.test": ["93.184.215.14", "10.0.0.7"], "inside.test": ["192.168.0.10"], "v6.test": ["fe80::1"] }),
    });

  it("allows http and https to public hosts", async () => {
    await expect(guard().check("https://public.test/a")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("http://8.8.8.8/")).resolves.toBeInstanceOf(URL);
  });

  it("refuses other schemes and malformed URLs, not retryable", async () => {
    for (const url of ["file:///etc/passwd", "ftp://public.test/", "javascript:alert(1)", "not a url", "/relative"]) {
      await expect(guard().check(url)).rejects.toMatchObject({ retryable: false, kind: "invalid_url" });
    }
  });

  it("refuses hosts resolving to private, link-local or loopback addresses, when any address is", async () => {
    for (const url of ["http://inside.test/", "http://mixed.test/", "http://v6.test/", "http://10.0.0.1/", "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/"]) {
      const error = await guard().check(url).catch((e) => e);
      expect(error).toMatchObject({ retryable: false, kind: "refused_address" });
      expect(error.message).toContain(url);
    }
  });

  it("reports a name that does not resolve as a retryable DNS failure", async () => {
    await expect(guard().check("https://nowhere.test/")).rejects.toMatchObject({ retryable: true, kind: "dns" });
  });

  it("lets ALLOWED_HOSTS open a host, or only one port of it", async () => {
    await expect(guard(["inside.test"]).check("http://inside.test:9999/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["10.0.0.1:8080"]).check("http://10.0.0.1:8080/x")).resolves.toBeInstanceOf(URL);
    await expect(guard(["10.0.0.1:8080"]).check("http://10.0.0.1:8081/x")).rejects.toMatchObject({ kind: "refused_address" });
    await expect(guard(["[::1]:3000"]).check("http://[::1]:3000/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["inside.test:80"]).check("http://inside.test/")).resolves.toBeInstanceOf(URL);
  });

  it("lets allowHost() open a host:port, optionally only under a path", async () => {
    allowHost("127.0.0.1:3000", { pathPrefix: "/demo" });
    await expect(guard().check("http://127.0.0.1:3000/demo/products/x")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("http://127.0.0.1:3000/demo")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("http://127.0.0.1:3000/api/projects")).rejects.toMatchObject({ kind: "refused_address" });
    await expect(guard().check("http://127.0.0.1:3000/demonstration")).rejects.toMatchObject({ kind: "refused_address" });
    await expect(guard().check("http://127.0.0.1:3001/demo")).rejects.toMatchObject({ kind: "refused_address" });
  });
});

describe("templating", () => {
  it("fills {{column}} from the row, tolerating case and spaces", () => {
    expect(fillTemplate("Find {{ Product Name }} now", { "product name": "Oak Lamp" })).toBe("Find Oak Lamp now");
  });

  it("encodes placeholders inside a URL but not one that starts it", () => {
    expect(fillUrlTemplate("/search?q={{q}}", { q: "a&b c" })).toBe("/search?q=a%26b%20c");
    expect(fillUrlTemplate("{{url}}/next", { url: "https://x.test/a" })).toBe("https://x.test/a/next");
  });

  it("fails, not retryable, on a column the row lacks", () => {
    expect(() => fillTemplate("{{missing}}", {})).toThrow(expect.objectContaining({ retryable: false, message: expect.stringContaining("missing") }));
  });
});

describe("error classification", () => {
  it("classifies HTTP statuses", () => {
    expect(httpStatusError("http://x.test/", 200)).toBeNull();
    expect(httpStatusError("http://x.test/", 404)).toMatchObject({ retryable: false });
    expect(httpStatusError("http://x.test/", 503)).toMatchObject({ retryable: true });
    expect(httpStatusError("http://x.test/", 429)).toMatchObject({ retryable: true });
  });

  it("classifies network and browser failures with the URL", () => {
    const refused = classifyError(new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }), "http://x.test/");
    expect(refused).toMatchObject({ retryable: true, kind: "connection_refused" });
    expect(refused.message).toContain("http://x.test/");
    expect(classifyError(new Error("page.goto: net::ERR_NAME_NOT_RESOLVED at http://x.test/"), "http://x.test/")).toMatchObject({ retryable: true, kind: "dns" });
    expect(classifyError(new Error("net::ERR_CERT_AUTHORITY_INVALID"), "https://x.test/")).toMatchObject({ retryable: false, kind: "tls" });
    expect(classifyError(Object.assign(new Error("Timeout 30000ms exceeded"), { name: "TimeoutError" }), "http://x.test/")).toMatchObject({ retryable: true, kind: "timeout" });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { classifyError, httpStatusError } from "@/server/agents/errors";
import {
  allowHost,
  clearAllowedHosts,
  createNetworkGuard,
  nonPublicReason,
  protectAppOrigin,
} from "@/server/agents/network-guard";
import { fillTemplate, fillUrlTemplate } from "@/server/agents/template";

/** A fake resolver: no test here sends a packet anywhere. */
const lookup = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

afterEach(() => clearAllowedHosts());

describe("address ranges", () => {
  // One case per special-purpose range (IANA IPv4 and IPv6 registries), and each embedded-IPv4 form decoded.
  it.each([
    ["0.0.0.0", "this network"],
    ["0.1.2.3", "this network"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["169.254.0.1", "link-local"],
    ["169.254.169.254", "metadata"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.1", "IETF"],
    ["192.0.0.170", "IETF"],
    ["192.0.2.1", "TEST-NET-1"],
    ["192.31.196.1", "AS112"],
    ["192.52.193.1", "AMT"],
    ["192.88.99.1", "6to4 relay"],
    ["192.168.1.1", "private"],
    ["192.175.48.1", "AS112"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["198.51.100.7", "TEST-NET-2"],
    ["203.0.113.9", "TEST-NET-3"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["64:ff9b:1::a00:1", "local-use"],
    ["64:ff9b:1::808:808", "local-use"],
    ["100::1", "discard"],
    ["100:0:0:1::1", "dummy"],
    ["2001::1", "IETF"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["2001:db8::1", "documentation"],
    ["2002:7f00:1::1", "6to4"],
    ["2002:808:808::1", "6to4"],
    ["2620:4f:8000::1", "AS112"],
    ["3fff::1", "documentation"],
    ["5f00::1", "SRv6"],
    ["fc00::1", "unique local"],
    ["fd12:3456::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["4000::1", "reserved"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:10.1.2.3", "IPv4-mapped private"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped cloud metadata"],
    ["::ffff:0:127.0.0.1", "IPv4-translated loopback"],
    ["::ffff:0:c0a8:101", "IPv4-translated private"],
    ["64:ff9b::127.0.0.1", "NAT64 loopback"],
    ["64:ff9b::a9fe:a9fe", "NAT64 cloud metadata"],
    ["::127.0.0.1", "IPv4-compatible loopback"],
    ["::192.168.0.1", "IPv4-compatible private"],
    ["[::ffff:7f00:1]", "IPv4-mapped loopback"],
  ])("refuses %s (%s)", (ip, range) => {
    expect(nonPublicReason(ip)).toContain(range);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "192.169.0.1",
    "198.17.255.255",
    "198.20.0.1",
    "192.0.1.255",
    "192.0.3.0",
    "223.255.255.255",
    "2606:4700::1111",
    "2a00:1450:4001::1",
    "2001:200::1",
    "::ffff:8.8.8.8",
    "::ffff:0:8.8.8.8",
    "64:ff9b::808:808",
  ])("allows %s", (ip) => {
    expect(nonPublicReason(ip)).toBeNull();
  });
});

describe("network guard", () => {
  const resolver = lookup({
    "public.test": ["93.184.215.14"],
    "mixed.test": ["93.184.215.14", "10.0.0.7"],
    "inside.test": ["192.168.0.10"],
    "v6.test": ["fe80::1"],
    "secret.test": ["127.0.0.2"],
    "nat64.test": ["64:ff9b::7f00:1"],
    "this-machine.test": ["192.168.7.7"],
    localhost: ["::1", "127.0.0.1"],
    "fleet.public.test": ["93.184.215.20"],
  });
  const guard = (allowedHosts: string[] = []) =>
    createNetworkGuard({ allowedHosts, lookup: resolver, localAddresses: () => ["192.168.7.7", "::1"] });

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
    for (const url of [
      "http://inside.test/",
      "http://mixed.test/",
      "http://v6.test/",
      "http://10.0.0.1/",
      "http://[::1]:8080/",
      "http://169.254.169.254/latest/meta-data",
      "http://0.0.0.0/",
      "http://nat64.test/",
      "http://[::ffff:0:127.0.0.1]/",
      "http://[::ffff:0:7f00:1]/",
      "http://[64:ff9b:1::a00:1]/",
      "http://[2002:7f00:1::]/",
      "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
      "http://198.18.0.1/",
      "http://192.0.0.8/",
      "http://192.0.2.1/",
    ]) {
      const error = await guard()
        .check(url)
        .catch((e) => e);
      expect(error, url).toMatchObject({ retryable: false, kind: "refused_address" });
      expect(error.message).toContain(url);
      expect(error.message).toContain("private or reserved address");
    }
  });

  it("never names the address a host resolved to", async () => {
    for (const [url, address] of [
      ["http://secret.test/", "127.0.0.2"],
      ["http://inside.test/", "192.168.0.10"],
      ["http://mixed.test/", "10.0.0.7"],
      ["http://nat64.test/", "7f00"],
    ]) {
      const error = await guard()
        .check(url!)
        .catch((e) => e);
      expect(error.message).toContain("private or reserved address");
      expect(error.message).not.toContain(address);
      expect(error.message).not.toMatch(/resolves to|loopback|private network/);
    }
  });

  it("reports a name that does not resolve as a retryable DNS failure", async () => {
    await expect(guard().check("https://nowhere.test/")).rejects.toMatchObject({ retryable: true, kind: "dns" });
  });

  it("lets an ALLOWED_HOSTS entry open ports 80 and 443 only, host:port one port, host:* every port", async () => {
    await expect(guard(["inside.test"]).check("http://inside.test/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["inside.test"]).check("https://inside.test/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["inside.test"]).check("http://inside.test:443/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["inside.test"]).check("http://inside.test:9999/")).rejects.toMatchObject({
      kind: "refused_address",
    });
    await expect(guard(["127.0.0.1"]).check("http://127.0.0.1:5432/")).rejects.toMatchObject({
      kind: "refused_address",
    });
    await expect(guard(["inside.test:*"]).check("http://inside.test:9999/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["10.0.0.1:8080"]).check("http://10.0.0.1:8080/x")).resolves.toBeInstanceOf(URL);
    await expect(guard(["10.0.0.1:8080"]).check("http://10.0.0.1:8081/x")).rejects.toMatchObject({
      kind: "refused_address",
    });
    await expect(guard(["[::1]:3000"]).check("http://[::1]:3000/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["[::1]:*"]).check("http://[::1]:3001/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["::1"]).check("http://[::1]/")).resolves.toBeInstanceOf(URL);
    await expect(guard(["inside.test:80"]).check("http://inside.test/")).resolves.toBeInstanceOf(URL);
  });

  it("lets allowHost() open a host:port, optionally only under a path", async () => {
    allowHost("127.0.0.1:3000", { pathPrefix: "/demo" });
    await expect(guard().check("http://127.0.0.1:3000/demo/products/x")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("http://127.0.0.1:3000/demo")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("http://127.0.0.1:3000/api/projects")).rejects.toMatchObject({
      kind: "refused_address",
    });
    await expect(guard().check("http://127.0.0.1:3000/demonstration")).rejects.toMatchObject({
      kind: "refused_address",
    });
    await expect(guard().check("http://127.0.0.1:3001/demo")).rejects.toMatchObject({ kind: "refused_address" });
  });

  it("never lets agents reach the app's own origin outside /demo, whatever ALLOWED_HOSTS says", async () => {
    protectAppOrigin(3000, "https://fleet.public.test");
    allowHost("127.0.0.1:3000", { pathPrefix: "/demo" });
    const open = guard([
      "127.0.0.1:*",
      "localhost:*",
      "this-machine.test:*",
      "0.0.0.0:*",
      "127.0.0.2:*",
      "[::1]:*",
      "[::ffff:127.0.0.1]:*",
      "secret.test:*",
    ]);
    for (const url of [
      "http://127.0.0.1:3000/api/projects",
      "http://localhost:3000/api/projects",
      "http://127.0.0.2:3000/api/projects",
      "http://0.0.0.0:3000/",
      "http://[::1]:3000/api/projects",
      "http://[::ffff:127.0.0.1]:3000/api/projects",
      "http://this-machine.test:3000/api/projects",
      "http://secret.test:3000/api",
      "https://fleet.public.test/api/projects",
      "http://127.0.0.1:3000/demonstration",
    ]) {
      await expect(open.check(url), url).rejects.toMatchObject({ kind: "refused_address", retryable: false });
    }
    await expect(open.check("http://127.0.0.1:3000/demo/products/x")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("http://127.0.0.1:3000/demo/products/x")).resolves.toBeInstanceOf(URL);
    await expect(open.check("http://127.0.0.1:3001/api/projects")).resolves.toBeInstanceOf(URL);
    await expect(guard().check("https://fleet.public.test/demo/products/x")).resolves.toBeInstanceOf(URL);
  });

  it("pins the connection to every address it checked", async () => {
    const admitted = await guard(["inside.test"]).admit("http://inside.test/");
    expect(admitted.addresses).toEqual([{ address: "192.168.0.10", family: 4 }]);
    expect((await guard().admit("https://public.test/")).addresses).toEqual([{ address: "93.184.215.14", family: 4 }]);
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
    expect(() => fillTemplate("{{missing}}", {})).toThrow(
      expect.objectContaining({ retryable: false, message: expect.stringContaining("missing") }),
    );
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
    const refused = classifyError(
      new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
      "http://x.test/",
    );
    expect(refused).toMatchObject({ retryable: true, kind: "connection_refused" });
    expect(refused.message).toContain("http://x.test/");
    expect(
      classifyError(new Error("page.goto: net::ERR_NAME_NOT_RESOLVED at http://x.test/"), "http://x.test/"),
    ).toMatchObject({ retryable: true, kind: "dns" });
    expect(classifyError(new Error("net::ERR_CERT_AUTHORITY_INVALID"), "https://x.test/")).toMatchObject({
      retryable: false,
      kind: "tls",
    });
    expect(
      classifyError(Object.assign(new Error("Timeout 30000ms exceeded"), { name: "TimeoutError" }), "http://x.test/"),
    ).toMatchObject({ retryable: true, kind: "timeout" });
  });
});
